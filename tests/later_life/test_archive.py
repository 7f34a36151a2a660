"""歸檔: the handler hands a finished document to the archive, the archivist files it apart by zone."""

from __future__ import annotations

import pytest
from django.utils.translation import override

from classification import Level
from registry.errors import InvalidTransition, NotPermitted, ValidationFailed
from registry.models import (
    AuditAction,
    Document,
    DocumentState,
    DocumentUserObjectPermission,
    NeedToKnowGrant,
    StorageZone,
)
from registry.models.documents import GrantBasis
from registry.policies import can_know, register_for
from registry.services.archive import archive_handover, archive_receive, zone_for
from tests.later_life.helpers import refused
from tests.support import actions_since, details, head_seq, the_event


def _visible(user, document) -> bool:
    return Document.objects.visible_to(user).filter(pk=document.pk).exists()


def test_handover_and_receipt_end_the_handlers_grant_and_leave_the_archivist_a_masked_entry(
    walk, handler, archivist, supervisor, classified_cabinet
):
    document = walk(DocumentState.IN_HANDLING)
    assert _visible(handler, document)

    seq = head_seq()
    archive_handover(document=document, actor=handler, note="承辦完畢")

    document.refresh_from_db()
    assert document.state == DocumentState.TO_ARCHIVE
    assert document.custodian == handler  # still his until the archive receives it
    assert actions_since(seq) == [AuditAction.ARCHIVE_HANDOVER]
    event = the_event(AuditAction.ARCHIVE_HANDOVER, since=seq, actor=handler, document=document)
    assert details(event) == {"note": "承辦完畢"}

    seq = head_seq()
    archive_receive(
        document=document, actor=archivist, location=classified_cabinet, retention_years=10, class_number=" 0402 "
    )

    document.refresh_from_db()
    assert document.state == DocumentState.ARCHIVED
    assert document.custodian is None
    assert document.storage_location == classified_cabinet
    assert document.retention_years == 10 and document.class_number == "0402"
    assert document.archived_at is not None
    assert actions_since(seq) == [AuditAction.GRANT_END, AuditAction.ARCHIVE_RECEIVE]
    event = the_event(AuditAction.ARCHIVE_RECEIVE, since=seq, actor=archivist, document=document)
    assert details(event) == {"location": "C-01", "retention_years": 10}

    # The handler's "signed" grant ended with the handling, by the archivist, and his permission row went.
    grant = NeedToKnowGrant.objects.get(document=document, user=handler, basis=GrantBasis.SIGNED)
    assert grant.ended_at is not None and grant.ended_by == archivist
    ended = the_event(AuditAction.GRANT_END, since=seq, actor=archivist, document=document)
    assert details(ended)["grant"] == grant.pk and details(ended)["user"] == handler.pk
    assert not DocumentUserObjectPermission.objects.filter(user=handler, content_object=document).exists()
    assert not _visible(handler, document)
    assert not can_know(handler, document)

    # The archivist keeps the register entry but does not know the document (its subject is masked;
    # that ``known`` is exactly False, not NULL, is the next test's business).
    assert not _visible(archivist, document)
    entry = register_for(archivist).get(pk=document.pk)
    assert not entry.known

    # The supervisor who opened it keeps his own grant: archiving ends only the handling.
    assert _visible(supervisor, document)


def test_archivists_register_entry_of_a_filed_document_has_known_false(
    walk, handler, archivist, classified_cabinet
):
    """An archived document has no custodian; ``known`` must still be False, not SQL NULL, so that
    ``filter(known=False)`` finds the masked entries."""
    document = walk(DocumentState.IN_HANDLING)
    archive_handover(document=document, actor=handler)
    archive_receive(document=document, actor=archivist, location=classified_cabinet, retention_years=10)

    entry = register_for(archivist).get(pk=document.pk)

    assert entry.known is False
    assert register_for(archivist).filter(known=False, pk=document.pk).exists()


