"""Dates as officials write them: the ROC calendar, in Taipei time."""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils import timezone

from classification import RocDateError, format_roc

register = template.Library()


def _local(value: date | datetime) -> date | datetime:
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


@register.filter
def roc(value) -> str:
    """「115年11月22日」 for a date or datetime (Taipei time); "" for anything else."""
    if not isinstance(value, date):
        return ""
    value = _local(value)
    day = value.date() if isinstance(value, datetime) else value
    try:
        return format_roc(day)
    except RocDateError:
        return ""


@register.filter
def roc_datetime(value) -> str:
    """「115年11月22日 14:05」 for a datetime in Taipei time; a plain date stays a date."""
    if not isinstance(value, datetime):
        return roc(value)
    value = _local(value)
    text = roc(value)
    return f"{text} {value:%H:%M}" if text else ""
