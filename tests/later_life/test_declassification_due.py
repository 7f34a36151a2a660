"""Declassification due lists (國家機密保護法第27、28條) and the yearly review of classified files."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from classification import Level
from registry.errors import InvalidTransition, NotPermitted, ValidationFailed
from registry.models import (
    AuditAction,
    Document,
    DocumentState,
    ReviewOutcome,
    ReviewRecord,
)
from registry.selectors.declassification import declassification_due, reviews_due
from registry.services.declassification import (
    declass_event_record,
    reclassify,
    review_record,
)
from tests.factories import AGENCY_DECISION
from tests.later_life.helpers import refused
from tests.support import actions_since, details, head_seq, the_event


def _due(**kwargs) -> set[int]:
    return set(declassification_due(**kwargs).values_list("pk", flat=True))


def _reviews(**kwargs) -> set[int]:
    return set(reviews_due(**kwargs).values_list("pk", flat=True))


def _age(document: Document, days: int) -> None:
    Document.objects.filter(pk=document.pk).update(registered_at=timezone.now() - timedelta(days=days))


# --- a date condition ------------------------------------------------------------------------------


def test_date_condition_in_the_past_is_due_and_in_the_future_is_not(walk):
    today = timezone.localdate()
    passed = walk(
        DocumentState.SIGNED,
        declass_kind="date",
        declass_date=today - timedelta(days=3),
        approval_date=today - timedelta(days=60),
    )
    coming = walk(
        DocumentState.SIGNED,
        declass_kind="date",
        declass_date=today + timedelta(days=30),
        approval_date=today - timedelta(days=60),
    )
    assert passed.declass_due_on == today - timedelta(days=3)
    assert coming.declass_due_on == today + timedelta(days=30)

    assert passed.pk in _due(today=today)
    assert coming.pk not in _due(today=today)
    # The day itself counts; the day before does not.
    assert coming.pk not in _due(today=today + timedelta(days=29))
    assert coming.pk in _due(today=today + timedelta(days=30))
    # Without ``today`` the list is for the real today.
    assert passed.pk in _due() and coming.pk not in _due()


def test_protection_period_that_has_run_out_is_due(walk):
    today = timezone.localdate()
    document = walk(DocumentState.SIGNED, protection_years=1, approval_date=today - timedelta(days=30))

    assert document.pk not in _due(today=today)
    assert document.pk in _due(today=today + timedelta(days=366))


def test_declassified_document_is_no_longer_due(walk, supervisor):
    today = timezone.localdate()
    document = walk(
        DocumentState.SIGNED,
        declass_kind="date",
        declass_date=today - timedelta(days=1),
        approval_date=today - timedelta(days=60),
    )
    assert document.pk in _due(today=today)

    reclassify(document=document, actor=supervisor, kind="declassify", reason="解密條件成就", **AGENCY_DECISION)

    assert document.pk not in _due(today=today)


# --- an event condition ----------------------------------------------------------------------------


@pytest.fixture
def on_publication(walk):
    """A 機密 document declassified on an event (公布), with no protection period."""
    return walk(DocumentState.IN_HANDLING, declass_kind="event", declass_event="公布", protection_years=None)


def test_event_condition_is_due_only_once_the_event_is_recorded(on_publication, supervisor):
    document = on_publication
    far = timezone.localdate() + timedelta(days=365 * 5)
    assert document.pk not in _due()
    assert document.pk not in _due(today=far)

    happened = timezone.localdate() - timedelta(days=2)
    seq = head_seq()
    declass_event_record(document=document, actor=supervisor, happened_on=happened, note=" 已於公報刊登 ")

    document.refresh_from_db()
    assert document.declass_event_met_on == happened
    assert document.declassified_on is None  # due for a decision, not yet declassified
    assert document.pk in _due()
    assert actions_since(seq) == [AuditAction.DECLASS_EVENT]
    event = the_event(AuditAction.DECLASS_EVENT, since=seq, actor=supervisor, document=document)
    assert details(event) == {"happened_on": happened.isoformat(), "note": "已於公報刊登"}


def test_an_archivist_may_record_the_event(archived, archivist):
    document = archived(Level.CONFIDENTIAL, declass_kind="event", declass_event="公布", protection_years=None)

    seq = head_seq()
    declass_event_record(document=document, actor=archivist, happened_on=timezone.localdate())

    assert document.pk in _due()
    the_event(AuditAction.DECLASS_EVENT, since=seq, actor=archivist, document=document)


def test_event_in_the_future_is_refused(on_publication, supervisor):
    with refused(ValidationFailed, on_publication) as refusal:
        declass_event_record(
            document=on_publication, actor=supervisor, happened_on=timezone.localdate() + timedelta(days=1)
        )
    assert list(refusal.value.field_errors) == ["happened_on"]
    assert on_publication.pk not in _due()


def test_event_for_a_date_condition_is_refused(walk, supervisor):
    document = walk(DocumentState.SIGNED, declass_kind="date", declass_date=timezone.localdate() + timedelta(days=30))

    with refused(InvalidTransition, document):
        declass_event_record(document=document, actor=supervisor, happened_on=timezone.localdate())


def test_event_recorded_by_someone_who_may_not_is_refused(on_publication, handler, other_supervisor, ethics_officer):
    for person in (handler, other_supervisor, ethics_officer):
        with refused(NotPermitted, on_publication):
            declass_event_record(document=on_publication, actor=person, happened_on=timezone.localdate())
    assert on_publication.pk not in _due()


# --- the yearly review -----------------------------------------------------------------------------


def test_review_due_for_a_classified_document_not_reviewed_for_over_a_year_and_dropped_after_review(
    walk, supervisor
):
    document = walk(DocumentState.IN_HANDLING)
    assert document.pk not in _reviews()

    _age(document, 400)
    assert document.pk in _reviews()

    seq = head_seq()
    record = review_record(document=document, actor=supervisor, outcome=ReviewOutcome.KEEP, note=" 仍有保密必要 ")

    document.refresh_from_db()
    assert record.document == document and record.reviewed_by == supervisor
    assert record.outcome == ReviewOutcome.KEEP and record.note == "仍有保密必要"
    assert record.reviewed_on == timezone.localdate()
    assert document.last_reviewed_on == timezone.localdate()
    assert document.pk not in _reviews()
    assert actions_since(seq) == [AuditAction.REVIEW_RECORD]
    event = the_event(AuditAction.REVIEW_RECORD, since=seq, actor=supervisor, document=document)
    assert details(event) == {"review": record.pk, "outcome": "keep", "note": "仍有保密必要"}

    # A year after that review it is due again.
    assert document.pk in _reviews(today=timezone.localdate() + timedelta(days=366))


def test_review_due_after_an_old_review(walk, supervisor):
    document = walk(DocumentState.IN_HANDLING)
    _age(document, 800)
    review_record(document=document, actor=supervisor, outcome=ReviewOutcome.KEEP)
    Document.objects.filter(pk=document.pk).update(last_reviewed_on=timezone.localdate() - timedelta(days=400))

    assert document.pk in _reviews()


def test_reviews_due_leaves_out_restricted_declassified_and_closed_documents(walk, supervisor, clerk):
    restricted = walk(DocumentState.SIGNED, level=Level.RESTRICTED)
    declassified = walk(DocumentState.SIGNED)
    reclassify(document=declassified, actor=supervisor, kind="declassify", reason="已無保密必要", **AGENCY_DECISION)
    cancelled = walk(DocumentState.CANCELLED)
    secret = walk(DocumentState.SIGNED, level=Level.OFFICIAL_SECRET)
    for document in (restricted, declassified, cancelled, secret):
        _age(document, 400)

    assert _reviews() & {restricted.pk, declassified.pk, cancelled.pk, secret.pk} == {secret.pk}


def test_archivist_reviews_and_others_may_not(archived, archivist, handler, other_supervisor, ethics_officer):
    document = archived(Level.CONFIDENTIAL, retention_years=10)
    for person in (handler, other_supervisor, ethics_officer):
        with refused(NotPermitted, document):
            review_record(document=document, actor=person, outcome=ReviewOutcome.KEEP)

    seq = head_seq()
    record = review_record(document=document, actor=archivist, outcome=ReviewOutcome.PROPOSE_DECLASSIFY)

    assert record.reviewed_by == archivist
    the_event(AuditAction.REVIEW_RECORD, since=seq, actor=archivist, document=document)


def test_review_with_an_unknown_outcome_is_refused(walk, supervisor):
    document = walk(DocumentState.SIGNED)

    with refused(ValidationFailed, document) as refusal:
        review_record(document=document, actor=supervisor, outcome="forget")

    assert list(refusal.value.field_errors) == ["outcome"]
    assert not ReviewRecord.objects.exists()


def test_review_of_a_declassified_document_is_refused(walk, supervisor):
    document = walk(DocumentState.SIGNED)
    reclassify(document=document, actor=supervisor, kind="declassify", reason="已無保密必要", **AGENCY_DECISION)

    with refused(InvalidTransition, document):
        review_record(document=document, actor=supervisor, outcome=ReviewOutcome.KEEP)