def test_restricted_document_goes_to_the_unclassified_zone(walk, handler, archivist, unclassified_shelf):
    document = walk(DocumentState.SIGNED, level=Level.RESTRICTED)
    assert zone_for(document) == StorageZone.UNCLASSIFIED
    archive_handover(document=document, actor=handler)

    seq = head_seq()
    archive_receive(document=document, actor=archivist, location=unclassified_shelf, retention_years=None)

    document.refresh_from_db()
    assert document.state == DocumentState.ARCHIVED
    assert document.storage_location == unclassified_shelf
    assert document.retention_years is None  # 永久
    the_event(AuditAction.ARCHIVE_RECEIVE, since=seq, actor=archivist, document=document)


@pytest.mark.parametrize("level", [Level.OFFICIAL_SECRET, Level.CONFIDENTIAL, Level.SECRET, Level.TOP_SECRET])
def test_classified_document_into_an_unclassified_location_is_refused(
    walk, handler, archivist, unclassified_shelf, level
):
    document = walk(DocumentState.IN_HANDLING, level=level)
    archive_handover(document=document, actor=handler)
    document.refresh_from_db()

    with override("en"), refused(ValidationFailed, document, unclassified_shelf) as refusal:
        archive_receive(document=document, actor=archivist, location=unclassified_shelf, retention_years=10)

    assert list(refusal.value.field_errors) == ["location"]
    message = str(refusal.value.message)
    assert "U-01" in message and Level(level).label in message
    assert "classified files are kept apart from unclassified ones" in message
    document.refresh_from_db()
    assert document.state == DocumentState.TO_ARCHIVE and document.storage_location is None
    # The handler keeps his grant while the archive has not taken the document.
    assert _visible(handler, document)


def test_restricted_document_into_a_classified_location_is_refused(walk, handler, archivist, classified_cabinet):
    document = walk(DocumentState.IN_HANDLING, level=Level.RESTRICTED)
    archive_handover(document=document, actor=handler)
    document.refresh_from_db()

    with override("en"), refused(ValidationFailed, document, classified_cabinet) as refusal:
        archive_receive(document=document, actor=archivist, location=classified_cabinet, retention_years=10)

    assert list(refusal.value.field_errors) == ["location"]
    assert "C-01" in str(refusal.value.message) and "限閱" in str(refusal.value.message)
    document.refresh_from_db()
    assert document.state == DocumentState.TO_ARCHIVE and document.storage_location is None


def test_location_no_longer_in_use_is_refused(walk, handler, archivist, classified_cabinet):
    document = walk(DocumentState.IN_HANDLING)
    archive_handover(document=document, actor=handler)
    classified_cabinet.active = False
    classified_cabinet.save()

    with refused(ValidationFailed, document) as refusal:
        archive_receive(document=document, actor=archivist, location=classified_cabinet, retention_years=10)

    assert list(refusal.value.field_errors) == ["location"]


@pytest.mark.parametrize("years", [0, 2, 7, 50])
def test_retention_period_outside_the_archives_act_list_is_refused(
    walk, handler, archivist, classified_cabinet, years
):
    document = walk(DocumentState.IN_HANDLING)
    archive_handover(document=document, actor=handler)

    with refused(ValidationFailed, document) as refusal:
        archive_receive(document=document, actor=archivist, location=classified_cabinet, retention_years=years)

    assert list(refusal.value.field_errors) == ["retention_years"]


def test_only_the_custodian_handler_hands_over(walk, second_handler, clerk, handler):
    document = walk(DocumentState.IN_HANDLING)

    with refused(NotPermitted, document):
        archive_handover(document=document, actor=second_handler)
    with refused(NotPermitted, document):
        archive_handover(document=document, actor=clerk)


def test_handover_before_signing_for_is_refused(walk, clerk, handler):
    document = walk(DocumentState.ROUTED)

    with refused(InvalidTransition, document):
        archive_handover(document=document, actor=handler)


def test_only_an_archivist_files_and_only_what_was_handed_over(
    walk, handler, archivist, supervisor, classified_cabinet
):
    document = walk(DocumentState.IN_HANDLING)
    with refused(InvalidTransition, document):
        archive_receive(document=document, actor=archivist, location=classified_cabinet, retention_years=10)

    archive_handover(document=document, actor=handler)
    with refused(NotPermitted, document):
        archive_receive(document=document, actor=supervisor, location=classified_cabinet, retention_years=10)
    with refused(NotPermitted, document):
        archive_receive(document=document, actor=handler, location=classified_cabinet, retention_years=10)
