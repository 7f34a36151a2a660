"""The later life's pages: archive and loans, declassification and review, destruction, parties'
requests. Every action URL takes POST only, reaches its service (the rows change), answers a person
without the right with the audited 404 or a refusal (nothing written), and puts bad input back as a
message, never a 500. The list pages never show a subject to a person without need-to-know.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta
from types import SimpleNamespace
from unittest import mock

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from classification import Level, format_roc
from registry.models import (
    AuditAction,
    ClassificationDecision,
    DestructionList,
    DestructionState,
    DocumentState,
    Loan,
    LoanState,
    OnSiteReading,
    PartyDecision,
    PartyRequest,
    ReclassificationNotice,
    ReviewRecord,
    StorageLocation,
    StorageZone,
)
from registry.policies.destruction import destruction_obstacle
from registry.roles import Role
from registry.services import archive as archive_services
from registry.services import declassification as declass_services
from registry.services import destruction as destruction_services
from registry.services import distribution as distribution_services
from registry.services import party_requests as party_services
from tests.factories import AGENCY_DECISION
from tests.support import events_since, head_seq

pytestmark = pytest.mark.django_db

SUBJECT = "國防部函送後續檔案管理演練計畫"


# --- fixtures -------------------------------------------------------------------------------------


@pytest.fixture
def cabinet(db, archivist):
    return StorageLocation.objects.create(code="A-1", name="機密檔案櫃", zone=StorageZone.CLASSIFIED, keeper=archivist)


@pytest.fixture
def shelf(db, archivist):
    return StorageLocation.objects.create(code="B-1", name="一般檔案櫃", zone=StorageZone.UNCLASSIFIED, keeper=archivist)


@pytest.fixture
def handling(walk):
    """A 機密 document in handling: the supervisor opened it, the handler holds it."""
    return walk(DocumentState.IN_HANDLING, subject=SUBJECT)


@pytest.fixture
def to_archive(handling, handler):
    return archive_services.archive_handover(document=handling, actor=handler)


@contextmanager
def archive_clock(when):
    """The archive service's clock set to ``when``: a document filed then, through the service."""
    fake = SimpleNamespace(now=lambda: when, localdate=timezone.localdate)
    with mock.patch.object(archive_services, "timezone", fake):
        yield


@pytest.fixture
def archived(to_archive, archivist, cabinet):
    return archive_services.archive_receive(document=to_archive, actor=archivist, location=cabinet, retention_years=10)


@pytest.fixture
def destructible(walk, handler, archivist, shelf):
    """A 限閱 document filed two years ago for one year: it may be destroyed today."""
    document = walk(DocumentState.IN_HANDLING, subject=SUBJECT, level=Level.RESTRICTED, protection_years=None,
                    authorization_ref="", authorization_by="")
    archive_services.archive_handover(document=document, actor=handler)
    with archive_clock(timezone.now() - timedelta(days=2 * 366)):
        archive_services.archive_receive(document=document, actor=archivist, location=shelf, retention_years=1)
    document.refresh_from_db()
    assert not destruction_obstacle(document)
    return document


@pytest.fixture
def inventory(destructible, archivist):
    return destruction_services.destruction_draft(actor=archivist, documents=[destructible])


@pytest.fixture
def approved(inventory, supervisor):
    return destruction_services.destruction_approve(destruction_list=inventory, actor=supervisor)


@pytest.fixture
def requested_loan(archived, clerk):
    return archive_services.loan_request(document=archived, actor=clerk, reason="查考前案")


@pytest.fixture
def approved_loan(requested_loan, supervisor):
    return archive_services.loan_decide(
        loan=requested_loan, actor=supervisor, approve=True, reason="同意", due_on=timezone.localdate() + timedelta(days=7)
    )


@pytest.fixture
def party_request(clerk, walk):
    """A party's request about an archived 密 document (a national secret is not shown to a party
    while it is classified, 行政程序法第46條)."""
    document = walk(
        DocumentState.ARCHIVED, subject=SUBJECT, level=Level.OFFICIAL_SECRET, authorization_ref="", authorization_by=""
    )
    return party_services.party_request_record(
        actor=clerk,
        applicant="王大明",
        applicant_kind="party",
        files_described="訴願案卷",
        legal_interest="訴願人主張權利所必要",
        document=document,
    )


# 國防部's decision, as the supervisor types it into the form (國家機密保護法第10條).
AGENCY_FORM = {
    "authority": "國防部115年1月1日函",
    "agency": "國防部",
    "agency_decided_on": "115/01/01",
    "agency_ref": "國密字第1150000042號",
}


def url(name, **kwargs):
    return reverse(f"registry:{name}", kwargs=kwargs)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


def text(response) -> str:
    return response.content.decode()


# --- GET answers 405 on every POST URL ------------------------------------------------------------

DOCUMENT_ACTIONS = ["archive_handover", "archive_receive", "loan_request", "declass_event", "review_record", "reclassify"]
DOCUMENT_ITEM_ACTIONS = ["loan_decide", "loan_lend", "loan_return", "notice_told"]
RECORD_ACTIONS = ["destruction_approve", "destruction_record", "party_request_decide", "party_reading"]


