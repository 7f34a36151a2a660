"""People who change: a handler who holds a signed-for document, and the people around them."""

from __future__ import annotations

import pytest

from classification import Level
from registry.models import DocumentState


@pytest.fixture
def held(walk):
    """A 極機密 document the handler has signed for (the supervisor holds an opened-grant)."""
    return walk(DocumentState.SIGNED, level=Level.SECRET, subject="極機密移交測試")


@pytest.fixture
def successor(make_person, handling_unit):
    """A handler of the same unit, cleared to 絕對機密, who takes over."""
    from registry.roles import Role

    return make_person(Role.HANDLER, unit=handling_unit, username="successor", full_name="接交王")
