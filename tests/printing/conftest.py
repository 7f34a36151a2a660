"""Fixtures of the printed-form tests: a small office, and documents walked through the services.

Self-contained on purpose (the suite's shared fixtures may change under other work): the names
here start with ``pr_`` so they never shadow a shared fixture.
"""

from __future__ import annotations

import io
import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from pypdf import PdfReader

from classification import Level, TransitMethod
from registry.models import (
    Direction,
    Document,
    StorageLocation,
    StorageZone,
    Unit,
    User,
)
from registry.roles import Role
from registry.services import archive as archive_svc
from registry.services import dispatch as dispatch_svc
from registry.services import distribution as dist_svc
from registry.services import documents as doc_svc
from tests.factories import next_sender_ref


def _person(username: str, unit: Unit, *roles: Role, clearance: int = Level.TOP_SECRET, full_name: str = "") -> User:
    person = User.objects.create_user(
        username=username, password="correct-horse-battery-staple", unit=unit, clearance=clearance, full_name=full_name
    )
    for role in roles:
        group, _ = Group.objects.get_or_create(name=str(role))
        person.groups.add(group)
    person.__dict__.pop("role_names", None)
    return person


@pytest.fixture
def pr_office(db):
    """秘書處 (receiving) with 機要科 below it (handling), and 政風室 outside that tree."""
    secretariat = Unit.objects.create(code="PR-SEC", name="秘書處")
    confidential = Unit.objects.create(code="PR-SEC-CONF", name="機要科", parent=secretariat)
    ethics_unit = Unit.objects.create(code="PR-ETH", name="政風室")
    elsewhere = Unit.objects.create(code="PR-LAND", name="地政局")
    return SimpleNamespace(
        secretariat=secretariat,
        confidential=confidential,
        ethics_unit=ethics_unit,
        elsewhere=elsewhere,
        clerk=_person("pr-clerk", secretariat, Role.CLERK, full_name="收發陳"),
        supervisor=_person("pr-supervisor", secretariat, Role.SUPERVISOR, full_name="主管林"),
        handler=_person("pr-handler", confidential, Role.HANDLER, full_name="承辦張"),
        colleague=_person("pr-colleague", confidential, Role.HANDLER, full_name="承辦李"),
        # Same unit, cleared to 絕對機密, every register role there is: still no need-to-know.
        outsider=_person("pr-outsider", confidential, Role.HANDLER, full_name="局外周"),
        ethics=_person("pr-ethics", ethics_unit, Role.ETHICS, full_name="政風吳"),
        archivist=_person("pr-archivist", secretariat, Role.ARCHIVIST, full_name="檔管黃"),
        other_clerk=_person("pr-clerk2", elsewhere, Role.CLERK, full_name="收發黃"),
    )


def registration(**overrides) -> dict:
    """A valid incoming 機密 registration with the §14 authorization, in fifty copies (enough for the
    forms' distributions and meetings)."""
    values = {
        "direction": Direction.INCOMING,
        "subject": "國土安全演習計畫",
        "level": Level.CONFIDENTIAL,
        "original_agency": "國防部",
        "approving_official": "王部長",
        "approval_date": timezone.localdate() - timedelta(days=30),
        "protection_years": 5,
        "sender": "國防部",
        "sender_ref": next_sender_ref(),
        "authorization_ref": "國密授字第1150000001號",
        "authorization_by": "國防部",
        "pages": 3,
        "attachments": 1,
        "copies_count": 50,
    }
    values.update(overrides)
    return values


@pytest.fixture
def pr_document(pr_office):
    """``pr_document(**registration)``: register, open, route, sign for and begin handling."""

    def make(*, clerk=None, **overrides):
        office = pr_office
        clerk = clerk or office.clerk
        document = doc_svc.document_register(actor=clerk, **registration(**overrides))
        document = doc_svc.document_open(
            document=document, actor=office.supervisor, instruction="請機要科辦理", handling_unit=office.confidential
        )
        document = doc_svc.document_route(document=document, actor=office.clerk, handler=office.handler)
        document = doc_svc.document_sign_for(document=document, actor=office.handler)
        document = doc_svc.document_begin_handling(document=document, actor=office.handler)
        document.refresh_from_db()
        return document

    return make


@pytest.fixture
def pr_distribute(pr_office):
    """``pr_distribute(document, *people)``: the handler asks, the supervisor approves each one."""

    def distribute(document, *people):
        request = dist_svc.distribution_request(
            document=document, actor=pr_office.handler, recipients=list(people), reason="會辦所需"
        )
        return [
            dist_svc.distribution_decide(recipient=r, actor=pr_office.supervisor, approve=True, reason="准")
            for r in request.recipients.order_by("pk")
        ]

    return distribute


@pytest.fixture
def pr_dispatch(pr_office):
    """``pr_dispatch(document, **fields)``: the clerk records a double-registered dispatch."""

    def send(document, *, clerk=None, **fields):
        values = {
            "recipient": "臺中市政府警察局",
            "address": "407 臺中市西屯區文心路二段588號",
            "method": TransitMethod.DOUBLE_REGISTERED,
            "registered_no": "台中郵局 123456",
        }
        values.update(fields)
        return dispatch_svc.dispatch_record(document=document, actor=clerk or pr_office.clerk, **values)

    return send


@pytest.fixture
def pr_archived(pr_office, pr_document):
    """``pr_archived(**registration)``: a document handled, handed over and filed by the archivist in
    a cabinet of its zone (機密檔案 for 密 and above), with its filing moved back ``years_ago`` years
    (default: the retention period and a day) so that its retention period has ended."""
    cabinets = {
        StorageZone.CLASSIFIED: StorageLocation.objects.create(code="PR-C1", name="機密檔案櫃", zone=StorageZone.CLASSIFIED),
        StorageZone.UNCLASSIFIED: StorageLocation.objects.create(code="PR-U1", name="一般檔案櫃", zone=StorageZone.UNCLASSIFIED),
    }

    def make(*, retention_years: int | None = 1, class_number: str = "0401", years_ago: int | None = None, **overrides):
        document = pr_document(**overrides)
        document = archive_svc.archive_handover(document=document, actor=pr_office.handler)
        document = archive_svc.archive_receive(
            document=document,
            actor=pr_office.archivist,
            location=cabinets[archive_svc.zone_for(document)],
            retention_years=retention_years,
            class_number=class_number,
        )
        back = years_ago if years_ago is not None else (retention_years or 0) + 1
        # Time passing, not a change behind the services' back: the registration and filing dates
        # move back together, nothing else.
        ago = timedelta(days=366 * back)
        Document.objects.filter(pk=document.pk).update(
            registered_at=document.registered_at - ago - timedelta(days=90), archived_at=document.archived_at - ago
        )
        document.refresh_from_db()
        return document

    return make


def pdf_text(content: bytes) -> str:
    """All pages' text with every run of whitespace (line breaks inside long Chinese text) removed."""
    return re.sub(r"\s+", "", "".join(pdf_pages(content)))


def pdf_pages(content: bytes) -> list[str]:
    """The extracted text of each page (text, not a picture of it: missing glyphs show here)."""
    reader = PdfReader(io.BytesIO(content))
    return [page.extract_text() or "" for page in reader.pages]


def pdf_reader(content: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(content))