@pytest.mark.parametrize("name", DOCUMENT_ACTIONS + DOCUMENT_ITEM_ACTIONS + RECORD_ACTIONS)
def test_get_is_405(client, make_person, receiving_unit, handling, name):
    """For a person holding every role: a page is refused by role before its method is looked at."""
    everything = make_person(Role.CLERK, Role.SUPERVISOR, Role.ARCHIVIST, Role.ETHICS, Role.HANDLER, unit=receiving_unit)
    client.force_login(everything)
    kwargs = {"pk": handling.pk}
    if name in DOCUMENT_ITEM_ACTIONS:
        kwargs["item"] = 1
    assert client.get(url(name, **kwargs)).status_code == 405


# --- hand-over and filing -------------------------------------------------------------------------


def test_handler_hands_over(client, handler, handling):
    client.force_login(handler)
    response = client.post(url("archive_handover", pk=handling.pk), {"note": "辦畢"})
    assert response.status_code == 302
    handling.refresh_from_db()
    assert handling.state == DocumentState.TO_ARCHIVE


@pytest.mark.parametrize("person", ["outsider", "second_handler", "archivist"])
def test_hand_over_by_a_stranger_is_404(client, everyone, handling, person):
    client.force_login(everyone[person])
    seq = head_seq()
    response = client.post(url("archive_handover", pk=handling.pk), {"note": "x"})
    assert response.status_code == 404
    assert SUBJECT not in text(response)
    handling.refresh_from_db()
    assert handling.state == DocumentState.IN_HANDLING
    assert len(events_since(seq, AuditAction.ACCESS_DENIED)) == 1


def test_archivist_files_the_document(client, archivist, to_archive, cabinet):
    client.force_login(archivist)
    trail = url("document_trail", pk=to_archive.pk)
    page = client.get(trail)
    assert page.context["archive_receive_form"] is not None
    response = client.post(
        url("archive_receive", pk=to_archive.pk),
        {"location": cabinet.pk, "retention_years": "10", "class_number": "0115/001", "next": trail},
    )
    assert response.status_code == 302 and response.url == trail
    to_archive.refresh_from_db()
    assert (to_archive.state, to_archive.storage_location, to_archive.retention_years) == (
        DocumentState.ARCHIVED,
        cabinet,
        10,
    )
    assert to_archive.class_number == "0115/001"


def test_filing_permanently(client, archivist, to_archive, cabinet):
    client.force_login(archivist)
    client.post(url("archive_receive", pk=to_archive.pk), {"location": cabinet.pk, "retention_years": "permanent"})
    to_archive.refresh_from_db()
    assert to_archive.state == DocumentState.ARCHIVED and to_archive.retention_years is None


@pytest.mark.parametrize(
    "data",
    [
        {"retention_years": "7"},
        {"retention_years": "abc"},
        {"location": "999999"},
        {"location": "x"},
        {"location": None, "retention_years": None},
    ],
)
def test_filing_with_bad_input_changes_nothing(client, archivist, to_archive, cabinet, data):
    client.force_login(archivist)
    post = {"location": cabinet.pk, "retention_years": "10", **data}
    post = {name: value for name, value in post.items() if value is not None}
    response = client.post(url("archive_receive", pk=to_archive.pk), post, follow=True)
    assert response.status_code == 200 and messages_of(response)
    to_archive.refresh_from_db()
    assert to_archive.state == DocumentState.TO_ARCHIVE


def test_filing_in_the_wrong_zone_is_refused_with_the_reason(client, archivist, to_archive, shelf):
    client.force_login(archivist)
    response = client.post(url("archive_receive", pk=to_archive.pk), {"location": shelf.pk, "retention_years": "10"}, follow=True)
    assert response.status_code == 200
    assert any("B-1" in m for m in messages_of(response))
    to_archive.refresh_from_db()
    assert to_archive.state == DocumentState.TO_ARCHIVE


def test_filing_by_the_handler_is_refused_and_audited(client, handler, to_archive, cabinet):
    client.force_login(handler)
    seq = head_seq()
    response = client.post(url("archive_receive", pk=to_archive.pk), {"location": cabinet.pk, "retention_years": "10"})
    assert response.status_code == 302
    to_archive.refresh_from_db()
    assert to_archive.state == DocumentState.TO_ARCHIVE
    assert len(events_since(seq, AuditAction.ACTION_REFUSED)) == 1


def test_filing_by_an_outsider_is_404(client, outsider, to_archive, cabinet):
    client.force_login(outsider)
    response = client.post(url("archive_receive", pk=to_archive.pk), {"location": cabinet.pk, "retention_years": "10"})
    assert response.status_code == 404
    to_archive.refresh_from_db()
    assert to_archive.state == DocumentState.TO_ARCHIVE


# --- loans ----------------------------------------------------------------------------------------


def test_ask_to_borrow_from_the_trail_page(client, clerk, archived):
    client.force_login(clerk)
    trail = url("document_trail", pk=archived.pk)
    page = client.get(trail)
    assert page.context["loan_request_form"] is not None
    assert SUBJECT not in text(page)
    response = client.post(url("loan_request", pk=archived.pk), {"reason": "查考前案", "next": trail})
    assert response.status_code == 302
    loan = Loan.objects.get(document=archived)
    assert (loan.borrower, loan.state, loan.reason) == (clerk, LoanState.REQUESTED, "查考前案")


def test_ask_to_borrow_without_the_document_in_the_register_is_404(client, outsider, archived):
    client.force_login(outsider)
    seq = head_seq()
    assert client.post(url("loan_request", pk=archived.pk), {"reason": "想看"}).status_code == 404
    assert not Loan.objects.exists()
    assert len(events_since(seq, AuditAction.ACTION_REFUSED)) == 1


