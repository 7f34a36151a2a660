"""A read of a document is recorded once per page the person asked for: the page an action's form
redirects back to (POST-redirect-GET) is the action's answer, already in the trail as the action,
and adds no read."""

from __future__ import annotations

import pytest
from django.urls import reverse

from registry.models import AuditAction, DocumentState
from tests.support import events_since, head_seq

pytestmark = pytest.mark.django_db


def reads(seq):
    return len(events_since(seq, AuditAction.DOCUMENT_VIEW))


def test_each_page_view_is_one_read_but_an_actions_redirect_is_none(client, walk, handler):
    document = walk(DocumentState.SIGNED)
    page = reverse("registry:document_detail", kwargs={"pk": document.pk})
    client.force_login(handler)
    seq = head_seq()

    assert client.get(page).status_code == 200
    assert reads(seq) == 1

    response = client.post(reverse("registry:document_begin_handling", kwargs={"pk": document.pk}), follow=True)

    assert response.redirect_chain and response.redirect_chain[-1][0] == page
    assert response.status_code == 200
    assert len(events_since(seq, AuditAction.DOCUMENT_BEGIN_HANDLING)) == 1
    assert reads(seq) == 1  # the redirect after the action added none

    client.get(page)  # asked for again: a read
    assert reads(seq) == 2


def test_a_refused_actions_redirect_adds_no_read_either(client, walk, handler):
    document = walk(DocumentState.IN_HANDLING)
    client.force_login(handler)
    seq = head_seq()

    response = client.post(reverse("registry:document_begin_handling", kwargs={"pk": document.pk}), follow=True)

    assert response.status_code == 200
    assert len(events_since(seq, AuditAction.ACTION_REFUSED)) == 1
    assert reads(seq) == 0


def test_the_redirect_counts_once_only_for_the_very_next_page(client, walk, handler):
    """A person who goes elsewhere after the action and then opens the document has asked for it."""
    document = walk(DocumentState.SIGNED)
    page = reverse("registry:document_detail", kwargs={"pk": document.pk})
    client.force_login(handler)
    seq = head_seq()

    client.post(reverse("registry:document_begin_handling", kwargs={"pk": document.pk}))
    client.get(reverse("registry:dashboard"))
    client.get(page)

    assert reads(seq) == 1


def test_a_get_of_the_page_is_always_read_even_if_a_post_elsewhere_came_first(client, walk, handler):
    first = walk(DocumentState.SIGNED)
    second = walk(DocumentState.IN_HANDLING)
    client.force_login(handler)
    seq = head_seq()

    client.post(reverse("registry:document_begin_handling", kwargs={"pk": first.pk}))
    client.get(reverse("registry:document_detail", kwargs={"pk": second.pk}))

    assert [e.document_id for e in events_since(seq, AuditAction.DOCUMENT_VIEW)] == [second.pk]
