"""Fixtures for the document's later life: storage locations, people the shared office lacks, and
documents walked through the services into the archive.

The office (units, clerk, supervisor, handler, archivist, ethics officer) and ``walk`` come from
``tests/conftest.py``. Everything here is made through the services except storage locations and
people, which are plain rows the administrator keeps.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from classification import Level
from registry.models import Document, DocumentState, StorageLocation, StorageZone
from registry.roles import Role
from registry.services.archive import archive_handover, archive_receive
from registry.services.declassification import reclassify
from tests.factories import AGENCY_DECISION


@pytest.fixture
def classified_cabinet(db, archivist):
    """A locked cabinet for classified files (密 and above)."""
    return StorageLocation.objects.create(
        code="C-01", name="機密檔案櫃一", zone=StorageZone.CLASSIFIED, keeper=archivist
    )


@pytest.fixture
def unclassified_shelf(db, archivist):
    """A shelf for unclassified files (限閱 included)."""
    return StorageLocation.objects.create(
        code="U-01", name="一般檔案架一", zone=StorageZone.UNCLASSIFIED, keeper=archivist
    )


@pytest.fixture
def other_supervisor(make_person, other_unit):
    """單位主管 of 政風室, outside the document's units, cleared to 絕對機密."""
    return make_person(Role.SUPERVISOR, unit=other_unit, username="other_supervisor", full_name="主管外")


@pytest.fixture
def borrower(make_person, handling_unit):
    """A colleague of the handling unit, cleared to 絕對機密, with no need-to-know: asks to borrow."""
    return make_person(unit=handling_unit, username="borrower", full_name="借調郭")


@pytest.fixture
def low_cleared(make_person, handling_unit):
    """A colleague cleared only to 密: below a 機密 document."""
    return make_person(unit=handling_unit, username="low_cleared", full_name="低階許", clearance=Level.OFFICIAL_SECRET)


@pytest.fixture
def second_ethics_officer(make_person, other_unit):
    """Another 政風人員 of the ethics office."""
    return make_person(Role.ETHICS, unit=other_unit, username="ethics2", full_name="政風鄭")


@pytest.fixture
def archived(walk, handler, archivist, supervisor, classified_cabinet, unclassified_shelf):
    """``archived(level, retention_years=1, age_days=None, declassified=False, **registration)``: a
    document walked to 承辦中, handed over by the handler and filed by the archivist in a location of
    its zone. ``age_days`` moves its archiving date back; ``declassified`` has the supervisor
    declassify it by a recorded decision. Returns the document as stored."""

    def make(level=Level.CONFIDENTIAL, *, retention_years=1, age_days=None, declassified=False, **registration):
        document = walk(DocumentState.IN_HANDLING, level=level, **registration)
        archive_handover(document=document, actor=handler)
        location = classified_cabinet if Level(level).rule.is_classified else unclassified_shelf
        archive_receive(document=document, actor=archivist, location=location, retention_years=retention_years)
        if age_days is not None:
            Document.objects.filter(pk=document.pk).update(archived_at=timezone.now() - timedelta(days=age_days))
        if declassified:
            reclassify(
                document=document,
                actor=supervisor,
                kind="declassify",
                reason="保密期限屆滿",
                **AGENCY_DECISION,
            )
        document = Document.objects.get(pk=document.pk)
        assert document.state == DocumentState.ARCHIVED
        return document

    return make