def test_ask_to_borrow_without_a_reason_is_a_message(client, clerk, archived):
    client.force_login(clerk)
    response = client.post(url("loan_request", pk=archived.pk), {"reason": " "}, follow=True)
    assert response.status_code == 200 and messages_of(response)
    assert not Loan.objects.exists()


def test_supervisor_approves_a_loan_with_an_roc_due_date(client, supervisor, requested_loan, archived):
    client.force_login(supervisor)
    page = client.get(url("document_detail", pk=archived.pk))
    assert page.context["loan_rows"][0]["decide_form"] is not None
    day = timezone.localdate() + timedelta(days=14)
    response = client.post(
        url("loan_decide", pk=archived.pk, item=requested_loan.pk),
        {"decision": "approve", "reason": "業務需要", "due_on": format_roc(day)},
    )
    assert response.status_code == 302
    requested_loan.refresh_from_db()
    assert (requested_loan.state, requested_loan.due_on) == (LoanState.APPROVED, day)


def test_supervisor_refuses_a_loan(client, supervisor, requested_loan, archived):
    client.force_login(supervisor)
    client.post(url("loan_decide", pk=archived.pk, item=requested_loan.pk), {"decision": "refuse", "reason": "無必要"})
    requested_loan.refresh_from_db()
    assert requested_loan.state == LoanState.REFUSED


@pytest.mark.parametrize(
    "data",
    [
        {"decision": "approve", "reason": "同意", "due_on": "115年13月45日"},
        {"decision": "approve", "reason": "同意", "due_on": ""},
        {"decision": "approve", "reason": "同意", "due_on": "100/01/01"},
        {"decision": "approve", "reason": "", "due_on": "200/01/01"},
        {"decision": "maybe", "reason": "同意"},
    ],
)
def test_bad_loan_decision_changes_nothing(client, supervisor, requested_loan, archived, data):
    client.force_login(supervisor)
    response = client.post(url("loan_decide", pk=archived.pk, item=requested_loan.pk), data, follow=True)
    assert response.status_code == 200 and messages_of(response)
    requested_loan.refresh_from_db()
    assert requested_loan.state == LoanState.REQUESTED


def test_only_the_deciding_supervisor_sees_and_uses_the_decision(client, clerk, outsider, requested_loan, archived):
    client.force_login(clerk)
    page = client.get(url("document_trail", pk=archived.pk))
    assert page.context["loan_rows"][0]["decide_form"] is None
    seq = head_seq()
    response = client.post(
        url("loan_decide", pk=archived.pk, item=requested_loan.pk),
        {"decision": "approve", "reason": "自己核", "due_on": format_roc(timezone.localdate())},
    )
    assert response.status_code == 302
    assert len(events_since(seq, AuditAction.ACTION_REFUSED)) == 1
    client.force_login(outsider)
    assert client.post(url("loan_decide", pk=archived.pk, item=requested_loan.pk), {"decision": "approve"}).status_code == 404
    requested_loan.refresh_from_db()
    assert requested_loan.state == LoanState.REQUESTED


def test_loan_of_another_document_is_404(client, supervisor, requested_loan, walk):
    other = walk(DocumentState.IN_HANDLING)
    client.force_login(supervisor)
    assert client.post(url("loan_decide", pk=other.pk, item=requested_loan.pk), {"decision": "refuse", "reason": "x"}).status_code == 404


def test_archivist_lends_and_takes_back(client, archivist, approved_loan, archived, clerk):
    client.force_login(archivist)
    page = client.get(url("document_trail", pk=archived.pk))
    assert page.context["loan_rows"][0]["may_lend"]
    assert client.post(url("loan_lend", pk=archived.pk, item=approved_loan.pk)).status_code == 302
    approved_loan.refresh_from_db()
    archived.refresh_from_db()
    assert approved_loan.state == LoanState.LENT and archived.state == DocumentState.ON_LOAN
    assert archived.custodian == clerk

    assert client.post(url("loan_return", pk=archived.pk, item=approved_loan.pk)).status_code == 302
    approved_loan.refresh_from_db()
    archived.refresh_from_db()
    assert approved_loan.state == LoanState.RETURNED and archived.state == DocumentState.ARCHIVED


def test_lending_by_others_is_refused_or_404(client, supervisor, outsider, approved_loan, archived):
    client.force_login(supervisor)
    response = client.post(url("loan_lend", pk=archived.pk, item=approved_loan.pk), follow=True)
    assert response.status_code == 200 and messages_of(response)
    client.force_login(outsider)
    assert client.post(url("loan_lend", pk=archived.pk, item=approved_loan.pk)).status_code == 404
    approved_loan.refresh_from_db()
    assert approved_loan.state == LoanState.APPROVED


# --- declassification, review, decisions, notices -------------------------------------------------


@pytest.fixture
def event_document(walk):
    """A 密 document declassified when an event happens (公布)."""
    return walk(
        DocumentState.IN_HANDLING,
        subject=SUBJECT,
        level=Level.OFFICIAL_SECRET,
        protection_years=None,
        declass_kind="event",
        declass_event="公布",
        authorization_ref="",
        authorization_by="",
    )


def test_archivist_records_the_event(client, archivist, event_document):
    client.force_login(archivist)
    page = client.get(url("document_trail", pk=event_document.pk))
    assert page.context["declass_event_form"] is not None
    day = timezone.localdate()
    response = client.post(url("declass_event", pk=event_document.pk), {"happened_on": format_roc(day), "note": "已公布"})
    assert response.status_code == 302
    event_document.refresh_from_db()
    assert event_document.declass_event_met_on == day


