"""The trail in words: every audit event as one sentence and a few labelled fields.

The chain keeps each event's details as canonical JSON with codes and row ids; the ethics office reads
「王收發 於115年12月2日 09:12 將副本第2號交予李承辦」. ``describe_events`` turns a page of events into
such sentences, resolving the people, units, documents and meetings the details name in one query
per kind, never one per event.

Need-to-know holds as on the raw details: free text (reasons, notes, a dispatch's addressee) is taken
from ``registry.review.details.visible_details``, which masks it on an event about a document or a
meeting the reader does not know. A sentence itself never carries free text: only names, dates,
numbers and the labels of codes. Internal row ids (of a grant, a loan, a request) and a browser's
user-agent string are never shown; they stay in the chain and in the CSV's raw column.

Each action has its sentence in ``SENTENCES``; an action without one falls back to its label, so a
new action is readable from the day it is added (tests/test_trail_text.py asks for a sentence).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from classification import Level, RocDateError, format_roc
from registry.models import (
    ApplicantKind,
    AuditAction,
    DecisionKind,
    DestructionMethod,
    Direction,
    Document,
    Meeting,
    PartyDecision,
    PublicationState,
    ReproductionKind,
    ReviewOutcome,
    Unit,
    User,
)
from registry.models.documents import GrantBasis
from registry.policies.labels import rule_label
from registry.review.details import MASK, visible_details

# --- what the detail keys are ---------------------------------------------------------------------

PERSON_KEYS = frozenset(
    {"user", "holder", "handler", "from", "to", "borrower", "witness", "destroyed_by", "supervised_by", "chair",
     "previous_custodian", "recipients", "notices", "person", "recipient"}
)
UNIT_KEYS = frozenset({"unit", "handling_unit"})
DATE_KEYS = frozenset({"due_on", "happened_on", "read_on", "received_on", "destroyed_on", "date_from", "date_to", "day"})
DATETIME_KEYS = frozenset({"expires_at", "expired_at"})
# Row ids and machine detail: kept in the chain (and the CSV's raw column), never shown as a field.
HIDDEN_KEYS = frozenset(
    {"grant", "loan", "request", "dispatch", "review", "notice", "code", "publication", "list", "object",
     "requested", "agent", "bench", "decision_id", "dispatches", "head_hash", "through_seq", "meeting",
     "instruction_length"}
)

FIELD_LABELS = {
    "number": gettext_lazy("Registration number"),
    "level": gettext_lazy("Classification level"),
    "direction": gettext_lazy("Kind of document"),
    "unit": gettext_lazy("Unit"),
    "handling_unit": gettext_lazy("Handling unit"),
    "handler": gettext_lazy("Handler"),
    "previous_custodian": gettext_lazy("Previous custodian"),
    "user": gettext_lazy("Person"),
    "person": gettext_lazy("Person"),
    "basis": gettext_lazy("Basis of need-to-know"),
    "reason": gettext_lazy("Reason"),
    "grounds": gettext_lazy("Grounds"),
    "expires_at": gettext_lazy("Valid until"),
    "expired_at": gettext_lazy("Expired at"),
    "recipients": gettext_lazy("Recipients"),
    "recipient": gettext_lazy("Recipient"),
    "copy": gettext_lazy("Copy number"),
    "copies": gettext_lazy("Copies"),
    "holder": gettext_lazy("Holder"),
    "reproduction": gettext_lazy("Reproduction"),
    "purpose": gettext_lazy("What was attempted"),
    "from": gettext_lazy("Passed on by"),
    "to": gettext_lazy("Passed to"),
    "kind": gettext_lazy("Kind"),
    "method": gettext_lazy("Method"),
    "registered_no": gettext_lazy("Registered-mail number"),
    "received_on": gettext_lazy("Date received"),
    "discrepancy": gettext_lazy("Discrepancy"),
    "note": gettext_lazy("Note"),
    "location": gettext_lazy("Storage location"),
    "retention_years": gettext_lazy("Retention period"),
    "due_on": gettext_lazy("Due back on"),
    "borrower": gettext_lazy("Borrower"),
    "happened_on": gettext_lazy("Date of the event"),
    "outcome": gettext_lazy("Outcome"),
    "decision": gettext_lazy("Decision"),
    "old_level": gettext_lazy("Level before"),
    "new_level": gettext_lazy("Level after"),
    "notices": gettext_lazy("People to be told"),
    "documents": gettext_lazy("Documents"),
    "witness": gettext_lazy("Witness"),
    "destroyed_by": gettext_lazy("Destroyed by"),
    "destroyed_on": gettext_lazy("Date destroyed"),
    "applicant_kind": gettext_lazy("Applicant"),
    "read_on": gettext_lazy("Date read"),
    "supervised_by": gettext_lazy("Supervised by"),
    "chair": gettext_lazy("Chair"),
    "clear": gettext_lazy("Venue found clear"),
    "duty": gettext_lazy("Duty"),
    "role": gettext_lazy("Named as"),
    "state": gettext_lazy("State"),
    "rule": gettext_lazy("Rule applied"),
    "ip": gettext_lazy("Network address"),
    "username": gettext_lazy("Account"),
    "locked_out": gettext_lazy("Account locked"),
    "failures": gettext_lazy("Failed attempts"),
    "limit": gettext_lazy("Attempts allowed"),
    "minutes": gettext_lazy("Locked for (minutes)"),
    "device": gettext_lazy("Device"),
    "enrolment": gettext_lazy("While setting up"),
    "throttled": gettext_lazy("Attempts throttled"),
    "desk": gettext_lazy("At the desk"),
    "confirmed": gettext_lazy("Device confirmed"),
    "via": gettext_lazy("Through"),
    "export": gettext_lazy("Exported"),
    "scope": gettext_lazy("Scope"),
    "report": gettext_lazy("Report"),
    "date_from": gettext_lazy("From"),
    "date_to": gettext_lazy("To"),
    "day": gettext_lazy("Day"),
    "form": gettext_lazy("Printed form"),
    "action": gettext_lazy("Action"),
    "attendees": gettext_lazy("Attendees"),
    "outstanding": gettext_lazy("Outstanding"),
    "whole": gettext_lazy("Whole chain verified"),
    "discrepancy_found": gettext_lazy("Discrepancy"),
}

ADDRESSEE = gettext_lazy("Addressee")

FORM_LABELS = {
    "cover_sheet": gettext_lazy("cover sheet"),
    "distribution_register": gettext_lazy("distribution register"),
    "envelope_inner": gettext_lazy("inner envelope"),
    "envelope_outer": gettext_lazy("outer envelope"),
    "dispatch_list": gettext_lazy("dispatch list"),
    "destruction_inventory": gettext_lazy("destruction inventory"),
    "party_letter": gettext_lazy("decision letter to a party"),
    "inspection_report": gettext_lazy("inspection report"),
    "meeting_attendance": gettext_lazy("meeting attendance sheet"),
    "meeting_recall": gettext_lazy("meeting materials recall list"),
}
MEETING_ROLES = {"meeting": gettext_lazy("meeting materials"), "minutes": gettext_lazy("minutes")}
PUBLICATION_STATES = {**dict(PublicationState.choices), "requested": gettext_lazy("requested")}
SCOPES = {"office": gettext_lazy("the whole office")}
VIA = {
    "admin": gettext_lazy("the admin site"),
    "command": gettext_lazy("a server command"),
    "desk": gettext_lazy("the desk"),
    "limit": gettext_lazy("the limit of wrong codes"),
}
# Why an enrolment code was refused or revoked: codes set by the registry (registry.auth.enrolment).
ENROLMENT_REASONS = {
    "device": gettext_lazy("a device is already set up"),
    "wrong": gettext_lazy("wrong code"),
    "another_person": gettext_lazy("another person's code"),
    "expired": gettext_lazy("expired"),
    "used": gettext_lazy("already used"),
    "revoked": gettext_lazy("revoked"),
    "replaced": gettext_lazy("replaced by a new code"),
    "too_many_wrong_codes": gettext_lazy("too many wrong codes"),
}
REPORTS = {"person": gettext_lazy("a person's activity")}

# Codes whose label is looked up (a key whose value is a code of a fixed list).
CODE_LABELS: dict[str, dict] = {
    "direction": dict(Direction.choices),
    "basis": dict(GrantBasis.choices),
    "kind": {**dict(ReproductionKind.choices), **dict(DecisionKind.choices)},
    "outcome": dict(ReviewOutcome.choices),
    "applicant_kind": dict(ApplicantKind.choices),
    "decision": dict(PartyDecision.choices),
    "method": dict(DestructionMethod.choices),
    "form": FORM_LABELS,
    "role": MEETING_ROLES,
    "state": PUBLICATION_STATES,
    "scope": SCOPES,
    "via": VIA,
    "report": REPORTS,
    "action": dict(AuditAction.choices),
}


def _transit_labels() -> dict:
    from classification.transit import TransitMethod

    return dict(TransitMethod.choices())


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


def _load_names(parsed: list[tuple[object, dict]]) -> Names:
    people: set[int] = set()
    usernames: set[str] = set()
    units: set[int] = set()
    documents: set[int] = set()
    meetings: set[int] = set()
    for event, details in parsed:
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


def _roc_day(text) -> str:
    if not isinstance(text, str):
        return "—"
    try:
        return format_roc(date.fromisoformat(text[:10]))
    except (ValueError, RocDateError):
        return text


def _roc_moment(text) -> str:
    moment = parse_datetime(text) if isinstance(text, str) else None
    return roc_datetime(moment) if moment else _roc_day(text)


def _level(value) -> str:
    if value in (None, 0, ""):
        return _("not classified")
    try:
        return str(Level(int(value)).label)
    except (ValueError, TypeError):
        return str(value)


def _code(key: str, value) -> str:
    if key == "method":
        labels = {**CODE_LABELS["method"], **_transit_labels()}
    else:
        labels = CODE_LABELS.get(key, {})
    return str(labels.get(value, value))


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def _meeting(names: Names, details: dict) -> str:
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
        return _level(value)
    if key in DATE_KEYS:
        return _roc_day(value)
    if key in DATETIME_KEYS:
        return _roc_moment(value)
    if key == "retention_years":
        return _("permanent") if not value else _("%(years)s years") % {"years": value}
    if key == "purpose":
        return _purpose(value)
    if key == "rule":
        return rule_label(value)
    if key == "copies" and isinstance(value, list):
        return "、".join(str(v) for v in value)
    if key == "scope" and isinstance(value, list):
        return "、".join(names.units.get(v, "—") for v in _ids(value)) if names.units else _("some units")
    if key in CODE_LABELS or key == "method":
        return _code(key, value)
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def _purpose(value) -> str:
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


def _fields(action: str, details: dict, names: Names) -> list[tuple[str, str]]:
    rows = []
    for key, value in details.items():
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


# --- the sentences ----------------------------------------------------------------------------------
# Each takes (details, names) and says what the actor did, after 「<actor> 於<time> 」.

Sentence = Callable[[dict, Names], str]


def _p(key: str) -> Callable[[dict, Names], str]:
    return lambda d, n: n.person(d.get(key))


def _copy(d: dict) -> str:
    value = d.get("copy")
    return str(value) if isinstance(value, int) else "—"


def _count(d: dict, key: str = "documents") -> int:
    value = d.get(key)
    return len(value) if isinstance(value, list) else 0


def _search(d: dict, n: Names) -> str:
    if d.get("export"):
        return _("exported the audit trail as CSV")
    if d.get("report"):
        return _("read the review report on %(report)s") % {"report": _code("report", d["report"])}
    return _("searched the audit trail")


def _dispatch_receipt(d: dict, n: Names) -> str:
    return _("recorded the receipt returned on %(day)s") % {"day": _roc_day(d.get("received_on"))}


def _print(d: dict, n: Names) -> str:
    form = FORM_LABELS.get(d.get("form"))
    if d.get("form") == "cover_sheet" and isinstance(d.get("copy"), int):
        return _("printed the cover sheet of copy No. %(copy)s") % {"copy": d["copy"]}
    return _("printed the %(form)s") % {"form": form or _("form")}


def _reclassify(d: dict, n: Names) -> str:
    if d.get("kind") == DecisionKind.DECLASSIFY:
        return _("declassified it (it was %(old)s)") % {"old": _level(d.get("old_level"))}
    return _("changed its level from %(old)s to %(new)s") % {
        "old": _level(d.get("old_level")),
        "new": _level(d.get("new_level")),
    }


def _copy_return(d: dict, n: Names) -> str:
    if isinstance(d.get("from"), int):
        return _("took back copy No. %(copy)s from %(person)s") % {"copy": _copy(d), "person": n.person(d["from"])}
    return _("took back copy No. %(copy)s") % {"copy": _copy(d)}


def _publication(d: dict, n: Names) -> str:
    if d.get("state") in (None, MASK):
        return _("recorded a publication about %(meeting)s") % {"meeting": _meeting(n, d)}
    return _("recorded a publication about %(meeting)s as %(state)s") % {
        "meeting": _meeting(n, d),
        "state": _code("state", d.get("state")),
    }


def _refused(d: dict, n: Names) -> str:
    return _("was refused: %(what)s") % {"what": _purpose(d.get("purpose"))}


def _denied(d: dict, n: Names) -> str:
    return _("was refused access: %(what)s") % {"what": _purpose(d.get("purpose"))}


def _recall(d: dict, n: Names) -> str:
    copies = d.get("copies") if isinstance(d.get("copies"), list) else []
    text = "、".join(str(c) for c in copies) or "—"
    if "meeting" in d:
        return _("recalled the copies No. %(copies)s of the materials of %(meeting)s") % {
            "copies": text,
            "meeting": _meeting(n, d),
        }
    return _("recalled the copies No. %(copies)s") % {"copies": text}


def _dispatch_send(d: dict, n: Names) -> str:
    if d.get("method") in (None, MASK):
        return _("dispatched it")
    return _("dispatched it by %(method)s") % {"method": _code("method", d.get("method"))}


def _destroy(d: dict, n: Names) -> str:
    if d.get("method") in (None, MASK):
        return _("destroyed it, witnessed by %(witness)s") % {"witness": n.person(d.get("witness"))}
    return _("destroyed it by %(method)s, witnessed by %(witness)s") % {
        "method": _code("method", d.get("method")),
        "witness": n.person(d.get("witness")),
    }


A = AuditAction
SENTENCES: dict[str, Sentence] = {
    A.DOCUMENT_REGISTER: lambda d, n: _("registered it as %(number)s") % {"number": d.get("number", "—")},
    A.DOCUMENT_OPEN: lambda d, n: _("opened it and instructed %(unit)s to handle it")
    % {"unit": n.units.get(d.get("handling_unit"), "—")},
    A.DOCUMENT_ROUTE: lambda d, n: _("routed it to %(person)s") % {"person": n.person(d.get("handler"))},
    A.DOCUMENT_SIGN_FOR: lambda d, n: _("signed for it"),
    A.DOCUMENT_BEGIN_HANDLING: lambda d, n: _("began handling it"),
    A.DOCUMENT_CANCEL: lambda d, n: _("cancelled its registration"),
    A.DOCUMENT_VIEW: lambda d, n: _("read it"),
    A.DOCUMENT_TRAIL_VIEW: lambda d, n: _("read its handling trail"),
    A.GRANT_CREATE: lambda d, n: _("gave %(person)s need-to-know") % {"person": n.person(d.get("user"))},
    A.GRANT_END: lambda d, n: _("ended the need-to-know of %(person)s") % {"person": n.person(d.get("user"))},
    A.GRANT_EXPIRE: lambda d, n: _("recorded that the need-to-know of %(person)s expired")
    % {"person": n.person(d.get("user"))},
    A.DISTRIBUTION_REQUEST: lambda d, n: _("asked to distribute it to %(people)s")
    % {"people": n.people_list(d.get("recipients"))},
    A.DISTRIBUTION_APPROVE: lambda d, n: _("approved distribution to %(person)s as copy No. %(copy)s")
    % {"person": n.person(d.get("recipient")), "copy": _copy(d)},
    A.DISTRIBUTION_REFUSE: lambda d, n: _("refused distribution to %(person)s") % {"person": n.person(d.get("recipient"))},
    A.COPY_ISSUE: lambda d, n: _("issued copy No. %(copy)s to %(person)s")
    % {"copy": _copy(d), "person": n.person(d.get("holder"))},
    A.COPY_SIGN: lambda d, n: _("signed for copy No. %(copy)s") % {"copy": _copy(d)},
    A.COPY_PASS: lambda d, n: _("handed copy No. %(copy)s to %(person)s")
    % {"copy": _copy(d), "person": n.person(d.get("to"))},
    A.COPY_RECALL: _recall,
    A.COPY_RETURN: _copy_return,
    A.REPRODUCTION_REQUEST: lambda d, n: _("asked for %(kind)s") % {"kind": _code("kind", d.get("kind"))},
    A.REPRODUCTION_APPROVE: lambda d, n: _("approved %(kind)s") % {"kind": _code("kind", d.get("kind"))},
    A.REPRODUCTION_REFUSE: lambda d, n: _("refused %(kind)s") % {"kind": _code("kind", d.get("kind"))},
    A.DISPATCH_SEND: _dispatch_send,
    A.DISPATCH_RECEIPT: _dispatch_receipt,
    A.DISPATCH_DISCREPANCY: lambda d, n: _("recorded a discrepancy in the receipt returned on %(day)s")
    % {"day": _roc_day(d.get("received_on"))},
    A.PRINT: _print,
    A.ARCHIVE_HANDOVER: lambda d, n: _("handed it to the archive"),
    A.ARCHIVE_RECEIVE: lambda d, n: _("filed it in the archive at %(location)s")
    % {"location": d.get("location") or "—"},
    A.LOAN_REQUEST: lambda d, n: _("asked to borrow it"),
    A.LOAN_APPROVE: lambda d, n: _("approved a loan due back on %(day)s") % {"day": _roc_day(d.get("due_on"))},
    A.LOAN_REFUSE: lambda d, n: _("refused a loan"),
    A.LOAN_LEND: lambda d, n: _("lent it to %(person)s, due back on %(day)s")
    % {"person": n.person(d.get("borrower")), "day": _roc_day(d.get("due_on"))},
    A.LOAN_RETURN: lambda d, n: _("took it back from a loan"),
    A.DECLASS_EVENT: lambda d, n: _("recorded that its declassifying event happened on %(day)s")
    % {"day": _roc_day(d.get("happened_on"))},
    A.REVIEW_RECORD: lambda d, n: _("recorded a review of its level: %(outcome)s")
    % {"outcome": _code("outcome", d.get("outcome"))},
    A.RECLASSIFY: _reclassify,
    A.NOTICE_TOLD: lambda d, n: _("recorded that %(person)s was told of the change of level")
    % {"person": n.person(d.get("recipient"))},
    A.DESTRUCTION_DRAFT: lambda d, n: _("drafted a destruction inventory of %(count)s documents") % {"count": _count(d)},
    A.DESTRUCTION_APPROVE: lambda d, n: _("approved a destruction inventory of %(count)s documents") % {"count": _count(d)},
    A.DESTRUCTION_RECORD: lambda d, n: _("recorded that %(person)s destroyed %(count)s documents, witnessed by %(witness)s")
    % {"person": n.person(d.get("destroyed_by")), "count": _count(d), "witness": n.person(d.get("witness"))},
    A.DOCUMENT_DESTROY: _destroy,
    A.PARTY_REQUEST: lambda d, n: _("recorded a request to read the file from %(kind)s")
    % {"kind": _code("applicant_kind", d.get("applicant_kind"))},
    A.PARTY_DECIDE: lambda d, n: _("decided a party's request: %(decision)s") % {"decision": _code("decision", d.get("decision"))},
    A.PARTY_READING: lambda d, n: _("recorded a reading on site on %(day)s, supervised by %(person)s")
    % {"day": _roc_day(d.get("read_on")), "person": n.person(d.get("supervised_by"))},
    A.MEETING_REGISTER: lambda d, n: _("registered %(meeting)s, chaired by %(person)s")
    % {"meeting": _meeting(n, d), "person": n.person(d.get("chair"))},
    A.MEETING_VENUE_CHECK: lambda d, n: _("checked the venue of %(meeting)s") % {"meeting": _meeting(n, d)},
    A.MEETING_STAFF: lambda d, n: _("chose %(person)s as service staff of %(meeting)s")
    % {"person": n.person(d.get("person")), "meeting": _meeting(n, d)},
    A.MEETING_PROPOSE: lambda d, n: _("proposed %(person)s to attend %(meeting)s")
    % {"person": n.person(d.get("person")), "meeting": _meeting(n, d)},
    A.MEETING_APPROVE: lambda d, n: _("admitted %(person)s to %(meeting)s")
    % {"person": n.person(d.get("person")), "meeting": _meeting(n, d)},
    A.MEETING_REFUSE: lambda d, n: _("did not admit %(person)s to %(meeting)s")
    % {"person": n.person(d.get("person")), "meeting": _meeting(n, d)},
    A.MEETING_MATERIALS: lambda d, n: _("named this document as the %(role)s of %(meeting)s")
    % {"role": _code("role", d.get("role")), "meeting": _meeting(n, d)},
    A.MEETING_ANNOUNCE: lambda d, n: _("announced the level of %(meeting)s") % {"meeting": _meeting(n, d)},
    A.MEETING_HAND_OUT: lambda d, n: _("handed copy No. %(copy)s of the materials of %(meeting)s to %(person)s")
    % {"copy": _copy(d), "meeting": _meeting(n, d), "person": n.person(d.get("person"))},
    A.MEETING_CLOSE: lambda d, n: _("closed %(meeting)s") % {"meeting": _meeting(n, d)},
    A.MEETING_MINUTES: lambda d, n: _("distributed the minutes of %(meeting)s to %(people)s")
    % {"meeting": _meeting(n, d), "people": n.people_list(d.get("recipients"))},
    A.MEETING_PUBLICATION: _publication,
    A.ACCESS_DENIED: _denied,
    A.ACTION_REFUSED: _refused,
    A.AUTH_LOGIN: lambda d, n: _("logged in"),
    A.AUTH_LOGOUT: lambda d, n: _("logged out"),
    A.AUTH_LOGIN_FAILED: lambda d, n: _("recorded a failed log-in as %(account)s")
    % {"account": n.person(d.get("username"))},
    A.AUTH_LOCKOUT: lambda d, n: _("locked the account %(account)s after %(failures)s failed log-ins")
    % {"account": n.person(d.get("username")), "failures": d.get("failures") or "—"},
    A.AUTH_OTP_ENROL: lambda d, n: _("set up a two-factor device"),
    A.AUTH_OTP_VERIFIED: lambda d, n: _("passed the two-factor step"),
    A.AUTH_OTP_FAILED: lambda d, n: _("gave a wrong two-factor code"),
    A.AUTH_OTP_REMOVED: lambda d, n: _("removed the two-factor device of %(person)s") % {"person": n.person(d.get("person"))},
    A.AUTH_OTP_DESK_ENROL: lambda d, n: _("set up a two-factor device for %(person)s at the desk")
    % {"person": n.person(d.get("person"))},
    A.AUTH_ENROL_CODE_ISSUE: lambda d, n: _("issued a two-factor enrolment code to %(person)s")
    % {"person": n.person(d.get("person"))},
    A.AUTH_ENROL_CODE_USED: lambda d, n: _("used a two-factor enrolment code"),
    A.AUTH_ENROL_CODE_FAILED: lambda d, n: _("gave a two-factor enrolment code that was refused"),
    A.AUTH_ENROL_CODE_REVOKE: lambda d, n: _("revoked the two-factor enrolment code of %(person)s")
    % {"person": n.person(d.get("person"))},
    A.AUDIT_SEARCH: _search,
}
SENTENCES = {str(code): sentence for code, sentence in SENTENCES.items()}


# --- the one entry point ----------------------------------------------------------------------------


def _empty_keys(details: str) -> frozenset[str]:
    """The keys whose recorded value is empty: nothing to show, and nothing to mask either."""
    try:
        value = json.loads(details)
    except ValueError:
        return frozenset()
    if not isinstance(value, dict):
        return frozenset()
    return frozenset(key for key, item in value.items() if item is None or item == "" or item == [])


def _parse(event) -> dict:
    shown = visible_details(
        event.details,
        document_id=event.document_id,
        known=bool(getattr(event, "known", False)),
        known_meeting=bool(getattr(event, "known_meeting", False)),
    )
    try:
        value = json.loads(shown)
    except ValueError:
        return {}
    if not isinstance(value, dict):
        return {}
    empty = _empty_keys(event.details)
    return {key: item for key, item in value.items() if key not in empty}


def actor_name(event) -> str:
    actor = event.actor if event.actor_id else None
    return actor.display_name if actor is not None else _("the system")


def action_label(code: str) -> str:
    return str(dict(AuditAction.choices).get(code, _("an action")))


def sentence(event, details: dict, names: Names) -> str:
    """「<actor> 於<time> <what>」; an action without a sentence of its own is named by its label."""
    what = SENTENCES.get(event.action)
    text = what(details, names) if what else action_label(event.action)
    return _("%(actor)s on %(when)s %(what)s") % {"actor": actor_name(event), "when": roc_datetime(event.at), "what": text}


def describe_events(events: Iterable) -> list[tuple[object, EventText]]:
    """Each event with its sentence and fields; the names they need read in one query per kind.

    An event may carry ``known``/``known_meeting`` (``registry.review.details.with_known``); without
    them, free text about a document or meeting is masked."""
    parsed = [(event, _parse(event)) for event in events]
    names = _load_names(parsed)
    return [(event, EventText(sentence(event, details, names), _fields(event.action, details, names))) for event, details in parsed]


def describe(event) -> EventText:
    """One event in words (for a single event; pages use ``describe_events``)."""
    return describe_events([event])[0][1]
