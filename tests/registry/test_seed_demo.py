"""The demo data that `make run` loads: every level in every state (the later life included), loaded once."""

import pytest
from django.core.management import call_command

from classification import Level
from registry.audit import verify_chain
from registry.models import Document, DocumentCopy, DocumentState, User

pytestmark = pytest.mark.django_db


def test_seed_demo_covers_every_level_and_state_and_runs_twice_without_adding():
    call_command("seed_demo")
    first = Document.objects.count()
    call_command("seed_demo")

    assert Document.objects.count() == first == 50  # 5 levels x 10 states
    pairs = set(Document.objects.values_list("level", "state"))
    assert pairs == {(int(level), state) for level in Level for state in DocumentState.values}
    assert DocumentCopy.objects.filter(holder__username="lawhandler").count() == 2
    assert User.objects.filter(username__in=["clerk", "supervisor", "handler", "archivist", "ethics", "admin"]).count() == 6
    assert verify_chain().whole
