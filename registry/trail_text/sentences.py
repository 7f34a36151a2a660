"""One sentence per action: what the actor did, after 「<actor> 於<time> 」."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _

from registry.models import AuditAction, DecisionKind
from registry.review.details import MASK
from registry.trail_text.labels import FORM_LABELS
from registry.trail_text.values import (
    Names,
    code_label,
    level_label,
    level_named,
    meeting_name,
    purpose_label,
    roc_day,
)

# --- the sentences ----------------------------------------------------------------------------------
# Each takes (details, names) and says what the actor did, after 「<actor> 於<time> 」.

Sentence = Callable[[dict, Names], str]


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
        return _("read the review report on %(report)s") % {"report": code_label("report", d["report"])}
    return _("searched the audit trail")


def _dispatch_receipt(d: dict, n: Names) -> str:
    return _("recorded the receipt returned on %(day)s") % {"day": roc_day(d.get("received_on"))}


def _print(d: dict, n: Names) -> str:
    form = FORM_LABELS.get(d.get("form"))
    if d.get("form") == "cover_sheet" and isinstance(d.get("copy"), int):
        return _("printed the cover sheet of copy No. %(copy)s") % {"copy": d["copy"]}
    return _("printed the %(form)s") % {"form": form or _("form")}


def _reclassify(d: dict, n: Names) -> str:
    if d.get("kind") == DecisionKind.DECLASSIFY:
        return _("declassified it (it was %(old)s)") % {"old": level_label(d.get("old_level"))}
    return _("changed its level from %(old)s to %(new)s") % {
        "old": level_label(d.get("old_level")),
        "new": level_label(d.get("new_level")),
    }


def _copy_return(d: dict, n: Names) -> str:
    if isinstance(d.get("from"), int):
        return _("took back copy No. %(copy)s from %(person)s") % {"copy": _copy(d), "person": n.person(d["from"])}
    return _("took back copy No. %(copy)s") % {"copy": _copy(d)}


def _publication(d: dict, n: Names) -> str:
    if d.get("state") in (None, MASK):
        return _("recorded a publication about %(meeting)s") % {"meeting": meeting_name(n, d)}
    return _("recorded a publication about %(meeting)s as %(state)s") % {
        "meeting": meeting_name(n, d),
        "state": code_label("state", d.get("state")),
    }


def _refused(d: dict, n: Names) -> str:
    return _("was refused: %(what)s") % {"what": purpose_label(d.get("purpose"))}


def _denied(d: dict, n: Names) -> str:
    return _("was refused access: %(what)s") % {"what": purpose_label(d.get("purpose"))}


def _recall(d: dict, n: Names) -> str:
    copies = d.get("copies") if isinstance(d.get("copies"), list) else []
    text = "、".join(str(c) for c in copies) or "—"
    if "meeting" in d:
        return _("recalled the copies No. %(copies)s of the materials of %(meeting)s") % {
            "copies": text,
            "meeting": meeting_name(n, d),
        }
    return _("recalled the copies No. %(copies)s") % {"copies": text}


def _dispatch_send(d: dict, n: Names) -> str:
    if d.get("method") in (None, MASK):
        return _("dispatched it")
    return _("dispatched it by %(method)s") % {"method": code_label("method", d.get("method"))}


def _destroy(d: dict, n: Names) -> str:
    if d.get("method") in (None, MASK):
        return _("destroyed it, witnessed by %(witness)s") % {"witness": n.person(d.get("witness"))}
    return _("destroyed it by %(method)s, witnessed by %(witness)s") % {
        "method": code_label("method", d.get("method")),
        "witness": n.person(d.get("witness")),
    }


def _subject(d: dict, n: Names) -> str:
    """The person a change to people is about: by row id, else by account."""
    if isinstance(d.get("subject"), int) and not isinstance(d.get("subject"), bool):
        return n.person(d["subject"])
    return n.person(d.get("person"))


def _person_clearance(d: dict, n: Names) -> str:
    old, new = level_named(d.get("before")), level_named(d.get("after"))
    values = {"person": _subject(d, n), "old": level_label(old), "new": level_label(new)}
    if (old or 0) > (new or 0):
        return _("lowered the clearance of %(person)s from %(old)s to %(new)s") % values
    return _("raised the clearance of %(person)s from %(old)s to %(new)s") % values


def _person_transfer(d: dict, n: Names) -> str:
    return _("transferred %(person)s from %(old)s to %(new)s") % {
        "person": _subject(d, n),
        "old": n.unit_named(d.get("before")),
        "new": n.unit_named(d.get("after")),
    }


def _person_active(d: dict, n: Names) -> str:
    if d.get("after") is True:
        return _("reactivated the account of %(person)s") % {"person": _subject(d, n)}
    return _("deactivated the account of %(person)s") % {"person": _subject(d, n)}


def _person_password(d: dict, n: Names) -> str:
    if d.get("own") is True:
        return _("changed their own password")
    return _("set the password of %(person)s") % {"person": _subject(d, n)}


def _items(d: dict) -> int:
    return _count(d, "items")


def _register_import(d: dict, n: Names) -> str:
    rows = d.get("rows") if isinstance(d.get("rows"), int) else _count(d, "numbers")
    if isinstance(d.get("first"), str) and isinstance(d.get("last"), str):
        return _("imported %(rows)s entries of a paper register (%(first)s to %(last)s)") % {
            "rows": rows,
            "first": d["first"],
            "last": d["last"],
        }
    return _("imported %(rows)s entries of a paper register") % {"rows": rows}


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
    A.REPRODUCTION_REQUEST: lambda d, n: _("asked for %(kind)s") % {"kind": code_label("kind", d.get("kind"))},
    A.REPRODUCTION_APPROVE: lambda d, n: _("approved %(kind)s") % {"kind": code_label("kind", d.get("kind"))},
    A.REPRODUCTION_REFUSE: lambda d, n: _("refused %(kind)s") % {"kind": code_label("kind", d.get("kind"))},
    A.DISPATCH_SEND: _dispatch_send,
    A.DISPATCH_RECEIPT: _dispatch_receipt,
    A.DISPATCH_DISCREPANCY: lambda d, n: _("recorded a discrepancy in the receipt returned on %(day)s")
    % {"day": roc_day(d.get("received_on"))},
    A.PRINT: _print,
    A.ARCHIVE_HANDOVER: lambda d, n: _("handed it to the archive"),
    A.ARCHIVE_RECEIVE: lambda d, n: _("filed it in the archive at %(location)s")
    % {"location": d.get("location") or "—"},
    A.LOAN_REQUEST: lambda d, n: _("asked to borrow it"),
    A.LOAN_APPROVE: lambda d, n: _("approved a loan due back on %(day)s") % {"day": roc_day(d.get("due_on"))},
    A.LOAN_REFUSE: lambda d, n: _("refused a loan"),
    A.LOAN_LEND: lambda d, n: _("lent it to %(person)s, due back on %(day)s")
    % {"person": n.person(d.get("borrower")), "day": roc_day(d.get("due_on"))},
    A.LOAN_RETURN: lambda d, n: _("took it back from a loan"),
    A.DECLASS_EVENT: lambda d, n: _("recorded that its declassifying event happened on %(day)s")
    % {"day": roc_day(d.get("happened_on"))},
    A.REVIEW_RECORD: lambda d, n: _("recorded a review of its level: %(outcome)s")
    % {"outcome": code_label("outcome", d.get("outcome"))},
    A.RECLASSIFY: _reclassify,
    A.NOTICE_TOLD: lambda d, n: _("recorded that %(person)s was told of the change of level")
    % {"person": n.person(d.get("recipient"))},
    A.DESTRUCTION_DRAFT: lambda d, n: _("drafted a destruction inventory of %(count)s documents") % {"count": _count(d)},
    A.DESTRUCTION_APPROVE: lambda d, n: _("approved a destruction inventory of %(count)s documents") % {"count": _count(d)},
    A.DESTRUCTION_RECORD: lambda d, n: _("recorded that %(person)s destroyed %(count)s documents, witnessed by %(witness)s")
    % {"person": n.person(d.get("destroyed_by")), "count": _count(d), "witness": n.person(d.get("witness"))},
    A.DOCUMENT_DESTROY: _destroy,
    A.PARTY_REQUEST: lambda d, n: _("recorded a request to read the file from %(kind)s")
    % {"kind": code_label("applicant_kind", d.get("applicant_kind"))},
    A.PARTY_DECIDE: lambda d, n: _("decided a party's request: %(decision)s") % {"decision": code_label("decision", d.get("decision"))},
    A.PARTY_READING: lambda d, n: _("recorded a reading on site on %(day)s, supervised by %(person)s")
    % {"day": roc_day(d.get("read_on")), "person": n.person(d.get("supervised_by"))},
    A.MEETING_REGISTER: lambda d, n: _("registered %(meeting)s, chaired by %(person)s")
    % {"meeting": meeting_name(n, d), "person": n.person(d.get("chair"))},
    A.MEETING_VENUE_CHECK: lambda d, n: _("checked the venue of %(meeting)s") % {"meeting": meeting_name(n, d)},
    A.MEETING_STAFF: lambda d, n: _("chose %(person)s as service staff of %(meeting)s")
    % {"person": n.person(d.get("person")), "meeting": meeting_name(n, d)},
    A.MEETING_PROPOSE: lambda d, n: _("proposed %(person)s to attend %(meeting)s")
    % {"person": n.person(d.get("person")), "meeting": meeting_name(n, d)},
    A.MEETING_APPROVE: lambda d, n: _("admitted %(person)s to %(meeting)s")
    % {"person": n.person(d.get("person")), "meeting": meeting_name(n, d)},
    A.MEETING_REFUSE: lambda d, n: _("did not admit %(person)s to %(meeting)s")
    % {"person": n.person(d.get("person")), "meeting": meeting_name(n, d)},
    A.MEETING_MATERIALS: lambda d, n: _("named this document as the %(role)s of %(meeting)s")
    % {"role": code_label("role", d.get("role")), "meeting": meeting_name(n, d)},
    A.MEETING_ANNOUNCE: lambda d, n: _("announced the level of %(meeting)s") % {"meeting": meeting_name(n, d)},
    A.MEETING_HAND_OUT: lambda d, n: _("handed copy No. %(copy)s of the materials of %(meeting)s to %(person)s")
    % {"copy": _copy(d), "meeting": meeting_name(n, d), "person": n.person(d.get("person"))},
    A.MEETING_CLOSE: lambda d, n: _("closed %(meeting)s") % {"meeting": meeting_name(n, d)},
    A.MEETING_MINUTES: lambda d, n: _("distributed the minutes of %(meeting)s to %(people)s")
    % {"meeting": meeting_name(n, d), "people": n.people_list(d.get("recipients"))},
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
    A.REGISTER_IMPORT: _register_import,
    A.PERSON_CREATE: lambda d, n: _("added %(person)s as a person of the office") % {"person": _subject(d, n)},
    A.PERSON_CHANGE: lambda d, n: _("changed the details of %(person)s") % {"person": _subject(d, n)},
    A.PERSON_ROLES: lambda d, n: _("changed the roles of %(person)s") % {"person": _subject(d, n)},
    A.PERSON_CLEARANCE: _person_clearance,
    A.PERSON_TRANSFER: _person_transfer,
    A.PERSON_ACTIVE: _person_active,
    A.PERSON_AGENCY_HEAD: lambda d, n: _("designated %(person)s as the agency head") % {"person": _subject(d, n)},
    A.PERSON_PASSWORD: _person_password,
    A.HANDOVER: lambda d, n: _("handed over %(count)s items held by %(person)s to %(successor)s")
    % {"count": _items(d), "person": _subject(d, n), "successor": n.person(d.get("successor"))},
    A.HANDOVER_ITEM: lambda d, n: _("handed it over from %(from)s to %(to)s")
    % {"from": n.person(d.get("from")), "to": n.person(d.get("to"))},
    A.HANDOVER_SIGN: lambda d, n: _("signed for %(count)s items handed over by %(person)s")
    % {"count": _items(d), "person": _subject(d, n)},
}
SENTENCES = {str(code): sentence for code, sentence in SENTENCES.items()}


