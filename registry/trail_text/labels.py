"""What the detail keys of audit events are, and their labels and the labels of their codes."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from registry.models import (
    ApplicantKind,
    AuditAction,
    DecisionKind,
    DestructionMethod,
    Direction,
    PartyDecision,
    PublicationState,
    ReproductionKind,
    ReviewOutcome,
)
from registry.models.documents import GrantBasis
from registry.models.handover import HandoverReason, ItemKind

# --- what the detail keys are ---------------------------------------------------------------------

PERSON_KEYS = frozenset(
    {"user", "holder", "handler", "from", "to", "borrower", "witness", "destroyed_by", "supervised_by", "chair",
     "previous_custodian", "recipients", "notices", "person", "recipient", "subject", "successor"}
)
UNIT_KEYS = frozenset({"unit", "handling_unit"})
DATE_KEYS = frozenset({"due_on", "happened_on", "read_on", "received_on", "destroyed_on", "date_from", "date_to", "day"})
DATETIME_KEYS = frozenset({"expires_at", "expired_at"})
# Row ids and machine detail: kept in the chain (and the CSV's raw column), never shown as a field.
HIDDEN_KEYS = frozenset(
    {"grant", "loan", "request", "dispatch", "review", "notice", "code", "publication", "list", "object",
     "requested", "agent", "bench", "decision_id", "dispatches", "head_hash", "through_seq", "meeting",
     "instruction_length", "subject", "handover"}
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
    "successor": gettext_lazy("Successor"),
    "before": gettext_lazy("Before"),
    "after": gettext_lazy("After"),
    "grants_ended": gettext_lazy("Need-to-know ended on"),
    "still_held": gettext_lazy("Still held"),
    "items": gettext_lazy("Items handed over"),
    "item": gettext_lazy("Item"),
    "own": gettext_lazy("Changed by the person themselves"),
    "rows": gettext_lazy("Entries"),
    "first": gettext_lazy("First number"),
    "last": gettext_lazy("Last number"),
    "numbers": gettext_lazy("Registration numbers"),
}

# The parts of a person a change to people names (in "before" and "after").
PERSON_FIELD_LABELS = {
    "full_name": gettext_lazy("Name"),
    "first_name": gettext_lazy("Given name"),
    "last_name": gettext_lazy("Family name"),
    "email": gettext_lazy("E-mail"),
    "username": gettext_lazy("Account"),
    "is_staff": gettext_lazy("May use the admin site"),
    "unit": gettext_lazy("Unit"),
    "clearance": gettext_lazy("Cleared for"),
    "roles": gettext_lazy("Roles"),
    "active": gettext_lazy("Active"),
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
    "item": dict(ItemKind.choices),
}
HANDOVER_REASONS = dict(HandoverReason.choices)


def transit_labels() -> dict:
    from classification.transit import TransitMethod

    return dict(TransitMethod.choices())