@pytest.mark.parametrize("day", ["", "115年13月45日", "abc", "999/01/01"])
def test_bad_event_date_changes_nothing(client, archivist, event_document, day):
    client.force_login(archivist)
    response = client.post(url("declass_event", pk=event_document.pk), {"happened_on": day}, follow=True)
    assert response.status_code == 200 and messages_of(response)
    event_document.refresh_from_db()
    assert event_document.declass_event_met_on is None


def test_event_by_an_outsider_is_404(client, outsider, event_document):
    client.force_login(outsider)
    response = client.post(url("declass_event", pk=event_document.pk), {"happened_on": format_roc(timezone.localdate())})
    assert response.status_code == 404
    event_document.refresh_from_db()
    assert event_document.declass_event_met_on is None


def test_review_is_recorded(client, archivist, archived):
    client.force_login(archivist)
    response = client.post(url("review_record", pk=archived.pk), {"outcome": "keep", "note": "維持"})
    assert response.status_code == 302
    record = ReviewRecord.objects.get(document=archived)
    assert (record.reviewed_by, record.outcome) == (archivist, "keep")
    archived.refresh_from_db()
    assert archived.last_reviewed_on == record.reviewed_on


def test_review_refusals(client, archivist, handler, outsider, handling):
    client.force_login(archivist)
    response = client.post(url("review_record", pk=handling.pk), {"outcome": "forget"}, follow=True)
    assert response.status_code == 200 and messages_of(response)
    client.force_login(handler)
    seq = head_seq()
    assert client.post(url("review_record", pk=handling.pk), {"outcome": "keep"}).status_code == 302
    assert len(events_since(seq, AuditAction.ACTION_REFUSED)) == 1
    client.force_login(outsider)
    assert client.post(url("review_record", pk=handling.pk), {"outcome": "keep"}).status_code == 404
    assert not ReviewRecord.objects.exists()


@pytest.fixture
def distributed(handling, handler, supervisor, second_handler):
    """The second handler received copy 1: a change of level owes them a notice."""
    request = distribution_services.distribution_request(
        document=handling, actor=handler, recipients=[second_handler], reason="會辦"
    )
    distribution_services.distribution_decide(
        recipient=request.recipients.get(), actor=supervisor, approve=True, reason="同意"
    )
    return handling


def test_supervisor_declassifies_and_the_notice_is_marked_told(client, supervisor, distributed, second_handler):
    client.force_login(supervisor)
    detail = url("document_detail", pk=distributed.pk)
    assert client.get(detail).context["reclassify_form"] is not None
    response = client.post(
        url("reclassify", pk=distributed.pk),
        {"kind": "declassify", "reason": "已無保密必要", **AGENCY_FORM},
    )
    assert response.status_code == 302
    decision = ClassificationDecision.objects.get(document=distributed)
    assert decision.kind == "declassify"
    distributed.refresh_from_db()
    assert distributed.declassified_on == timezone.localdate()
    notice = ReclassificationNotice.objects.get(decision=decision)
    assert notice.recipient == second_handler

    page = client.get(detail)
    assert page.context["decision_rows"][0]["notices"][0][1] is not None
    response = client.post(url("notice_told", pk=distributed.pk, item=notice.pk), {"method": "書面通知"})
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.told_at is not None and notice.method == "書面通知"


def test_downgrade_changes_the_level(client, supervisor, handling):
    client.force_login(supervisor)
    client.post(
        url("reclassify", pk=handling.pk),
        {"kind": "downgrade", "new_level": str(int(Level.OFFICIAL_SECRET)), "reason": "降密", **AGENCY_FORM},
    )
    handling.refresh_from_db()
    assert handling.level == Level.OFFICIAL_SECRET


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "declassify", "reason": "x", "authority": ""},
        {"kind": "downgrade", "reason": "x", "authority": "y"},
        {"kind": "downgrade", "new_level": "5", "reason": "x", "authority": "y"},
        {"kind": "upgrade", "new_level": "99", "reason": "x", "authority": "y"},
        {"kind": "downgrade", "new_level": "2", "new_protection_years": "-4", "reason": "x", "authority": "y"},
        {"kind": "explode", "reason": "x", "authority": "y"},
    ],
)
def test_bad_decisions_change_nothing(client, supervisor, handling, data):
    client.force_login(supervisor)
    response = client.post(url("reclassify", pk=handling.pk), data, follow=True)
    assert response.status_code == 200 and messages_of(response)
    assert not ClassificationDecision.objects.exists()
    handling.refresh_from_db()
    assert handling.level == Level.CONFIDENTIAL and handling.declassified_on is None


def test_decisions_by_others_are_refused_or_404(client, handler, outsider, handling):
    client.force_login(handler)
    seq = head_seq()
    data = {"kind": "declassify", "reason": "x", "authority": "y"}
    assert client.post(url("reclassify", pk=handling.pk), data).status_code == 302
    assert len(events_since(seq, AuditAction.ACTION_REFUSED)) == 1
    client.force_login(outsider)
    assert client.post(url("reclassify", pk=handling.pk), data).status_code == 404
    assert not ClassificationDecision.objects.exists()


