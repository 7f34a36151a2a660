"""The registry's own kinds of field: dates in the ROC calendar, times of day, and their helpers."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from classification import RocDateError, format_roc, parse_roc


class RocDateInput(forms.TextInput):
    """A text box that shows a date as 「115年11月22日」."""

    def format_value(self, value):
        if isinstance(value, date):
            try:
                return format_roc(value)
            except RocDateError:
                return value.isoformat()
        return super().format_value(value)


class RocDateField(forms.Field):
    """A date typed in the ROC calendar (115年11月22日, 115/11/22, 1151122) or as ISO (2026-11-22)."""

    widget = RocDateInput

    def __init__(self, *, past: bool = False, **kwargs):
        # ``past``: the date records something already done, so a future date is refused
        # (registry.hygiene.CleanInputMixin reads it).
        self.past_event = past
        kwargs.setdefault("help_text", _("ROC calendar, for example 115年11月22日, 115/11/22 or 1151122."))
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.setdefault("placeholder", "115/11/22")
        attrs.setdefault("maxlength", "40")
        return attrs

    def to_python(self, value) -> date | None:
        if isinstance(value, date):
            return value
        if value in self.empty_values or not str(value).strip():
            return None
        try:
            return parse_roc(str(value))
        except RocDateError as error:
            raise forms.ValidationError(str(error), code="roc_date") from None


def choices_with_blank(choices, blank_label=None):
    """``choices`` with an empty choice first, shown as ``blank_label``."""
    return [("", blank_label or "---------"), *choices]


def end_of_roc_day(day: date):
    """The last moment of ``day`` in Taipei time: a grant "until 115年12月31日" lasts that whole day."""
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    return datetime.combine(day, time.max).replace(tzinfo=ZoneInfo("Asia/Taipei"))


class HourMinuteField(forms.TimeField):
    """A time of day typed as HH:MM (24-hour clock, Taipei time)."""

    widget = forms.TimeInput(format="%H:%M")

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", ["%H:%M", "%H：%M"])
        kwargs.setdefault("help_text", _("24-hour clock, for example 14:30."))
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.setdefault("placeholder", "14:30")
        attrs.setdefault("maxlength", "5")
        attrs.setdefault("inputmode", "numeric")
        return attrs


def taipei_datetime(day: date, moment):
    """The aware datetime of ``day`` at ``moment`` (a time of day) in the registry's time zone."""
    from datetime import datetime

    from django.utils import timezone

    return timezone.make_aware(datetime.combine(day, moment), timezone.get_current_timezone())
