"""Assertions the later-life tests share: a refusal that writes nothing."""

from __future__ import annotations

from contextlib import contextmanager

import pytest

from registry.models import (
    AuditEvent,
    ClassificationDecision,
    CopyCustody,
    DestructionItem,
    DestructionList,
    Document,
    DocumentCopy,
    DocumentUserObjectPermission,
    HandlingStep,
    Loan,
    NeedToKnowGrant,
    OnSiteReading,
    PartyRequest,
    ReclassificationNotice,
    ReviewRecord,
    StorageLocation,
)
from tests.support import Snapshot

# Every table a later-life service writes to (and the audit chain); a refusal leaves all of them alone.
WATCHED_TABLES = (
    Document,
    HandlingStep,
    NeedToKnowGrant,
    DocumentUserObjectPermission,
    DocumentCopy,
    CopyCustody,
    StorageLocation,
    Loan,
    ReviewRecord,
    ClassificationDecision,
    ReclassificationNotice,
    DestructionList,
    DestructionItem,
    PartyRequest,
    OnSiteReading,
    AuditEvent,
)


@contextmanager
def refused(exception, *rows):
    """``with refused(ValidationFailed, document) as refusal: service(...)``: the call raises
    ``exception`` and writes nothing: no table's row count changes, the audit chain does not grow,
    and the stored values of ``rows`` stay as they were."""
    before = Snapshot.take(*WATCHED_TABLES, rows=rows)
    with pytest.raises(exception) as info:
        yield info
    after = Snapshot.take(*WATCHED_TABLES, rows=rows)
    assert after.counts == before.counts, "a refused action changed row counts"
    assert after.stored == before.stored, "a refused action changed a stored row"
