"""The people, units, documents and meetings events name, read once per page, and the
formatting of each detail's value for people."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from classification import Level, RocDateError, format_roc
from registry.models import AuditAction, Document, Meeting, Unit, User
from registry.policies.labels import rule_label
from registry.review.details import MASK
from registry.trail_text.labels import (
    ADDRESSEE,
    CODE_LABELS,
    DATE_KEYS,
    DATETIME_KEYS,
    ENROLMENT_REASONS,
    FIELD_LABELS,
    FORM_LABELS,
    HANDOVER_REASONS,
    HIDDEN_KEYS,
    PERSON_FIELD_LABELS,
    PERSON_KEYS,
    UNIT_KEYS,
    transit_labels,
)


@dataclass
class EventText:
    """One event for people: the sentence, and the details as (label, value) pairs."""

    sentence: str
    fields: list[tuple[str, str]] = field(default_factory=list)

    @property
    def fields_text(self) -> str:
        return "；".join(f"{label}：{value}" for label, value in self.fields)


@dataclass
class Names:
    """People, units, documents and meetings named by a page of events, each read once."""

    people: dict[int, str] = field(default_factory=dict)
    usernames: dict[str, str] = field(default_factory=dict)
    units: dict[int, str] = field(default_factory=dict)
    documents: dict[int, str] = field(default_factory=dict)
    meetings: dict[int, str] = field(default_factory=dict)
    unit_codes: dict[str, str] = field(default_factory=dict)

    def unit_named(self, code) -> str:
        """A unit recorded by its code (a person's unit before and after a change)."""
        if not isinstance(code, str) or code == MASK:
            return _("no unit")
        return self.unit_codes.get(code, code)

    def person(self, value) -> str:
        if isinstance(value, bool) or value is None:
            return _("nobody on record")
        if isinstance(value, int):
            return self.people.get(value, _("a person no longer on record"))
        if isinstance(value, str) and value != MASK:
            return self.usernames.get(value, value)
        return _("withheld (no need-to-know)")

    def people_list(self, values) -> str:
        if not isinstance(values, list) or not values:
            return _("nobody")
        return "、".join(self.person(v) for v in values)


def _ids(value) -> list[int]:
    items = value if isinstance(value, list) else [value]
    return [v for v in items if isinstance(v, int) and not isinstance(v, bool)]


def load_names(parsed: list[tuple[object, dict]]) -> Names:
    people: set[int] = set()
    usernames: set[str] = set()
    units: set[int] = set()
    documents: set[int] = set()
    meetings: set[int] = set()
    unit_codes: set[str] = set()
    for event, details in parsed:
        if event.action == AuditAction.PERSON_TRANSFER:
            unit_codes.update(v for v in (details.get("before"), details.get("after")) if isinstance(v, str))
        elif event.action == AuditAction.PERSON_CREATE and isinstance(details.get("after"), dict):
            if isinstance(details["after"].get("unit"), str):
                unit_codes.add(details["after"]["unit"])
        elif event.action == AuditAction.PERSON_AGENCY_HEAD:
            for key in ("before", "after"):
                if isinstance(details.get(key), list):
                    usernames.update(v for v in details[key] if isinstance(v, str))
        for key, value in details.items():
            if key in PERSON_KEYS:
                people.update(_ids(value))
                if key == "person" and isinstance(value, str):
                    usernames.add(value)
            elif key in UNIT_KEYS:
                units.update(_ids(value))
            elif key == "documents":
                documents.update(_ids(value))
            elif key == "meeting" and getattr(event, "known_meeting", False):
                meetings.update(_ids(value))
        if event.action in (AuditAction.AUTH_LOGIN_FAILED, AuditAction.AUTH_LOCKOUT) and isinstance(details.get("username"), str):
            usernames.add(details["username"])
    names = Names()
    if people or usernames:
        for pk, username, full_name in User.objects.filter(pk__in=people).values_list("pk", "username", "full_name"):
            names.people[pk] = full_name or username
        for username, full_name in User.objects.filter(username__in=usernames).values_list("username", "full_name"):
            names.usernames[username] = full_name or username
    if unit_codes:
        names.unit_codes = dict(Unit.objects.filter(code__in=unit_codes).values_list("code", "name"))
    if units:
        names.units = dict(Unit.objects.filter(pk__in=units).values_list("pk", "name"))
    if documents:
        for pk, year, series, serial in Document.objects.filter(pk__in=documents).values_list(
            "pk", "reg_year", "reg_series", "reg_serial"
        ):
            names.documents[pk] = f"{year}{series}{serial:06d}"
    if meetings:
        names.meetings = dict(Meeting.objects.filter(pk__in=meetings).values_list("pk", "subject"))
    return names


# --- values -----------------------------------------------------------------------------------------


def roc_datetime(moment: datetime) -> str:
    """「115年12月2日 09:12」 in Taipei time."""
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    try:
        return f"{format_roc(local.date())} {local:%H:%M}"
    except RocDateError:
        return local.isoformat()


def roc_day(text) -> str:
    if not isinstance(text, str):
        return "—"
    try:
        return format_roc(date.fromisoformat(text[:10]))
    except (ValueError, RocDateError):
        return text


def roc_moment(text) -> str:
    moment = parse_datetime(text) if isinstance(text, str) else None
    return roc_datetime(moment) if moment else roc_day(text)


def level_label(value) -> str:
    if value in (None, 0, ""):
        return _("not classified")
    try:
        return str(Level(int(value)).label)
    except (ValueError, TypeError):
        return str(value)


def level_named(value) -> int | None:
    """A level recorded by its marking (「機密」) or its number; None for none."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        try:
            return int(Level.from_label(value))
        except ValueError:
            return None
    return None


def code_label(key: str, value) -> str:
    if key == "method":
        labels = {**CODE_LABELS["method"], **transit_labels()}
    else:
        labels = CODE_LABELS.get(key, {})
    return str(labels.get(value, value))


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def meeting_name(names: Names, details: dict) -> str:
    subject = names.meetings.get(details.get("meeting"))
    return _("the meeting 「%(subject)s」") % {"subject": subject} if subject else _("a classified meeting")


def _value(key: str, value, names: Names) -> str:
    if value == MASK:
        return _("withheld (no need-to-know)")
    if isinstance(value, bool):
        return _yes_no(value)
    if value is None or value == "" or value == []:
        return "—"
    if key in PERSON_KEYS and (isinstance(value, (int, list)) or key == "person"):
        return names.people_list(value) if isinstance(value, list) else names.person(value)
    if key in UNIT_KEYS:
        return names.units.get(value, "—") if isinstance(value, int) else str(value)
    if key == "documents":
        return "、".join(names.documents.get(v, "—") for v in _ids(value)) or "—"
    if key in ("level", "old_level", "new_level"):
        return level_label(value)
    if key in DATE_KEYS:
        return roc_day(value)
    if key in DATETIME_KEYS:
        return roc_moment(value)
    if key == "retention_years":
        return _("permanent") if not value else _("%(years)s years") % {"years": value}
    if key == "purpose":
        return purpose_label(value)
    if key == "rule":
        return rule_label(value)
    if key == "copies" and isinstance(value, list):
        return "、".join(str(v) for v in value)
    if key == "scope" and isinstance(value, list):
        return "、".join(names.units.get(v, "—") for v in _ids(value)) if names.units else _("some units")
    if key in CODE_LABELS or key == "method":
        return code_label(key, value)
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def purpose_label(value) -> str:
    """What a refused person tried: an action of the rule book, a page, or a printed form."""
    if not isinstance(value, str):
        return "—"
    pages = {
        "view": _("read a document"),
        "trail": _("read a handling trail"),
        "print": _("print a form"),
        "meeting": _("open a meeting"),
        "review_person": _("read a person's activity"),
        "inspection_report": _("print an inspection report"),
        "audit_search": _("search the audit trail"),
        "distribution": _("distribution"),
        "reproduction": _("copying or publication"),
    }
    if value in pages:
        return pages[value]
    if value.startswith("print "):
        form = value.split(" ", 1)[1]
        return _("print the %(form)s") % {"form": FORM_LABELS.get(form, _("form"))}
    label = rule_label(value)
    return label if label != value else _("an action")


def _person_part(name: str, value, names: Names) -> str:
    if value == MASK:
        return _("withheld (no need-to-know)")
    if name == "unit":
        return names.unit_named(value)
    if name == "clearance":
        return value if isinstance(value, str) and value else _("none")
    if isinstance(value, bool):
        return _yes_no(value)
    if isinstance(value, list):
        return "、".join(str(v) for v in value) or _("none")
    return str(value) if value not in (None, "") else _("none")


def change_value(action: str, value, names: Names) -> str:
    """A person's state before or after a change to people, in words."""
    if value == MASK:
        return _("withheld (no need-to-know)")
    if action == AuditAction.PERSON_CLEARANCE:
        return _person_part("clearance", value, names)
    if action == AuditAction.PERSON_TRANSFER:
        return names.unit_named(value)
    if action == AuditAction.PERSON_ACTIVE and isinstance(value, bool):
        return _("active") if value else _("inactive")
    if action == AuditAction.PERSON_AGENCY_HEAD and isinstance(value, list):
        return names.people_list(value) if value else _("nobody")
    if isinstance(value, dict):  # in the order of the form, not the chain's sorted keys
        order = list(PERSON_FIELD_LABELS)
        ranked = sorted(value.items(), key=lambda pair: order.index(pair[0]) if pair[0] in order else len(order))
        return "、".join(
            f"{PERSON_FIELD_LABELS.get(name, _('Other detail'))}：{_person_part(name, item, names)}" for name, item in ranked
        )
    return _person_part("", value, names)


def fields_of(action: str, details: dict, names: Names) -> list[tuple[str, str]]:
    rows = []
    for key, value in details.items():
        if action.startswith(("person.", "handover.")) and key in ("before", "after"):
            rows.append((str(FIELD_LABELS[key]), change_value(action, value, names)))
            continue
        if key == "reason" and action == AuditAction.HANDOVER and isinstance(value, str) and value in HANDOVER_REASONS:
            rows.append((str(FIELD_LABELS["reason"]), str(HANDOVER_REASONS[value])))
            continue
        if key == "documents" and action == AuditAction.REGISTER_IMPORT:
            continue  # the numbers imported are listed as recorded
        if key == "reason" and action.startswith("auth.enrol_code") and isinstance(value, str):
            rows.append((str(FIELD_LABELS["reason"]), str(ENROLMENT_REASONS.get(value, value))))
            continue
        if key in HIDDEN_KEYS or (key == "decision" and isinstance(value, int)):
            continue
        label = FIELD_LABELS.get(key)
        if key == "recipient" and isinstance(value, str):
            label = ADDRESSEE  # a dispatch's addressee is text, a distribution's recipient a person
        rows.append((str(label) if label else _("Other detail"), _value(key, value, names)))
    return rows


