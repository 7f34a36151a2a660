"""Every protected page refuses before its body runs: a person without need-to-know gets 404 (as
for a document that does not exist), the refusal is audited, and the document's subject never
reaches their browser — whatever their role, administrator included.

"The body was never reached" is proved by the body's own audit event (DOCUMENT_VIEW,
DOCUMENT_TRAIL_VIEW, AUDIT_SEARCH) being absent after a refusal.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from registry.models import (
    AuditAction,
    Document,
    DocumentState,
    DocumentUserObjectPermission,
)
from registry.models.documents import GrantBasis
from registry.services.grants import grant_create
from tests.support import events_since, head_seq

pytestmark = pytest.mark.django_db

SUBJECT = "潛艦國造採購案審查意見"

# In a document in handling, who knows it (opened / signed for) and who does not.
KNOWING = ["supervisor", "handler"]
NOT_KNOWING = ["clerk", "second_handler", "archivist", "ethics_officer", "administrator", "outsider"]


@pytest.fixture
def secret(walk):
    """A 機密 document in handling: the supervisor opened it, the handler signed for it."""
    return walk(DocumentState.IN_HANDLING, subject=SUBJECT)


def page_text(response) -> str:
    """The page without what differs on every request: the masked CSRF token and the page's own
    address (the language switcher returns to it)."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())
    return re.sub(r"/documents/[0-9]+/", "/documents/N/", html)


def as_(client, person):
    client.force_login(person)
    return client


def detail(document):
    return reverse("registry:document_detail", kwargs={"pk": document.pk})


# --- the document page --------------------------------------------------------------------------


@pytest.mark.parametrize("who", NOT_KNOWING)
def test_document_page_answers_404_to_every_role_without_need_to_know(client, everyone, secret, who):
    person = everyone[who]
    as_(client, person)
    seq = head_seq()

    response = client.get(detail(secret))

    assert response.status_code == 404
    assert SUBJECT not in response.content.decode()
    [denied] = events_since(seq, AuditAction.ACCESS_DENIED)
    assert (denied.actor_id, denied.document_id) == (person.pk, secret.pk)
    assert '"purpose":"view"' in denied.details
    assert events_since(seq, AuditAction.DOCUMENT_VIEW) == []  # the view's body never ran


@pytest.mark.parametrize("who", KNOWING)
def test_document_page_shows_the_document_to_those_who_know_it_and_audits_the_read(client, everyone, secret, who):
    person = everyone[who]
    as_(client, person)
    seq = head_seq()

    response = client.get(detail(secret))

    assert response.status_code == 200
    assert SUBJECT in response.content.decode()
    [viewed] = events_since(seq, AuditAction.DOCUMENT_VIEW)
    assert (viewed.actor_id, viewed.document_id) == (person.pk, secret.pk)
    assert events_since(seq, AuditAction.ACCESS_DENIED) == []


def test_an_unknown_document_answers_the_same_404_and_is_audited(client, outsider, secret):
    as_(client, outsider)
    seq = head_seq()

    missing = client.get(reverse("registry:document_detail", kwargs={"pk": secret.pk + 1000}))
    hidden = client.get(detail(secret))

    assert missing.status_code == hidden.status_code == 404
    # Nothing tells an existing document from a missing one (the CSRF token is masked anew each time).
    assert page_text(missing) == page_text(hidden)
    first, second = events_since(seq, AuditAction.ACCESS_DENIED)
    assert (first.document_id, second.document_id) == (None, secret.pk)


def test_anonymous_visitor_is_sent_to_log_in_and_reads_nothing(client, secret):
    seq = head_seq()

    response = client.get(detail(secret))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert events_since(seq, AuditAction.DOCUMENT_VIEW) == []


def test_an_expired_grant_closes_the_document_page_at_once(client, secret, supervisor, archivist):
    grant = grant_create(
        document=secret,
        user=archivist,
        basis=GrantBasis.LOAN,
        reason="借調",
        granted_by=supervisor,
        expires_at=timezone.now() + timedelta(hours=1),
    )
    as_(client, archivist)
    assert client.get(detail(secret)).status_code == 200
    past = timezone.now() - timedelta(minutes=1)
    type(grant).objects.filter(pk=grant.pk).update(expires_at=past)
    DocumentUserObjectPermission.objects.filter(user=archivist, content_object=secret).update(expires_at=past)
    seq = head_seq()

    response = client.get(detail(secret))

    assert response.status_code == 404
    assert events_since(seq, AuditAction.DOCUMENT_VIEW) == []
    assert len(events_since(seq, AuditAction.ACCESS_DENIED)) == 1


def test_clerk_loses_the_document_page_when_the_handler_signs_for_it(client, walk, clerk):
    registered = walk(DocumentState.REGISTERED, subject=SUBJECT)
    signed = walk(DocumentState.SIGNED, subject=SUBJECT)
    as_(client, clerk)

    assert client.get(detail(registered)).status_code == 200  # custody
    assert client.get(detail(signed)).status_code == 404


# --- the register and the other lists -----------------------------------------------------------


@pytest.mark.parametrize("who", NOT_KNOWING)
def test_the_subject_never_appears_in_the_register_for_those_without_need_to_know(client, everyone, secret, who):
    as_(client, everyone[who])

    response = client.get(reverse("registry:register"))

    assert response.status_code == 200
    assert SUBJECT not in response.content.decode()


@pytest.mark.parametrize("who", ["clerk", "archivist", "ethics_officer"])
def test_register_roles_see_the_entry_with_its_subject_withheld(client, everyone, secret, who):
    as_(client, everyone[who])

    response = client.get(reverse("registry:register"))

    html = response.content.decode()
    assert secret.number in html
    assert SUBJECT not in html


