"""Separation of duties (DESIGN rule 10): nobody decides a request they made or that benefits them;
the drafter, approver and witness of a destruction are different people; a destruction is approved
by the supervisor of the documents' units (or the head of the agency).

Each refusal names the rule (``separation_of_duties``), writes nothing, and, through the pages, is
recorded as one refusal event.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from classification import Level
from registry.errors import NotPermitted
from registry.models import (
    AuditAction,
    AuditEvent,
    DocumentState,
    Loan,
    LoanState,
    Unit,
)
from registry.roles import Role
from registry.services import archive as archive_svc
from registry.services import destruction as destruction_svc
from registry.services import distribution as dist_svc
from registry.services import meetings as meeting_svc
from registry.services import party_requests as party_svc
from tests.support import Snapshot, head_seq

pytestmark = pytest.mark.django_db


def refused_as_own(call):
    """The call is refused for separation of duties and writes nothing."""
    before = Snapshot.take()
    with pytest.raises(NotPermitted) as refusal:
        call()
    assert refusal.value.rule == "separation_of_duties"
    assert Snapshot.take() == before
    return refusal.value


@pytest.fixture
def boss(make_person, receiving_unit):
    """A person who is both unit supervisor and designated handler (and clerk) of the receiving unit."""
    return make_person(Role.SUPERVISOR, Role.HANDLER, Role.CLERK, unit=receiving_unit, username="boss", full_name="兼職主管")


@pytest.fixture
def archived(walk):
    return walk(DocumentState.ARCHIVED, level=Level.OFFICIAL_SECRET, authorization_ref="", authorization_by="")


# --- loans ------------------------------------------------------------------------------------


def test_a_supervisor_does_not_approve_their_own_loan(archived, supervisor, client):
    """The finding: a supervisor asked to borrow an archived document, approved it, the archive
    lent it, and they read it."""
    loan = archive_svc.loan_request(document=archived, actor=supervisor, reason="查考")

    refused_as_own(
        lambda: archive_svc.loan_decide(
            loan=loan, actor=supervisor, approve=True, reason="准", due_on=timezone.localdate() + timedelta(days=7)
        )
    )
    assert Loan.objects.get(pk=loan.pk).state == LoanState.REQUESTED

    client.force_login(supervisor)
    seq = head_seq()
    response = client.post(
        reverse("registry:loan_decide", kwargs={"pk": archived.pk, "item": loan.pk}),
        {"decision": "approve", "reason": "准", "due_on": "200/01/01"},
    )
    assert response.status_code == 302
    [event] = AuditEvent.objects.filter(seq__gt=seq)
    assert event.action == AuditAction.ACTION_REFUSED
    assert json.loads(event.details)["rule"] == "separation_of_duties"


def test_another_supervisor_of_the_unit_approves_the_loan(archived, supervisor, make_person, receiving_unit):
    colleague = make_person(Role.SUPERVISOR, unit=receiving_unit, username="deputy", full_name="副主管")
    loan = archive_svc.loan_request(document=archived, actor=supervisor, reason="查考")
    loan = archive_svc.loan_decide(
        loan=loan, actor=colleague, approve=True, reason="准", due_on=timezone.localdate() + timedelta(days=7)
    )
    assert loan.state == LoanState.APPROVED


# --- distribution and copying -----------------------------------------------------------------------


@pytest.fixture
def in_hand(walk, boss, handler):
    """A 機密 document in handling held by the handler, which the boss also knows."""
    from registry.services.grants import grant_create

    document = walk(DocumentState.IN_HANDLING, copies_count=5)
    grant_create(document=document, user=boss, basis="other", reason="會辦", granted_by=boss)
    return document


def test_a_handler_who_is_also_supervisor_does_not_approve_their_own_distribution_request(
    in_hand, boss, make_person, handling_unit
):
    reader = make_person(unit=handling_unit, username="reader", full_name="同仁")
    request = dist_svc.distribution_request(document=in_hand, actor=boss, recipients=[reader], reason="會辦")

    refused_as_own(
        lambda: dist_svc.distribution_decide(recipient=request.recipients.get(), actor=boss, approve=True, reason="准")
    )


def test_a_supervisor_does_not_approve_a_distribution_to_themselves(in_hand, handler, supervisor):
    request = dist_svc.distribution_request(document=in_hand, actor=handler, recipients=[supervisor], reason="會辦")

    refused_as_own(
        lambda: dist_svc.distribution_decide(recipient=request.recipients.get(), actor=supervisor, approve=True, reason="准")
    )


def test_a_handler_who_is_also_supervisor_does_not_approve_their_own_copying(in_hand, boss, supervisor):
    request = dist_svc.reproduction_request(document=in_hand, actor=boss, kind="copy", reason="附卷")

    refused_as_own(lambda: dist_svc.reproduction_decide(request=request, actor=boss, approve=True, reason="准"))
    # The other supervisor of the unit may.
    decided = dist_svc.reproduction_decide(request=request, actor=supervisor, approve=True, reason="准")
    assert decided.copy is not None and decided.copy.is_reproduction


# --- destruction ---------------------------------------------------------------------------------


@pytest.fixture
def inventory(walk, archivist):
    """A drafted inventory of a 密 document of the receiving unit, its retention run out."""
    from registry.models import Document

    document = walk(DocumentState.ARCHIVED, level=Level.OFFICIAL_SECRET, authorization_ref="", authorization_by="")
    Document.objects.filter(pk=document.pk).update(archived_at=timezone.now() - timedelta(days=800))
    return destruction_svc.destruction_draft(actor=archivist, documents=[document])


def test_a_supervisor_of_an_unrelated_unit_does_not_approve_a_destruction(inventory, make_person):
    """The finding: the supervisor of 法制局 approved an inventory holding a 秘書處 document."""
    law = Unit.objects.create(code="LAW", name="法制局")
    stranger = make_person(Role.SUPERVISOR, unit=law, username="law-boss", full_name="法制局長")
    before = Snapshot.take()

    with pytest.raises(NotPermitted) as refusal:
        destruction_svc.destruction_approve(destruction_list=inventory, actor=stranger)

    assert refusal.value.rule == "approve_destruction" and "秘書處" in str(refusal.value.message)
    assert Snapshot.take() == before


def test_the_head_of_the_agency_may_approve_any_units_destruction(inventory, make_person, other_unit):
    head = make_person(unit=other_unit, username="head", full_name="首長", is_agency_head=True)
    approved = destruction_svc.destruction_approve(destruction_list=inventory, actor=head)
    assert approved.approved_by == head


def test_the_drafter_does_not_approve_their_own_inventory(walk, make_person, receiving_unit):
    from registry.models import Document

    keeper = make_person(Role.ARCHIVIST, Role.SUPERVISOR, unit=receiving_unit, username="keeper", full_name="檔管兼主管")
    document = walk(DocumentState.ARCHIVED, level=Level.OFFICIAL_SECRET, authorization_ref="", authorization_by="")
    Document.objects.filter(pk=document.pk).update(archived_at=timezone.now() - timedelta(days=800))
    drafted = destruction_svc.destruction_draft(actor=keeper, documents=[document])

    refused_as_own(lambda: destruction_svc.destruction_approve(destruction_list=drafted, actor=keeper))


@pytest.fixture
def draft(walk):
    """``draft(by)``: an inventory of a 密 document of the receiving unit, drafted by ``by``."""
    from registry.models import Document

    def make(by):
        document = walk(DocumentState.ARCHIVED, level=Level.OFFICIAL_SECRET, authorization_ref="", authorization_by="")
        Document.objects.filter(pk=document.pk).update(archived_at=timezone.now() - timedelta(days=800))
        return destruction_svc.destruction_draft(actor=by, documents=[document])

    return make


def _record(inventory, *, destroyed_by, witness):
    return destruction_svc.destruction_record(
        destruction_list=inventory, actor=witness, destroyed_by=destroyed_by, witness=witness,
        method="shred", destroyed_on=timezone.localdate(),
    )


def test_the_approver_does_not_witness(draft, archivist, make_person, receiving_unit):
    double = make_person(Role.ETHICS, Role.SUPERVISOR, unit=receiving_unit, username="double", full_name="政風兼主管")
    approved = destruction_svc.destruction_approve(destruction_list=draft(archivist), actor=double)

    refused_as_own(lambda: _record(approved, destroyed_by=archivist, witness=double))


def test_the_drafter_does_not_witness(draft, archivist, supervisor, make_person, receiving_unit):
    double = make_person(Role.ARCHIVIST, Role.ETHICS, unit=receiving_unit, username="double2", full_name="檔管兼政風")
    approved = destruction_svc.destruction_approve(destruction_list=draft(double), actor=supervisor)

    refused_as_own(lambda: _record(approved, destroyed_by=archivist, witness=double))


def test_the_approver_does_not_destroy(inventory, archivist, make_person, receiving_unit, ethics_officer):
    keeper = make_person(Role.ARCHIVIST, Role.SUPERVISOR, unit=receiving_unit, username="keeper2", full_name="檔管主管")
    approved = destruction_svc.destruction_approve(destruction_list=inventory, actor=keeper)

    refused_as_own(
        lambda: destruction_svc.destruction_record(
            destruction_list=approved, actor=ethics_officer, destroyed_by=keeper, witness=ethics_officer,
            method="shred", destroyed_on=timezone.localdate(),
        )
    )


# --- parties' requests, meetings, publication -----------------------------------------------------


def test_a_supervisor_does_not_decide_a_partys_request_they_recorded(boss, archived):
    request = party_svc.party_request_record(
        actor=boss, applicant="王大明", applicant_kind="party", files_described="案卷", legal_interest="訴願所需",
        document=archived,
    )
    refused_as_own(
        lambda: party_svc.party_request_decide(request=request, actor=boss, decision="refused", reasons="涉及第三人", grounds=[4])
    )


def test_an_organizer_does_not_admit_themselves(supervisor, handler, make_person, handling_unit):
    meeting = meeting_svc.meeting_register(
        actor=supervisor, subject="保防會報", level=Level.CONFIDENTIAL,
        starts_at=timezone.now() + timedelta(days=1), place="第一會議室", chair=handler,
    )
    attendee = meeting_svc.attendee_propose(meeting=meeting, actor=handler, person=supervisor, reason="主辦")

    refused_as_own(lambda: meeting_svc.attendee_decide(attendee=attendee, actor=supervisor, approve=True, reason="同意"))


def test_the_head_does_not_approve_a_publication_they_asked_for(supervisor, make_person, receiving_unit):
    head = make_person(Role.SUPERVISOR, unit=receiving_unit, username="head2", full_name="首長", is_agency_head=True)
    meeting = meeting_svc.meeting_register(
        actor=head, subject="保防會報", level=Level.CONFIDENTIAL,
        starts_at=timezone.now() + timedelta(days=1), place="第一會議室", chair=head,
    )
    publication = meeting_svc.publication_request(meeting=meeting, actor=head, text="會議結論")

    refused_as_own(lambda: meeting_svc.publication_decide(publication=publication, actor=head, approve=True, reason="准"))