def test_notice_refusals(client, supervisor, outsider, distributed):
    decision = declass_services.reclassify(
        document=distributed, actor=supervisor, kind="declassify", reason="x", **AGENCY_DECISION
    )
    notice = decision.notices.get()
    client.force_login(supervisor)
    response = client.post(url("notice_told", pk=distributed.pk, item=notice.pk), {"method": ""}, follow=True)
    assert response.status_code == 200 and messages_of(response)
    client.force_login(outsider)
    assert client.post(url("notice_told", pk=distributed.pk, item=notice.pk), {"method": "x"}).status_code == 404
    notice.refresh_from_db()
    assert notice.told_at is None


# --- destruction ----------------------------------------------------------------------------------


def test_archivist_drafts_an_inventory(client, archivist, destructible):
    client.force_login(archivist)
    page = client.get(url("destruction_new"))
    assert page.status_code == 200
    assert destructible.number in text(page) and SUBJECT not in text(page)
    response = client.post(url("destruction_new"), {"documents": [destructible.pk], "note": "年限屆滿"})
    inventory = DestructionList.objects.get()
    assert response.status_code == 302 and response.url == url("destruction_detail", pk=inventory.pk)
    assert list(inventory.items.values_list("document_id", flat=True)) == [destructible.pk]


@pytest.mark.parametrize("data", [{}, {"documents": ["abc"]}, {"documents": ["999999"]}])
def test_draft_with_bad_input_is_a_form_error(client, archivist, destructible, data):
    client.force_login(archivist)
    response = client.post(url("destruction_new"), data)
    assert response.status_code == 200 and response.context["form"].errors
    assert not DestructionList.objects.exists()


def test_a_document_not_yet_destructible_is_not_offered(client, archivist, archived):
    client.force_login(archivist)
    page = client.get(url("destruction_new"))
    assert archived.number not in text(page)
    response = client.post(url("destruction_new"), {"documents": [archived.pk]})
    assert response.status_code == 200
    assert not DestructionList.objects.exists()


@pytest.mark.parametrize("person", ["supervisor", "ethics_officer", "clerk", "outsider"])
def test_only_archivists_draft(client, everyone, destructible, person):
    client.force_login(everyone[person])
    assert client.get(url("destruction_new")).status_code == 404
    assert client.post(url("destruction_new"), {"documents": [destructible.pk]}).status_code == 404
    assert not DestructionList.objects.exists()


def test_supervisor_approves(client, supervisor, inventory):
    client.force_login(supervisor)
    detail = url("destruction_detail", pk=inventory.pk)
    page = client.get(detail)
    assert page.context["approve_form"] is not None
    assert reverse("print:destruction_inventory", kwargs={"pk": inventory.pk}) in text(page)
    response = client.post(url("destruction_approve", pk=inventory.pk))
    assert response.status_code == 302 and response.url == detail
    inventory.refresh_from_db()
    assert inventory.state == DestructionState.APPROVED and inventory.approved_by == supervisor


@pytest.mark.parametrize("person", ["archivist", "ethics_officer", "clerk", "outsider"])
def test_others_may_not_approve(client, everyone, inventory, person):
    client.force_login(everyone[person])
    assert client.post(url("destruction_approve", pk=inventory.pk)).status_code == 404
    inventory.refresh_from_db()
    assert inventory.state == DestructionState.DRAFT


def test_approving_twice_is_a_message(client, supervisor, approved):
    client.force_login(supervisor)
    response = client.post(url("destruction_approve", pk=approved.pk), follow=True)
    assert response.status_code == 200 and messages_of(response)


def test_unknown_inventory_is_404(client, supervisor):
    client.force_login(supervisor)
    assert client.get(url("destruction_detail", pk=999999)).status_code == 404
    assert client.post(url("destruction_approve", pk=999999)).status_code == 404


def record_data(destroyer, witness_person, /, **overrides):
    data = {
        "destroyed_by": destroyer.pk,
        "witness": witness_person.pk,
        "method": "shred",
        "destroyed_on": format_roc(timezone.localdate()),
    }
    data.update(overrides)
    return data


def test_ethics_officer_witnesses_and_records(client, ethics_officer, archivist, approved, destructible):
    client.force_login(ethics_officer)
    detail = url("destruction_detail", pk=approved.pk)
    form = client.get(detail).context["record_form"]
    assert form is not None and form.fields["witness"].initial == ethics_officer.pk
    response = client.post(url("destruction_record", pk=approved.pk), record_data(archivist, ethics_officer))
    assert response.status_code == 302
    approved.refresh_from_db()
    assert (approved.state, approved.witness, approved.destroyed_by) == (
        DestructionState.DESTROYED,
        ethics_officer,
        archivist,
    )
    destructible.refresh_from_db()
    assert destructible.state == DocumentState.DESTROYED and destructible.destroyed_at is not None
    trail = client.get(url("document_trail", pk=destructible.pk))
    assert trail.status_code == 200
    page = text(trail)
    assert "已銷毀" in page and SUBJECT not in page
    assert AuditAction.DOCUMENT_DESTROY in [e.action for e in trail.context["later_trail"]]


@pytest.mark.parametrize(
    "overrides",
    [
        {"destroyed_on": "115年13月45日"},
        {"destroyed_on": format_roc(timezone.localdate() + timedelta(days=3))},
        {"method": "eat"},
        {"witness": ""},
        {"witness": "abc"},
    ],
)
def test_bad_record_changes_nothing(client, ethics_officer, archivist, approved, overrides):
    client.force_login(ethics_officer)
    response = client.post(url("destruction_record", pk=approved.pk), record_data(archivist, ethics_officer, **overrides), follow=True)
    assert response.status_code == 200 and messages_of(response)
    approved.refresh_from_db()
    assert approved.state == DestructionState.APPROVED