@pytest.mark.parametrize("who", KNOWING)
def test_the_register_shows_the_subject_to_those_who_know(client, everyone, secret, who):
    as_(client, everyone[who])

    response = client.get(reverse("registry:register"))

    assert SUBJECT in response.content.decode()


@pytest.mark.parametrize("who", ["administrator", "outsider", "second_handler"])
def test_people_outside_the_register_do_not_even_see_the_number(client, everyone, secret, who):
    as_(client, everyone[who])

    html = client.get(reverse("registry:register")).content.decode()

    assert secret.number not in html


def test_a_handler_sees_a_document_waiting_for_signature_without_its_subject(client, walk, handler):
    routed = walk(DocumentState.ROUTED, subject=SUBJECT)
    as_(client, handler)

    html = client.get(reverse("registry:dashboard")).content.decode()

    assert routed.number in html
    assert SUBJECT not in html


@pytest.mark.parametrize("who", NOT_KNOWING)
def test_the_dashboard_never_shows_the_subject_to_those_without_need_to_know(client, everyone, secret, who):
    as_(client, everyone[who])

    response = client.get(reverse("registry:dashboard"))

    assert response.status_code == 200
    assert SUBJECT not in response.content.decode()


# --- the handling trail -------------------------------------------------------------------------


def trail(document):
    return reverse("registry:document_trail", kwargs={"pk": document.pk})


def test_the_ethics_officer_reads_the_trail_but_not_the_subject(client, ethics_officer, secret):
    as_(client, ethics_officer)
    seq = head_seq()

    response = client.get(trail(secret))

    assert response.status_code == 200
    html = response.content.decode()
    assert secret.number in html
    assert SUBJECT not in html
    assert "請機要科辦理" not in html  # the supervisor's instruction is content, too
    [viewed] = events_since(seq, AuditAction.DOCUMENT_TRAIL_VIEW)
    assert viewed.actor_id == ethics_officer.pk


@pytest.mark.parametrize("who", ["administrator", "outsider", "second_handler"])
def test_the_trail_answers_404_to_people_outside_it(client, everyone, secret, who):
    as_(client, everyone[who])
    seq = head_seq()

    response = client.get(trail(secret))

    assert response.status_code == 404
    assert SUBJECT not in response.content.decode()
    assert len(events_since(seq, AuditAction.ACCESS_DENIED)) == 1
    assert events_since(seq, AuditAction.DOCUMENT_TRAIL_VIEW) == []


# --- actions by strangers -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "action, data",
    [
        ("document_open", {"instruction": "擅自批示"}),
        ("document_route", {}),
        ("document_sign_for", {}),
        ("document_begin_handling", {}),
        ("document_cancel", {"reason": "擅自註銷", "confirm": "on"}),
    ],
)
def test_an_outsiders_action_on_a_document_answers_404_and_changes_nothing(client, outsider, secret, action, data):
    as_(client, outsider)
    seq = head_seq()
    before = Document.objects.filter(pk=secret.pk).values().get()

    response = client.post(reverse(f"registry:{action}", kwargs={"pk": secret.pk}), data)

    assert response.status_code == 404
    assert SUBJECT not in response.content.decode()
    assert Document.objects.filter(pk=secret.pk).values().get() == before
    refusals = events_since(seq, AuditAction.ACCESS_DENIED) + events_since(seq, AuditAction.ACTION_REFUSED)
    assert len(refusals) == 1
    assert (refusals[0].actor_id, refusals[0].document_id) == (outsider.pk, secret.pk)


# --- pages for one role -------------------------------------------------------------------------


# Supervisors search the trail of their own units (tests/review).
@pytest.mark.parametrize("who", ["clerk", "handler", "archivist", "administrator", "outsider"])
def test_the_audit_search_is_for_the_ethics_office_and_supervisors_only(client, everyone, secret, who):
    as_(client, everyone[who])
    seq = head_seq()

    response = client.get(reverse("registry:audit_search"), {"action": AuditAction.DOCUMENT_REGISTER.value})

    assert response.status_code == 404
    assert len(events_since(seq, AuditAction.ACCESS_DENIED)) == 1
    assert events_since(seq, AuditAction.AUDIT_SEARCH) == []  # the search never ran


def test_the_ethics_officers_audit_search_is_itself_audited_and_shows_no_subject(client, ethics_officer, secret):
    as_(client, ethics_officer)
    seq = head_seq()

    response = client.get(reverse("registry:audit_search"), {"number": secret.number})

    assert response.status_code == 200
    html = response.content.decode()
    assert secret.number in html
    assert SUBJECT not in html
    [searched] = events_since(seq, AuditAction.AUDIT_SEARCH)
    assert searched.actor_id == ethics_officer.pk


@pytest.mark.parametrize("who", ["supervisor", "handler", "archivist", "ethics_officer", "administrator", "outsider"])
def test_only_clerks_reach_the_registration_form(client, everyone, who):
    as_(client, everyone[who])
    seq = head_seq()
    documents = Document.objects.count()

    get = client.get(reverse("registry:document_register"))
    post = client.post(reverse("registry:document_register"), {"subject": SUBJECT})

    assert get.status_code == post.status_code == 404
    assert Document.objects.count() == documents
    assert len(events_since(seq, AuditAction.ACCESS_DENIED)) == 2


def test_the_administrator_cannot_reach_documents_through_the_admin_site(client, administrator, secret):
    as_(client, administrator)

    assert client.get("/admin/").status_code == 200
    assert client.get(f"/admin/registry/document/{secret.pk}/change/").status_code == 404
    assert SUBJECT not in client.get("/admin/").content.decode()
