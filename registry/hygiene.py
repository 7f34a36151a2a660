"""Input hygiene, in one place: text that hides what it says, and past events dated in the future.

Two kinds of input are refused wherever they come from (a page's form, a service called directly, a
management command, the admin):

* free text carrying bidirectional-override or isolate characters (U+202A–U+202E, U+2066–U+2069),
  which make a subject display in another order than it is stored and searched; left-to-right and
  right-to-left marks (U+200E, U+200F) in text with no right-to-left script, where they can only
  disguise; other invisible control characters; and text made only of zero-width characters
  (U+200B–U+200D, U+2060, U+FEFF) and spaces, which looks empty but is not;
* a date in the future where the field records something that already happened (a receipt, an
  approval, a reading, a decision, a destruction, a return).

The forms check their fields through :class:`CleanInputMixin` (errors beside the field, naming it);
every model of the registry is checked again before it is saved (``check_instance``, connected in
``registry.signals``), so a service called directly refuses the same input with the same words.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, timedelta

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.errors import ValidationFailed

BIDI_CONTROLS = frozenset(
    chr(code) for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))
)
BIDI_MARKS = frozenset({"\u200e", "\u200f", "\u061c"})
ZERO_WIDTH = frozenset({"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"})
# Line breaks and tabs are ordinary in a note; every other control character is not.
ALLOWED_CONTROLS = frozenset({"\t", "\n", "\r"})
# A time "now" from another clock (a server a little ahead) is not a future event.
CLOCK_TOLERANCE = timedelta(minutes=5)

# Per model (app_label.ModelName): the date and time fields that record an event already past.
PAST_EVENT_FIELDS: dict[str, tuple[str, ...]] = {
    "registry.Document": (
        "received_on",
        "sender_dated_on",
        "approval_date",
        "declass_event_met_on",
        "declassified_on",
        "last_reviewed_on",
    ),
    "registry.ReviewRecord": ("reviewed_on",),
    "registry.ClassificationDecision": ("agency_decided_on",),
    "registry.DestructionList": ("destroyed_on",),
    "registry.Dispatch": ("receipt_on",),
    "registry.PartyRequest": ("received_on",),
    "registry.OnSiteReading": ("read_on",),
    "registry.VenueCheck": ("checked_at",),
    "registry.Loan": ("lent_at", "returned_at"),
}
# Tables whose text is written by the registry itself, never typed: the audit chain and its checks.
UNCHECKED_MODELS = frozenset({"registry.AuditEvent", "registry.ChainVerification"})


def _is_rtl_script(char: str) -> bool:
    # The marks themselves count as right-to-left characters; they are not script.
    return char not in BIDI_MARKS and unicodedata.bidirectional(char) in ("R", "AL")


def text_problem(value: str, label: str) -> str | None:
    """Why ``value`` may not be stored in the field called ``label``, or None when it may."""
    if not isinstance(value, str) or not value:
        return None
    chars = set(value)
    if chars & BIDI_CONTROLS:
        return _(
            "「%(field)s」 contains a bidirectional-override character (such as U+202E), which makes "
            "the text display in another order than it is stored. Remove it and type the text again."
        ) % {"field": label}
    if chars & BIDI_MARKS and not any(_is_rtl_script(char) for char in value):
        return _(
            "「%(field)s」 contains an invisible direction mark (U+200E or U+200F) in text with no "
            "right-to-left script. Remove it and type the text again."
        ) % {"field": label}
    if any(unicodedata.category(char) == "Cc" and char not in ALLOWED_CONTROLS for char in chars):
        return _(
            "「%(field)s」 contains an invisible control character. Remove it and type the text again."
        ) % {"field": label}
    if not "".join(char for char in value if char not in ZERO_WIDTH).strip() and chars & ZERO_WIDTH:
        return _(
            "「%(field)s」 is made only of invisible zero-width characters: it looks empty but is not. "
            "Type the text, or leave the field empty."
        ) % {"field": label}
    return None


def past_event_problem(value, label: str, *, now: datetime | None = None) -> str | None:
    """Why ``value`` may not be the date of an event already past, or None when it may."""
    if value is None or value == "":
        return None
    now = now or timezone.now()
    if isinstance(value, datetime):
        late = value > now + CLOCK_TOLERANCE
    elif isinstance(value, date):
        late = value > timezone.localdate(now)
    else:
        return None
    if late:
        return _(
            "「%(field)s」 records something that has already happened, so it cannot lie in the "
            "future. Check the year (ROC calendar, for example 115/11/22)."
        ) % {"field": label}
    return None


def require_clean(*, texts: dict | None = None, past: dict | None = None, labels: dict | None = None) -> None:
    """Refuse (``ValidationFailed``, field by field) unclean text or a past event dated in the future.

    ``texts`` and ``past`` map field names to values; ``labels`` names the fields for the person
    (the field name itself where no label is given).
    """
    labels = labels or {}
    errors: dict[str, list[str]] = {}
    for name, value in (texts or {}).items():
        problem = text_problem(value, str(labels.get(name, name)))
        if problem:
            errors.setdefault(name, []).append(problem)
    for name, value in (past or {}).items():
        problem = past_event_problem(value, str(labels.get(name, name)))
        if problem:
            errors.setdefault(name, []).append(problem)
    if errors:
        first = next(iter(errors.values()))[0]
        raise ValidationFailed(first, field_errors=errors)


def require_clean_for(model: type[models.Model], *, texts: dict | None = None, past: dict | None = None) -> None:
    """``require_clean`` with the fields named as ``model`` names them (its verbose names)."""
    names = [*(texts or {}), *(past or {})]
    labels = {name: _label(model._meta.get_field(name)) for name in names}
    require_clean(texts=texts, past=past, labels=labels)


def _label(field: models.Field) -> str:
    return str(field.verbose_name or field.name)


def _model_key(instance: models.Model) -> str:
    return f"{instance._meta.app_label}.{instance._meta.object_name}"


def check_instance(instance: models.Model, update_fields=None) -> None:
    """Refuse to save ``instance`` with unclean text, or with a changed past event in the future."""
    key = _model_key(instance)
    if key in UNCHECKED_MODELS:
        return
    texts, past, labels = {}, {}, {}
    for field in instance._meta.concrete_fields:
        if update_fields is not None and field.name not in update_fields:
            continue
        if isinstance(field, (models.CharField, models.TextField)) and not field.choices:
            texts[field.name] = getattr(instance, field.attname)
            labels[field.name] = _label(field)
    for name in PAST_EVENT_FIELDS.get(key, ()):
        if update_fields is not None and name not in update_fields:
            continue
        value = getattr(instance, name)
        if past_event_problem(value, name) and not _stored_unchanged(instance, name, value):
            past[name] = value
            labels[name] = _label(instance._meta.get_field(name))
    require_clean(texts=texts, past=past, labels=labels)


def _stored_unchanged(instance: models.Model, name: str, value) -> bool:
    """Whether the row already holds ``value`` (a row stored before the check is saved as it was).

    Asked only of a date that would be refused, so an ordinary save costs no query.
    """
    if instance._state.adding or instance.pk is None:
        return False
    stored = type(instance)._base_manager.filter(pk=instance.pk).values_list(name, flat=True).first()
    return stored == value


class CleanInputMixin:
    """A form whose every text field and every past-event date field is checked for hygiene.

    A date field is a past event when it is built with ``past=True`` (``RocDateField``) or named in
    the form's ``past_event_fields``.
    """

    past_event_fields: tuple[str, ...] = ()

    def full_clean(self):
        super().full_clean()
        if not self.is_bound or not hasattr(self, "cleaned_data"):
            return
        for name in list(self.cleaned_data):
            field = self.fields.get(name)
            if field is None:
                continue
            label = str(field.label or name)
            value = self.cleaned_data[name]
            problems = []
            for item in value if isinstance(value, (list, tuple)) else [value]:
                if isinstance(item, str):
                    problems.append(text_problem(item, label))
            if getattr(field, "past_event", False) or name in self.past_event_fields:
                problems.append(past_event_problem(value, label))
            problems = [problem for problem in problems if problem]
            if problems:
                self.add_error(name, problems[0])