def test_the_witness_must_be_an_ethics_officer_and_not_the_destroyer(client, archivist, ethics_officer, approved):
    client.force_login(archivist)
    response = client.post(url("destruction_record", pk=approved.pk), record_data(archivist, archivist), follow=True)
    assert response.status_code == 200 and messages_of(response)
    approved.refresh_from_db()
    assert approved.state == DestructionState.APPROVED


def test_recording_by_someone_else_is_refused(client, make_person, other_unit, archivist, ethics_officer, approved):
    another = make_person(Role.ETHICS, unit=other_unit, username="ethics2", full_name="政風鄭")
    client.force_login(another)
    seq = head_seq()
    response = client.post(url("destruction_record", pk=approved.pk), record_data(archivist, ethics_officer), follow=True)
    assert response.status_code == 200 and messages_of(response)
    assert len(events_since(seq, AuditAction.ACTION_REFUSED)) == 1
    approved.refresh_from_db()
    assert approved.state == DestructionState.APPROVED


@pytest.mark.parametrize("person", ["supervisor", "clerk", "outsider", "handler"])
def test_record_by_people_without_the_role_is_404(client, everyone, archivist, ethics_officer, approved, person):
    client.force_login(everyone[person])
    assert client.post(url("destruction_record", pk=approved.pk), record_data(archivist, ethics_officer)).status_code == 404
    approved.refresh_from_db()
    assert approved.state == DestructionState.APPROVED


def test_inventory_pages_mask_the_subject(client, everyone, approved, destructible):
    for person in ("archivist", "ethics_officer"):
        client.force_login(everyone[person])
        for page in (url("destruction_list"), url("destruction_detail", pk=approved.pk)):
            response = client.get(page)
            assert response.status_code == 200
            assert SUBJECT not in text(response)
        assert destructible.number in text(client.get(url("destruction_detail", pk=approved.pk)))
    client.force_login(everyone["outsider"])
    assert client.get(url("destruction_list")).status_code == 404
    assert client.get(url("destruction_detail", pk=approved.pk)).status_code == 404


# --- parties' requests ----------------------------------------------------------------------------


def party_data(**overrides):
    data = {
        "applicant": "王大明",
        "applicant_kind": "party",
        "applicant_address": "臺中市西屯區臺灣大道三段99號",
        "files_described": "訴願案卷",
        "legal_interest": "主張權利所必要",
        "wants_read": "on",
        "received_on": format_roc(timezone.localdate()),
    }
    data.update(overrides)
    return data


def test_clerk_records_a_request_naming_a_document(client, clerk, archived):
    client.force_login(clerk)
    assert client.get(url("party_request_new")).status_code == 200
    response = client.post(url("party_request_new"), party_data(document_number=archived.number))
    request = PartyRequest.objects.get()
    assert response.status_code == 302 and response.url == url("party_request_detail", pk=request.pk)
    assert (request.applicant, request.document, request.recorded_by) == ("王大明", archived, clerk)


def test_a_document_outside_the_clerks_register_is_not_found(client, make_person, other_unit, archived):
    stranger_clerk = make_person(Role.CLERK, unit=other_unit, username="clerk2", full_name="收發外")
    client.force_login(stranger_clerk)
    response = client.post(url("party_request_new"), party_data(document_number=archived.number))
    assert response.status_code == 200 and response.context["form"].errors
    assert SUBJECT not in text(response)
    assert not PartyRequest.objects.exists()


@pytest.mark.parametrize(
    "overrides",
    [
        {"applicant": ""},
        {"applicant_kind": "neighbour"},
        {"legal_interest": ""},
        {"wants_read": ""},
        {"received_on": "115年13月45日"},
        {"received_on": "999/01/01"},
        {"document_number": "115收"},
    ],
)
def test_bad_requests_are_form_errors(client, clerk, overrides):
    client.force_login(clerk)
    response = client.post(url("party_request_new"), party_data(**overrides))
    assert response.status_code == 200 and response.context["form"].errors
    assert not PartyRequest.objects.exists()


@pytest.mark.parametrize("person", ["supervisor", "handler", "archivist", "outsider"])
def test_only_clerks_record_requests(client, everyone, person):
    client.force_login(everyone[person])
    assert client.post(url("party_request_new"), party_data()).status_code == 404
    assert not PartyRequest.objects.exists()


def test_supervisor_refuses_citing_grounds(client, supervisor, party_request):
    client.force_login(supervisor)
    detail = url("party_request_detail", pk=party_request.pk)
    assert client.get(detail).context["decide_form"] is not None
    response = client.post(
        url("party_request_decide", pk=party_request.pk),
        {"decision": "refused", "grounds": ["2", "4"], "reasons": "涉及國防機密，無從分離。"},
    )
    assert response.status_code == 302 and response.url == detail
    party_request.refresh_from_db()
    assert party_request.decision == PartyDecision.REFUSED and party_request.grounds == [2, 4]
    page = text(client.get(detail))
    assert reverse("print:party_letter", kwargs={"pk": party_request.pk}) in page
    assert "行政程序法第46條第2項第2款" in page


