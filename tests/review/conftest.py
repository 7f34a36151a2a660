"""Fixtures of the review tests: the shared office (tests/conftest.py) plus a unit outside the
supervisor's tree with its own people and document, and helpers that plant audit events.

Audit events are planted the only way the registry allows, ``registry.audit.record``: the table
refuses UPDATE, so an event's time is always "now". The reports therefore take their thresholds as
arguments (office hours, days, burst size), and the tests choose them around the present moment.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from classification import Level
from registry import audit
from registry.models import AuditAction, DocumentState
from registry.review.scope import ReviewScope, review_scope
from registry.roles import Role
from tests.factories import UnitFactory, register_document

SUBJECT = "國軍潛艦案審查意見"
FOREIGN_SUBJECT = "地政局土地徵收密件"


@pytest.fixture
def foreign_unit(db):
    """地政局: outside the receiving unit's tree (the supervisor's scope)."""
    return UnitFactory(code="LAND", name="地政局")


@pytest.fixture
def stranger(make_person, foreign_unit):
    """A handler of the foreign unit."""
    return make_person(Role.HANDLER, unit=foreign_unit, username="stranger", full_name="外局何")


@pytest.fixture
def foreign_clerk(make_person, foreign_unit):
    return make_person(Role.CLERK, unit=foreign_unit, username="foreign_clerk", full_name="外局收發")


@pytest.fixture
def foreign_document(foreign_clerk):
    """A document registered by (and belonging to) the foreign unit."""
    return register_document(foreign_clerk, subject=FOREIGN_SUBJECT)


@pytest.fixture
def secret(walk):
    """A 機密 document of the receiving unit in handling: the supervisor opened it, the handler signed."""
    return walk(DocumentState.IN_HANDLING, subject=SUBJECT)


@pytest.fixture
def office_scope(db) -> ReviewScope:
    return ReviewScope(units=None)


@pytest.fixture
def unit_scope(supervisor) -> ReviewScope:
    scope = review_scope(supervisor)
    assert scope is not None and not scope.whole_office
    return scope


@pytest.fixture
def documents(clerk):
    """``documents(n, level=...)``: n documents registered by the clerk of the receiving unit."""

    def make(n: int, level=Level.CONFIDENTIAL):
        return [register_document(clerk, subject=f"{SUBJECT}{i}", level=level) for i in range(n)]

    return make


def view(person, document):
    """Plant a DOCUMENT_VIEW of ``document`` by ``person`` (now)."""
    return audit.record(action=AuditAction.DOCUMENT_VIEW, actor=person, document=document, details={})


def refuse(person, document=None, *, action=AuditAction.ACCESS_DENIED):
    return audit.record(action=action, actor=person, document=document, details={"purpose": "view"})


helpers = SimpleNamespace(view=view, refuse=refuse)
