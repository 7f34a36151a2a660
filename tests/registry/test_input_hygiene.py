"""A NUL character in any field or query parameter is refused with a clear 400, never a 500."""

import pytest
from django.urls import reverse

from registry.models import AuditEvent, Document
from tests.support import Snapshot

pytestmark = pytest.mark.django_db


def test_a_nul_in_a_posted_field_is_refused_and_nothing_is_written(client, clerk):
    client.force_login(clerk)
    before = Snapshot.take(Document, AuditEvent)

    response = client.post(reverse("registry:document_register"), {"subject": "主旨\x00", "direction": "in"})

    assert response.status_code == 400
    assert "NUL" in response.content.decode()
    assert Snapshot.take(Document, AuditEvent) == before


def test_a_nul_in_a_search_parameter_is_refused(client, clerk):
    client.force_login(clerk)

    response = client.get(reverse("registry:register"), {"number": "115\x00"})

    assert response.status_code == 400


def test_ordinary_input_passes(client, clerk):
    client.force_login(clerk)

    assert client.get(reverse("registry:register"), {"number": "115收"}).status_code == 200
