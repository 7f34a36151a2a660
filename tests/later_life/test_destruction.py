"""銷毀: an inventory drafted by the archive, approved by a supervisor, and recorded only with an
ethics officer as witness; national secrets only after declassification, nothing before its
retention period ends. Destroyed documents keep their entry, steps and trail."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django.utils.translation import override

from classification import Level
from registry.audit import verify_chain
from registry.errors import InvalidTransition, NotPermitted, ValidationFailed
from registry.models import (
    AuditAction,
    AuditEvent,
    DestructionItem,
    DestructionList,
    DestructionMethod,
    DestructionState,
    Document,
    DocumentState,
    HandlingStep,
)
from registry.policies.destruction import destruction_obstacle
from registry.selectors.destruction import destructible
from registry.services.destruction import (
    destruction_approve,
    destruction_draft,
    destruction_record,
)
from tests.later_life.helpers import refused
from tests.support import actions_since, details, head_seq, the_event

OLD = 800  # days since archiving: past a one-year retention period


@pytest.fixture
def destroyable(archived):
    """Two archived documents whose one-year retention has ended: a 密 document (一般公務機密) and a
    機密 national secret declassified by a recorded decision."""
    return [
        archived(Level.OFFICIAL_SECRET, retention_years=1, age_days=OLD),
        archived(Level.CONFIDENTIAL, retention_years=1, age_days=OLD, declassified=True),
    ]


@pytest.fixture
def approved_list(destroyable, archivist, supervisor):
    inventory = destruction_draft(actor=archivist, documents=destroyable, note="115年度銷毀")
    return destruction_approve(destruction_list=inventory, actor=supervisor)


def _record(inventory, *, actor, destroyed_by, witness, method=DestructionMethod.SHRED, destroyed_on=None):
    return destruction_record(
        destruction_list=inventory,
        actor=actor,
        destroyed_by=destroyed_by,
        witness=witness,
        method=method,
        destroyed_on=destroyed_on or timezone.localdate(),
    )


def test_accepted_destruction_keeps_entry_steps_and_trail_and_the_chain_stays_whole(
    destroyable, archivist, supervisor, ethics_officer
):
    ids = sorted(d.pk for d in destroyable)
    steps_before = {pk: list(HandlingStep.objects.filter(document_id=pk).values_list("pk", flat=True)) for pk in ids}
    events_before = {pk: list(AuditEvent.objects.filter(document_id=pk).values_list("seq", flat=True)) for pk in ids}
    assert {d.pk for d in destructible()} >= set(ids)

    seq = head_seq()
    inventory = destruction_draft(actor=archivist, documents=destroyable, note=" 115年度銷毀 ")
    assert inventory.state == DestructionState.DRAFT and inventory.drafted_by == archivist
    assert inventory.note == "115年度銷毀"
    assert sorted(inventory.items.values_list("document_id", flat=True)) == ids
    event = the_event(AuditAction.DESTRUCTION_DRAFT, since=seq, actor=archivist, document=None)
    assert details(event) == {"list": inventory.pk, "documents": ids, "note": "115年度銷毀"}
    assert actions_since(seq) == [AuditAction.DESTRUCTION_DRAFT]

    seq = head_seq()
    inventory = destruction_approve(destruction_list=inventory, actor=supervisor)
    assert inventory.state == DestructionState.APPROVED and inventory.approved_by == supervisor
    event = the_event(AuditAction.DESTRUCTION_APPROVE, since=seq, actor=supervisor, document=None)
    assert details(event) == {"list": inventory.pk, "documents": ids}
    assert actions_since(seq) == [AuditAction.DESTRUCTION_APPROVE]

    seq = head_seq()
    day = timezone.localdate()
    inventory = _record(
        inventory, actor=ethics_officer, destroyed_by=archivist, witness=ethics_officer, destroyed_on=day
    )

    assert inventory.state == DestructionState.DESTROYED
    assert (inventory.destroyed_by, inventory.witness) == (archivist, ethics_officer)
    assert inventory.method == DestructionMethod.SHRED and inventory.destroyed_on == day
    for pk in ids:
        document = Document.objects.get(pk=pk)  # the row stays
        assert document.state == DocumentState.DESTROYED and document.destroyed_at is not None
        assert list(HandlingStep.objects.filter(document_id=pk).values_list("pk", flat=True)) == steps_before[pk]
        kept = list(AuditEvent.objects.filter(document_id=pk, seq__lte=seq).values_list("seq", flat=True))
        assert kept == events_before[pk]
        destroyed = AuditEvent.objects.get(document_id=pk, action=AuditAction.DOCUMENT_DESTROY)
        assert destroyed.actor == archivist  # the one who destroyed it
        assert details(destroyed) == {"list": inventory.pk, "witness": ethics_officer.pk, "method": "shred"}
    assert actions_since(seq) == [AuditAction.DOCUMENT_DESTROY] * 2 + [AuditAction.DESTRUCTION_RECORD]
    event = the_event(AuditAction.DESTRUCTION_RECORD, since=seq, actor=ethics_officer, document=None)
    assert details(event) == {
        "list": inventory.pk,
        "documents": ids,
        "destroyed_by": archivist.pk,
        "witness": ethics_officer.pk,
        "method": "shred",
        "destroyed_on": day.isoformat(),
    }

    assert verify_chain().whole
    out = StringIO()
    call_command("verify_audit", stdout=out)  # exits 1 (SystemExit) when the chain is broken
    assert "audit chain whole" in out.getvalue()
    assert not set(ids) & {d.pk for d in destructible()}


def test_the_one_who_destroyed_may_record_it(approved_list, archivist, ethics_officer):
    seq = head_seq()

    _record(approved_list, actor=archivist, destroyed_by=archivist, witness=ethics_officer)

    the_event(AuditAction.DESTRUCTION_RECORD, since=seq, actor=archivist, document=None)


# --- refusals at the record ---------------------------------------------------------------------------


def test_destruction_without_approval_is_refused(destroyable, archivist, ethics_officer):
    inventory = destruction_draft(actor=archivist, documents=destroyable)

    with refused(InvalidTransition, inventory, *destroyable):
        _record(inventory, actor=ethics_officer, destroyed_by=archivist, witness=ethics_officer)


def test_destruction_without_a_witness_is_refused(approved_list, destroyable, archivist):
    with refused(ValidationFailed, approved_list, *destroyable) as refusal:
        _record(approved_list, actor=archivist, destroyed_by=archivist, witness=None)

    assert list(refusal.value.field_errors) == ["witness"]


def test_destruction_witnessed_by_someone_who_is_no_ethics_officer_is_refused(
    approved_list, destroyable, archivist, supervisor, clerk
):
    for witness in (supervisor, clerk):
        with override("en"), refused(NotPermitted, approved_list, *destroyable) as refusal:
            _record(approved_list, actor=witness, destroyed_by=archivist, witness=witness)
        assert "not an ethics officer" in str(refusal.value.message)


def test_destruction_by_the_witness_alone_is_refused(approved_list, destroyable, ethics_officer):
    with refused(ValidationFailed, approved_list, *destroyable) as refusal:
        _record(approved_list, actor=ethics_officer, destroyed_by=ethics_officer, witness=ethics_officer)

    assert list(refusal.value.field_errors) == ["witness"]


def test_destruction_recorded_by_a_third_person_is_refused(
    approved_list, destroyable, archivist, ethics_officer, second_ethics_officer
):
    with refused(NotPermitted, approved_list, *destroyable):
        _record(approved_list, actor=second_ethics_officer, destroyed_by=archivist, witness=ethics_officer)


@pytest.mark.parametrize(("method", "days", "field"), [("flush", 0, "method"), ("shred", -1, "destroyed_on")])
def test_destruction_with_an_unknown_method_or_a_future_day_is_refused(
    approved_list, destroyable, archivist, ethics_officer, method, days, field
):
    with refused(ValidationFailed, approved_list, *destroyable) as refusal:
        _record(
            approved_list,
            actor=ethics_officer,
            destroyed_by=archivist,
            witness=ethics_officer,
            method=method,
            destroyed_on=timezone.localdate() - timedelta(days=days),
        )

    assert list(refusal.value.field_errors) == [field]


# --- refusals at the draft ----------------------------------------------------------------------------


def test_a_national_secret_not_yet_declassified_is_refused_at_draft(archived, archivist):
    document = archived(Level.CONFIDENTIAL, retention_years=1, age_days=OLD)

    with override("en"), refused(ValidationFailed, document) as refusal:
        destruction_draft(actor=archivist, documents=[document])

    assert list(refusal.value.field_errors) == ["documents"]
    assert "Article 15" in str(refusal.value.message)
    assert document.pk not in {d.pk for d in destructible()}


def test_one_undeclassified_national_secret_refuses_the_whole_inventory(destroyable, archived, archivist):
    secret = archived(Level.SECRET, retention_years=1, age_days=OLD)

    with refused(ValidationFailed, secret, *destroyable) as refusal:
        destruction_draft(actor=archivist, documents=[*destroyable, secret])

    assert len(refusal.value.field_errors["documents"]) == 1
    assert not DestructionList.objects.exists() and not DestructionItem.objects.exists()


def test_a_document_whose_retention_period_has_not_ended_is_refused_at_draft(archived, archivist):
    recent = archived(Level.OFFICIAL_SECRET, retention_years=1)
    almost = archived(Level.OFFICIAL_SECRET, retention_years=3, age_days=OLD)

    for document in (recent, almost):
        with override("en"), refused(ValidationFailed, document) as refusal:
            destruction_draft(actor=archivist, documents=[document])
        assert "Archives Act Article 12" in str(refusal.value.message)
        assert document.pk not in {d.pk for d in destructible()}


def test_a_document_kept_permanently_is_refused_at_draft(archived, archivist):
    document = archived(Level.OFFICIAL_SECRET, retention_years=None, age_days=OLD * 10)

    with override("en"), refused(ValidationFailed, document) as refusal:
        destruction_draft(actor=archivist, documents=[document])

    assert "permanently" in str(refusal.value.message)


def test_a_document_not_in_the_archive_is_refused_at_draft(walk, archivist):
    document = walk(DocumentState.IN_HANDLING, level=Level.OFFICIAL_SECRET)

    with refused(ValidationFailed, document):
        destruction_draft(actor=archivist, documents=[document])


def test_draft_by_someone_other_than_an_archivist_or_of_nothing_is_refused(destroyable, archivist, supervisor):
    with refused(NotPermitted, *destroyable):
        destruction_draft(actor=supervisor, documents=destroyable)
    with refused(ValidationFailed) as refusal:
        destruction_draft(actor=archivist, documents=[])
    assert list(refusal.value.field_errors) == ["documents"]


def test_a_document_already_on_a_pending_inventory_is_refused(destroyable, archivist):
    destruction_draft(actor=archivist, documents=destroyable)

    with refused(InvalidTransition, *destroyable):
        destruction_draft(actor=archivist, documents=destroyable[:1])


def test_a_document_lent_out_after_approval_stops_the_destruction(
    approved_list, destroyable, archivist, ethics_officer, borrower, supervisor
):
    from registry.services.archive import loan_decide, loan_lend, loan_request

    loan = loan_request(document=destroyable[0], actor=borrower, reason="查核")
    loan = loan_decide(loan=loan, actor=supervisor, approve=True, reason="准", due_on=timezone.localdate())
    loan_lend(loan=loan, actor=archivist)

    with refused(ValidationFailed, approved_list, *destroyable):
        _record(approved_list, actor=ethics_officer, destroyed_by=archivist, witness=ethics_officer)


# --- refusals at the approval -------------------------------------------------------------------------


def test_approval_by_someone_who_is_no_supervisor_or_twice_is_refused(destroyable, archivist, supervisor):
    inventory = destruction_draft(actor=archivist, documents=destroyable)
    with refused(NotPermitted, inventory):
        destruction_approve(destruction_list=inventory, actor=archivist)

    destruction_approve(destruction_list=inventory, actor=supervisor)
    with refused(InvalidTransition, inventory):
        destruction_approve(destruction_list=inventory, actor=supervisor)


def test_approval_by_a_supervisor_cleared_below_an_item_is_refused(
    destroyable, archivist, make_person, receiving_unit
):
    from registry.roles import Role

    inventory = destruction_draft(actor=archivist, documents=destroyable)
    low = make_person(Role.SUPERVISOR, unit=receiving_unit, username="sup_low", clearance=Level.OFFICIAL_SECRET)

    with refused(NotPermitted, inventory):
        destruction_approve(destruction_list=inventory, actor=low)


def test_destruction_obstacle_is_empty_exactly_for_what_may_go(destroyable):
    for document in destroyable:
        assert destruction_obstacle(document) == ""
