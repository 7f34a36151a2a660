"""Fixtures for the restricted-distribution tests (限制分發): an office, its people, and documents
walked through the services to 承辦中 (in handling), where distribution and copying happen.

Everything here is made through the services except units and people (plain rows the
administrator keeps). Groups are looked up by name and created when missing, because a
transactional test's flush empties the table migration 0003 filled.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from classification import Level
from registry.models import Document, Unit, User
from registry.roles import Role
from registry.services import documents as document_services
from tests.distribution.helpers import registration


@pytest.fixture
def office(db):
    """Three units: 秘書處 receives, 機要科 (below it) handles, 政風室 stands apart."""
    receiving = Unit.objects.create(code="D-SEC", name="秘書處")
    handling = Unit.objects.create(code="D-SEC-CONF", name="機要科", parent=receiving)
    elsewhere = Unit.objects.create(code="D-ETH", name="政風室")
    return {"receiving": receiving, "handling": handling, "elsewhere": elsewhere}


@pytest.fixture
def person(db):
    """``person(username, *roles, unit=..., clearance=5)``: a person with those roles."""

    def make(username: str, *roles: Role, unit: Unit, clearance: int | None = Level.TOP_SECRET) -> User:
        user = User.objects.create_user(
            username=username, password="correct-horse-battery-staple", full_name=username, unit=unit, clearance=clearance
        )
        for role in roles:
            group, _ = Group.objects.get_or_create(name=str(role))
            user.groups.add(group)
        user.__dict__.pop("role_names", None)
        return user

    return make


@pytest.fixture
def clerk(person, office):
    """收發人員 of the receiving unit, cleared to 絕對機密: registers, routes, dispatches."""
    return person("d_clerk", Role.CLERK, unit=office["receiving"])


@pytest.fixture
def supervisor(person, office):
    """單位主管 of the receiving unit (above the handling unit): opens and decides distribution."""
    return person("d_supervisor", Role.SUPERVISOR, unit=office["receiving"])


@pytest.fixture
def other_supervisor(person, office):
    """單位主管 of 政風室, a unit outside the document's tree: may not decide for it."""
    return person("d_other_supervisor", Role.SUPERVISOR, unit=office["elsewhere"])


@pytest.fixture
def handler(person, office):
    """密件承辦人 of the handling unit: the document is routed to them and they hold it."""
    return person("d_handler", Role.HANDLER, unit=office["handling"])


@pytest.fixture
def unaware_handler(person, office):
    """Another 密件承辦人 of the handling unit, with no need-to-know of the document."""
    return person("d_unaware_handler", Role.HANDLER, unit=office["handling"])


@pytest.fixture
def colleague_a(person, office):
    """A colleague in the handling unit, cleared to 極機密, with no role: a distribution recipient."""
    return person("d_colleague_a", unit=office["handling"], clearance=Level.SECRET)


@pytest.fixture
def colleague_b(person, office):
    """A second recipient, cleared to 極機密."""
    return person("d_colleague_b", unit=office["handling"], clearance=Level.SECRET)


@pytest.fixture
def low_cleared(person, office):
    """A colleague cleared only to 密: below a 機密 document."""
    return person("d_low_cleared", unit=office["handling"], clearance=Level.OFFICIAL_SECRET)


@pytest.fixture
def register(clerk):
    """``register(level=3, **fields)``: a document registered by the clerk (state 已登記)."""

    def make(level: int = Level.CONFIDENTIAL, **overrides) -> Document:
        return document_services.document_register(actor=clerk, **registration(level, **overrides))

    return make


@pytest.fixture
def in_handling(register, clerk, supervisor, handler, office):
    """``in_handling(level=3)``: register → open → route → sign for → begin handling, all by service.

    The handler ends up custodian with a 'signed' grant; the supervisor holds an 'opened' grant.
    """

    def make(level: int = Level.CONFIDENTIAL, **overrides) -> Document:
        document = register(level, **overrides)
        document = document_services.document_open(
            document=document, actor=supervisor, instruction="請機要科依限制分發辦理", handling_unit=office["handling"]
        )
        document = document_services.document_route(document=document, actor=clerk, handler=handler)
        document = document_services.document_sign_for(document=document, actor=handler)
        document = document_services.document_begin_handling(document=document, actor=handler)
        document.refresh_from_db()
        return document

    return make


@pytest.fixture
def document(in_handling):
    """A 機密 (level 3) document in handling, held by the handler."""
    return in_handling(Level.CONFIDENTIAL)