@pytest.mark.parametrize(
    "data",
    [
        {"decision": "approved", "grounds": ["2"], "reasons": "x"},
        {"decision": "refused", "reasons": "x"},
        {"decision": "partial", "grounds": ["3"], "reasons": "x"},
        {"decision": "refused", "grounds": ["9"], "reasons": "x"},
        {"decision": "pending", "reasons": "x"},
        {"decision": "approved", "reasons": ""},
    ],
)
def test_bad_party_decisions_change_nothing(client, supervisor, party_request, data):
    client.force_login(supervisor)
    response = client.post(url("party_request_decide", pk=party_request.pk), data, follow=True)
    assert response.status_code == 200 and messages_of(response)
    party_request.refresh_from_db()
    assert party_request.decision == PartyDecision.PENDING


def test_party_decisions_by_others(client, clerk, make_person, other_unit, party_request):
    client.force_login(clerk)
    assert client.post(url("party_request_decide", pk=party_request.pk), {"decision": "approved", "reasons": "x"}).status_code == 404
    elsewhere = make_person(Role.SUPERVISOR, unit=other_unit, username="sup2", full_name="主管外")
    client.force_login(elsewhere)
    seq = head_seq()
    assert client.post(url("party_request_decide", pk=party_request.pk), {"decision": "approved", "reasons": "x"}).status_code == 404
    assert client.get(url("party_request_detail", pk=party_request.pk)).status_code == 404
    assert len(events_since(seq, AuditAction.ACCESS_DENIED)) == 2
    party_request.refresh_from_db()
    assert party_request.decision == PartyDecision.PENDING


def test_reading_on_site(client, clerk, supervisor, party_request):
    client.force_login(clerk)
    data = {"read_on": format_roc(timezone.localdate()), "supervised_by": supervisor.pk, "note": "全程監看"}
    response = client.post(url("party_reading", pk=party_request.pk), data, follow=True)
    assert response.status_code == 200 and messages_of(response)  # not yet approved
    assert not OnSiteReading.objects.exists()
    party_services.party_request_decide(
        request=party_request, actor=supervisor, decision="approved", reasons="符合規定", conditions="現場閱覽",
        release_basis="所示部分已無保密必要",
    )
    response = client.post(url("party_reading", pk=party_request.pk), data)
    assert response.status_code == 302
    reading = OnSiteReading.objects.get()
    assert (reading.supervised_by, reading.recorded_by) == (supervisor, clerk)
    response = client.post(url("party_reading", pk=party_request.pk), {**data, "read_on": "abc"}, follow=True)
    assert response.status_code == 200 and messages_of(response)
    assert OnSiteReading.objects.count() == 1


def test_party_pages_never_show_the_documents_subject(client, clerk, ethics_officer, outsider, party_request):
    for person in (clerk, ethics_officer):
        client.force_login(person)
        for page in (url("party_request_list"), url("party_request_detail", pk=party_request.pk)):
            response = client.get(page)
            assert response.status_code == 200
            assert SUBJECT not in text(response)
        assert party_request.document.number in text(client.get(url("party_request_detail", pk=party_request.pk)))
    client.force_login(outsider)
    assert client.get(url("party_request_list")).status_code == 404


# --- the list pages and need-to-know --------------------------------------------------------------


def test_archive_page_masks_the_subject_for_the_archivist(client, archivist, archived):
    client.force_login(archivist)
    response = client.get(url("archive"))
    assert response.status_code == 200
    page = text(response)
    assert archived.number in page and SUBJECT not in page
    assert [d.pk for d in response.context["page"].object_list] == [archived.pk]


def test_archive_page_walks_the_shelves_by_key_and_lists_what_waits_to_be_filed_oldest_first(
    client, walk, handler, archivist, cabinet, settings
):
    settings.REGISTRY_PAGE_SIZE = 2
    documents = [walk(DocumentState.IN_HANDLING, subject=SUBJECT) for _ in range(5)]
    for document in documents:
        archive_services.archive_handover(document=document, actor=handler)
    for document in documents[:3]:
        archive_services.archive_receive(document=document, actor=archivist, location=cabinet, retention_years=10)
    client.force_login(archivist)

    first = client.get(url("archive")).context
    second = client.get(url("archive"), {"after": first["page"].next_key}).context

    newest_first = [d.pk for d in reversed(documents[:3])]
    assert [d.pk for d in first["page"]] + [d.pk for d in second["page"]] == newest_first
    assert not second["page"].has_next and second["page"].count == 3
    assert [d.pk for d in first["to_file"]] == [d.pk for d in documents[3:]]


def test_archive_page_shows_the_subject_to_the_supervisor_who_knows_it(client, supervisor, archived):
    client.force_login(supervisor)
    response = client.get(url("archive"))
    assert response.status_code == 200 and SUBJECT in text(response)


@pytest.mark.parametrize("person", ["clerk", "handler", "ethics_officer", "outsider"])
def test_archive_page_is_for_archivists_and_supervisors(client, everyone, person):
    client.force_login(everyone[person])
    assert client.get(url("archive")).status_code == 404


def test_archive_page_lists_overdue_loans(client, archivist, approved_loan, archived):
    archive_services.loan_lend(loan=approved_loan, actor=archivist)
    Loan.objects.filter(pk=approved_loan.pk).update(due_on=timezone.localdate() - timedelta(days=3))
    client.force_login(archivist)
    response = client.get(url("archive"))
    assert response.context["overdue_count"] == 1
    assert response.context["open_loans"] == [(Loan.objects.get(pk=approved_loan.pk), True)]
    assert "row--overdue" in text(response)


