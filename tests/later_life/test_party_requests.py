"""Parties' requests to read or copy files (行政程序法第46條): recorded by the clerk, decided by the
unit supervisor, a refusal citing its grounds, a reading on site only after approval."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.translation import override

from classification import Level
from registry.errors import InvalidTransition, NotPermitted, ValidationFailed
from registry.models import (
    ApplicantKind,
    AuditAction,
    DocumentState,
    OnSiteReading,
    PartyDecision,
    PartyRequest,
)
from registry.roles import Role
from registry.selectors.party_requests import party_requests_for
from registry.services.party_requests import (
    party_reading_record,
    party_request_decide,
    party_request_record,
)
from tests.later_life.helpers import refused
from tests.support import actions_since, details, head_seq, the_event


@pytest.fixture
def document(walk):
    """A 密 document (一般公務機密): a party may be shown it, or part of it, with the reason why that
    needs no protection."""
    return walk(DocumentState.SIGNED, level=Level.OFFICIAL_SECRET, authorization_ref="", authorization_by="")


@pytest.fixture
def national_secret(walk):
    """A 機密 national secret of 國防部, not declassified."""
    return walk(DocumentState.SIGNED)


@pytest.fixture
def record(clerk, document):
    """``record(**changes)``: a request from a party, recorded by the receiving unit's clerk."""

    def make(**changes) -> PartyRequest:
        values = {
            "actor": clerk,
            "applicant": "王大明",
            "applicant_kind": ApplicantKind.PARTY,
            "files_described": "本府115年訴願案卷",
            "legal_interest": "訴願答辯所需",
            "document": document,
        }
        values.update(changes)
        return party_request_record(**values)

    return make


@pytest.fixture
def pending(record):
    return record()


RELEASE_BASIS = "所示部分僅涉申請人本人之資料，已無保密必要"


def _decide(request, actor, decision, *, grounds=(), reasons="依法審酌", released_part="", release_basis=RELEASE_BASIS):
    return party_request_decide(
        request=request,
        actor=actor,
        decision=decision,
        reasons=reasons,
        grounds=grounds,
        released_part=released_part,
        release_basis=release_basis,
    )


def test_recording_a_request_keeps_the_legal_interest_and_the_unit(record, clerk, receiving_unit, document):
    seq = head_seq()

    request = record(applicant=" 王大明 ", legal_interest=" 訴願答辯所需 ", wants_copy=True)

    assert request.applicant == "王大明" and request.legal_interest == "訴願答辯所需"
    assert request.unit == receiving_unit and request.recorded_by == clerk and request.document == document
    assert request.decision == PartyDecision.PENDING and request.grounds == []
    assert request.received_on == timezone.localdate()
    assert actions_since(seq) == [AuditAction.PARTY_REQUEST]
    event = the_event(AuditAction.PARTY_REQUEST, since=seq, actor=clerk, document=document)
    assert details(event) == {"request": request.pk, "applicant_kind": "party"}


def test_a_request_about_no_registered_document_is_audited_without_one(record, clerk):
    seq = head_seq()

    request = record(document=None, applicant_kind=ApplicantKind.INTERESTED)

    the_event(AuditAction.PARTY_REQUEST, since=seq, actor=clerk, document=None)
    assert request.document is None


def test_a_refused_request_stores_the_grounds_cited(pending, supervisor, document):
    seq = head_seq()

    request = _decide(pending, supervisor, PartyDecision.REFUSED, grounds=[4, 2], reasons="涉及第三人權利及公務機密")

    request.refresh_from_db()
    assert request.decision == PartyDecision.REFUSED
    assert request.grounds == [2, 4]
    assert request.decided_by == supervisor and request.decided_at is not None
    assert request.decision_reason == "涉及第三人權利及公務機密"
    assert actions_since(seq) == [AuditAction.PARTY_DECIDE]
    event = the_event(AuditAction.PARTY_DECIDE, since=seq, actor=supervisor, document=document)
    assert details(event) == {"request": request.pk, "decision": "refused", "grounds": [2, 4]}

    with refused(InvalidTransition, request):
        _decide(request, supervisor, PartyDecision.APPROVED)


def test_a_refusal_without_grounds_is_refused(pending, supervisor):
    with override("en"), refused(ValidationFailed, pending) as refusal:
        _decide(pending, supervisor, PartyDecision.REFUSED, grounds=[])

    assert list(refusal.value.field_errors) == ["grounds"]
    assert "Article 46" in str(refusal.value.message)


@pytest.mark.parametrize("grounds", [[0], [6], ["two"], None])
def test_grounds_outside_the_five_of_article_46_are_refused(pending, supervisor, grounds):
    with refused(ValidationFailed, pending) as refusal:
        _decide(pending, supervisor, PartyDecision.REFUSED, grounds=grounds)

    assert list(refusal.value.field_errors) == ["grounds"]


def test_a_partial_release_needs_the_part_released(pending, supervisor, document):
    with refused(ValidationFailed, pending) as refusal:
        _decide(pending, supervisor, PartyDecision.PARTIAL, grounds=[2], released_part="  ")
    assert list(refusal.value.field_errors) == ["released_part"]

    seq = head_seq()
    request = _decide(pending, supervisor, PartyDecision.PARTIAL, grounds=[2], released_part=" 第1至3頁 ")

    assert request.decision == PartyDecision.PARTIAL and request.released_part == "第1至3頁" and request.grounds == [2]
    event = the_event(AuditAction.PARTY_DECIDE, since=seq, actor=supervisor, document=document)
    assert details(event)["decision"] == "partial"


def test_a_partial_release_without_grounds_is_refused(pending, supervisor):
    with refused(ValidationFailed, pending) as refusal:
        _decide(pending, supervisor, PartyDecision.PARTIAL, released_part="第1頁")

    assert "grounds" in refusal.value.field_errors


def test_an_approval_citing_grounds_is_refused(pending, supervisor):
    with refused(ValidationFailed, pending) as refusal:
        _decide(pending, supervisor, PartyDecision.APPROVED, grounds=[1])

    assert list(refusal.value.field_errors) == ["grounds"]


@pytest.mark.parametrize("decision", [PartyDecision.APPROVED, PartyDecision.REFUSED])
def test_a_decision_without_reasons_is_refused(pending, supervisor, decision):
    grounds = [2] if decision == PartyDecision.REFUSED else []

    with refused(ValidationFailed, pending) as refusal:
        _decide(pending, supervisor, decision, grounds=grounds, reasons=" ")

    assert list(refusal.value.field_errors) == ["reasons"]


def test_an_unknown_decision_is_refused(pending, supervisor):
    with refused(ValidationFailed, pending) as refusal:
        _decide(pending, supervisor, PartyDecision.PENDING)

    assert "decision" in refusal.value.field_errors


def test_a_supervisor_of_another_unit_or_no_supervisor_may_not_decide(pending, other_supervisor, clerk, handler):
    for person in (other_supervisor, clerk, handler):
        with refused(NotPermitted, pending):
            _decide(pending, person, PartyDecision.APPROVED)


def test_a_reading_on_site_only_after_approval(pending, clerk, supervisor, document):
    today = timezone.localdate()
    with refused(InvalidTransition, pending):
        party_reading_record(request=pending, actor=clerk, read_on=today, supervised_by=clerk)

    refused_request = _decide(pending, supervisor, PartyDecision.REFUSED, grounds=[4])
    with refused(InvalidTransition, refused_request):
        party_reading_record(request=refused_request, actor=clerk, read_on=today, supervised_by=clerk)


def test_a_reading_on_site_after_approval_is_recorded(pending, clerk, supervisor, document):
    request = _decide(pending, supervisor, PartyDecision.APPROVED, reasons="准予閱覽", grounds=[])
    today = timezone.localdate()

    seq = head_seq()
    reading = party_reading_record(request=request, actor=clerk, read_on=today, supervised_by=supervisor, note=" 到場閱覽 ")

    assert reading.request == request and reading.read_on == today
    assert reading.supervised_by == supervisor and reading.recorded_by == clerk and reading.note == "到場閱覽"
    assert actions_since(seq) == [AuditAction.PARTY_READING]
    event = the_event(AuditAction.PARTY_READING, since=seq, actor=clerk, document=document)
    assert details(event) == {"request": request.pk, "read_on": today.isoformat(), "supervised_by": supervisor.pk}


@pytest.mark.parametrize("offset", [1, -1])
def test_a_reading_in_the_future_or_before_the_request_is_refused(pending, clerk, supervisor, offset):
    request = _decide(pending, supervisor, PartyDecision.APPROVED)
    read_on = timezone.localdate() + timedelta(days=offset)

    with refused(ValidationFailed, request) as refusal:
        party_reading_record(request=request, actor=clerk, read_on=read_on, supervised_by=supervisor)

    assert list(refusal.value.field_errors) == ["read_on"]