def test_declassification_page_masks_and_limits(client, everyone, event_document, archivist):
    declass_services.declass_event_record(document=event_document, actor=archivist, happened_on=timezone.localdate())
    for person in ("archivist", "ethics_officer"):
        client.force_login(everyone[person])
        response = client.get(url("declassification"))
        assert response.status_code == 200
        assert [d.pk for d in response.context["due"]] == [event_document.pk]
        assert SUBJECT not in text(response)
    client.force_login(everyone["supervisor"])
    response = client.get(url("declassification"))
    assert SUBJECT in text(response)  # the supervisor opened it: need-to-know
    for person in ("clerk", "handler", "outsider"):
        client.force_login(everyone[person])
        assert client.get(url("declassification")).status_code == 404


def test_document_page_shows_the_later_life(client, supervisor, archived, cabinet):
    client.force_login(supervisor)
    response = client.get(url("document_detail", pk=archived.pk))
    page = text(response)
    assert "A-1" in page
    actions = [e.action for e in response.context["later_trail"]]
    assert actions == [AuditAction.ARCHIVE_HANDOVER, AuditAction.ARCHIVE_RECEIVE]


# --- the dashboard --------------------------------------------------------------------------------


def test_dashboard_lists_the_later_life_work(client, archivist, supervisor, ethics_officer, to_archive, walk, approved):
    client.force_login(archivist)
    response = client.get(url("dashboard"))
    assert [d.pk for d in response.context["archive_to_file"]] == [to_archive.pk]
    assert SUBJECT not in text(response)

    client.force_login(ethics_officer)
    response = client.get(url("dashboard"))
    assert [i.pk for i in response.context["destruction_to_witness"]] == [approved.pk]


def test_supervisor_dashboard(client, supervisor, requested_loan, archivist, destructible):
    draft = destruction_services.destruction_draft(actor=archivist, documents=[destructible])
    client.force_login(supervisor)
    response = client.get(url("dashboard"))
    assert [loan.pk for loan in response.context["pending_loans"]] == [requested_loan.pk]
    assert [i.pk for i in response.context["destruction_drafts"]] == [draft.pk]
    assert response.context["show_declass_due"] is True


# --- the periodic commands ------------------------------------------------------------------------


def test_periodic_commands_list_and_never_print_the_subject(capsys, archivist, approved_loan, event_document):
    archive_services.loan_lend(loan=approved_loan, actor=archivist)
    Loan.objects.filter(pk=approved_loan.pk).update(due_on=timezone.localdate() - timedelta(days=2))
    declass_services.declass_event_record(document=event_document, actor=archivist, happened_on=timezone.localdate())

    call_command("overdue_loans")
    out = capsys.readouterr().out
    assert approved_loan.document.number in out and "1 loan(s) overdue" in out

    call_command("declassification_due")
    out = capsys.readouterr().out
    assert event_document.number in out and "1 document(s) due" in out

    call_command("review_reminders")
    out = capsys.readouterr().out
    assert "document(s) due for the yearly review" in out
    for command in ("overdue_loans", "declassification_due", "review_reminders"):
        call_command(command)
        assert SUBJECT not in capsys.readouterr().out


# --- bad input never 500 ----------------------------------------------------------------------------

GARBAGE = {
    "location": "'; DROP TABLE x;--",
    "retention_years": "\x00",
    "due_on": "９９９年",
    "happened_on": "2026-02-30",
    "new_level": "abc",
    "new_protection_years": "1e9",
    "documents": ["-1", "x"],
    "destroyed_by": "-5",
    "witness": "0",
    "destroyed_on": "０",
    "grounds": ["x", "100"],
    "read_on": "115/02/30",
    "supervised_by": "zz",
    "decision": "approve",
    "kind": "upgrade",
    "reason": "x" * 5000,
    "method": "y" * 5000,
}


def test_garbage_never_500(client, everyone, approved_loan, approved, party_request, archived):
    targets = [
        url("archive_receive", pk=archived.pk),
        url("loan_request", pk=archived.pk),
        url("loan_decide", pk=archived.pk, item=approved_loan.pk),
        url("loan_lend", pk=archived.pk, item=approved_loan.pk),
        url("declass_event", pk=archived.pk),
        url("review_record", pk=archived.pk),
        url("reclassify", pk=archived.pk),
        url("notice_told", pk=archived.pk, item=999),
        url("destruction_new"),
        url("destruction_approve", pk=approved.pk),
        url("destruction_record", pk=approved.pk),
        url("party_request_new"),
        url("party_request_decide", pk=party_request.pk),
        url("party_reading", pk=party_request.pk),
        "/documents/999999/loans/request/",
        "/destructions/999999/record/",
    ]
    for person in ("archivist", "supervisor", "clerk", "ethics_officer", "outsider"):
        client.force_login(everyone[person])
        for target in targets:
            response = client.post(target, GARBAGE)
            assert response.status_code in (200, 302, 400, 404), (person, target, response.status_code)
    approved.refresh_from_db()
    assert approved.state == DestructionState.APPROVED


@pytest.mark.parametrize("target", ["' OR 1=1 --", "registry:dashboard", "//evil.example/", "https://evil.example/", "\\x"])
def test_a_hostile_next_goes_back_to_the_document(client, supervisor, requested_loan, archived, target):
    client.force_login(supervisor)
    response = client.post(
        url("loan_decide", pk=archived.pk, item=requested_loan.pk), {"decision": "refuse", "reason": "無必要", "next": target}
    )
    assert response.status_code == 302
    assert response.url == url("document_detail", pk=archived.pk)
    requested_loan.refresh_from_db()
    assert requested_loan.state == LoanState.REFUSED