def test_a_reading_recorded_by_another_unit_is_refused(pending, supervisor, make_person, other_unit):
    request = _decide(pending, supervisor, PartyDecision.APPROVED)
    stranger = make_person(Role.CLERK, unit=other_unit, username="clerk_elsewhere")

    with refused(NotPermitted, request):
        party_reading_record(request=request, actor=stranger, read_on=timezone.localdate(), supervised_by=stranger)
    assert not OnSiteReading.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"applicant": " "}, "applicant"),
        ({"applicant_kind": "public"}, "applicant_kind"),
        ({"files_described": ""}, "files_described"),
        ({"legal_interest": "  "}, "legal_interest"),
        ({"wants_read": False}, "wants_read"),
        ({"received_on": "tomorrow"}, "received_on"),
    ],
)
def test_an_incomplete_request_is_refused(record, changes, field):
    if changes.get("received_on") == "tomorrow":
        changes = {"received_on": timezone.localdate() + timedelta(days=1)}

    with refused(ValidationFailed) as refusal:
        record(**changes)

    assert list(refusal.value.field_errors) == [field]


def test_only_a_clerk_records_requests(record, handler, supervisor):
    for person in (handler, supervisor):
        with refused(NotPermitted):
            record(actor=person)


def test_requests_are_seen_by_their_unit_and_the_ethics_office(
    pending, clerk, supervisor, other_supervisor, ethics_officer, handler
):
    assert list(party_requests_for(clerk)) == [pending]
    assert list(party_requests_for(supervisor)) == [pending]
    assert list(party_requests_for(ethics_officer)) == [pending]
    assert list(party_requests_for(other_supervisor)) == []
    assert list(party_requests_for(handler)) == []


# --- what a party is shown must no longer need protecting (§46 II ground 2, §46 III) ---------------


@pytest.mark.parametrize("decision", [PartyDecision.APPROVED, PartyDecision.PARTIAL])
def test_releasing_an_undeclassified_national_secret_is_refused_naming_ground_2(
    record, supervisor, national_secret, decision
):
    pending = record(document=national_secret)
    grounds = [2] if decision == PartyDecision.PARTIAL else []

    with override("en"), refused(NotPermitted, pending) as refusal:
        _decide(pending, supervisor, decision, grounds=grounds, released_part="第1頁")

    assert "行政程序法第46條第2項第2款" in str(refusal.value.message)
    assert refusal.value.rule == "decide_party_request" or refusal.value.rule == ""
    pending.refresh_from_db()
    assert pending.decision == PartyDecision.PENDING


def test_a_refusal_of_a_national_secret_is_recorded(record, supervisor, national_secret):
    request = _decide(record(document=national_secret), supervisor, PartyDecision.REFUSED, grounds=[2])
    assert request.decision == PartyDecision.REFUSED


def test_a_declassified_national_secret_may_be_shown(record, supervisor, national_secret):
    from registry.services.declassification import reclassify
    from tests.factories import AGENCY_DECISION

    reclassify(document=national_secret, actor=supervisor, kind="declassify", reason="已解密", **AGENCY_DECISION)
    request = _decide(record(document=national_secret), supervisor, PartyDecision.APPROVED)
    assert request.decision == PartyDecision.APPROVED and request.release_basis == RELEASE_BASIS


@pytest.mark.parametrize("decision", [PartyDecision.APPROVED, PartyDecision.PARTIAL])
def test_releasing_a_classified_document_without_saying_why_it_needs_no_protection_is_refused(
    pending, supervisor, decision
):
    grounds = [2] if decision == PartyDecision.PARTIAL else []

    with refused(ValidationFailed, pending) as refusal:
        _decide(pending, supervisor, decision, grounds=grounds, released_part="第1頁", release_basis="  ")

    assert list(refusal.value.field_errors) == ["release_basis"]


def test_a_reading_of_a_document_upgraded_to_a_national_secret_after_approval_is_refused(
    pending, clerk, supervisor, document
):
    """The approval was given for a 密 document; once it is a national secret, nobody reads it on site."""
    from registry.services.declassification import reclassify

    request = _decide(pending, supervisor, PartyDecision.APPROVED)
    reclassify(
        document=document, actor=supervisor, kind="upgrade", reason="涉及國防", authority="秘書長核定",
        agency="國防部", agency_decided_on=timezone.localdate(), agency_ref="國密字第1150000042號",
        new_level=Level.CONFIDENTIAL,
    )

    with override("en"), refused(NotPermitted, request) as refusal:
        party_reading_record(request=request, actor=clerk, read_on=timezone.localdate(), supervised_by=supervisor)
    assert "行政程序法第46條第2項第2款" in str(refusal.value.message)
