"""待辦: every to-do opens the document's page at the form that does it; a recipient sees the copy to
sign for and then the copies they hold; a borrower their loans; the archive the approved loans to
hand out; the menu counts the to-dos in one query however many there are."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from registry.models import DocumentState
from registry.selectors.dashboard import todo_counts
from registry.services import archive as archive_services
from registry.services import distribution as distribution_services

pytestmark = pytest.mark.django_db

DASHBOARD = "/"


def links(response) -> list[str]:
    return re.findall(r'href="([^"]+)"', response.content.decode())


def opens_at_its_form(client, href: str) -> None:
    """The link's page answers, and holds the element its #anchor names."""
    path, anchor = href.split("#", 1)
    page = client.get(path)
    assert page.status_code == 200, href
    assert f'id="{anchor}"' in page.content.decode(), href


@pytest.fixture
def copy_given(walk, handler, supervisor, second_handler):
    """A document in handling whose copy 1 went to the second handler, not yet signed for."""
    document = walk(DocumentState.IN_HANDLING, subject="分發副本測試")
    request = distribution_services.distribution_request(
        document=document, actor=handler, recipients=[second_handler], reason="會辦"
    )
    return distribution_services.distribution_decide(
        recipient=request.recipients.get(), actor=supervisor, approve=True, reason="同意"
    ).copy


def test_a_recipient_signs_for_the_copy_from_the_to_do_and_then_holds_it(client, copy_given, second_handler):
    client.force_login(second_handler)
    response = client.get(DASHBOARD)
    assert [c.pk for c in response.context["copies_to_sign"]] == [copy_given.pk]
    assert response.context["copies_held"] == []
    href = next(h for h in links(response) if h.endswith(f"#copy-sign-for-{copy_given.pk}"))
    opens_at_its_form(client, href)
    sign = reverse("registry:copy_sign_for", kwargs={"pk": copy_given.document_id, "item": copy_given.pk})
    assert f'action="{sign}"' in response.content.decode()

    assert client.post(sign, {"next": DASHBOARD}).status_code == 302
    response = client.get(DASHBOARD)
    assert response.context["copies_to_sign"] == []
    assert [c.pk for c in response.context["copies_held"]] == [copy_given.pk]
    body = response.content.decode()
    assert copy_given.document.number in body
    assert "您目前未保管任何文書" not in body


def test_a_copy_of_a_document_the_person_may_no_longer_know_is_not_listed(client, copy_given, second_handler, supervisor):
    from registry.models import NeedToKnowGrant
    from registry.services import distribution as services

    grant = NeedToKnowGrant.objects.get(user=second_handler, document=copy_given.document, ended_at__isnull=True)
    services.grant_revoke(grant=grant, actor=supervisor, reason="調離")
    client.force_login(second_handler)
    assert client.get(DASHBOARD).context["copies_to_sign"] == []


def test_a_borrower_sees_their_loans_and_the_archive_the_approved_ones_to_hand_out(
    client, walk, clerk, supervisor, archivist
):
    document = walk(DocumentState.ARCHIVED, subject="借調測試")
    loan = archive_services.loan_request(document=document, actor=clerk, reason="查考前案")
    client.force_login(clerk)
    assert [x.pk for x in client.get(DASHBOARD).context["my_loans"]] == [loan.pk]

    archive_services.loan_decide(
        loan=loan, actor=supervisor, approve=True, reason="同意", due_on=timezone.localdate() + timedelta(days=7)
    )
    client.force_login(archivist)
    response = client.get(DASHBOARD)
    assert [x.pk for x in response.context["loans_to_hand_out"]] == [loan.pk]
    href = next(h for h in links(response) if h.endswith(f"#loan-lend-{loan.pk}"))
    opens_at_its_form(client, href)
    assert todo_counts(archivist)["loans_to_hand_out"] == 1

    archive_services.loan_lend(loan=loan, actor=archivist)
    assert client.get(DASHBOARD).context["loans_to_hand_out"] == []
    client.force_login(clerk)
    assert [x.state for x in client.get(DASHBOARD).context["my_loans"]] == ["lent"]


def test_every_to_do_link_of_the_handling_path_opens_the_form(client, walk, supervisor, clerk, handler):
    registered = walk(DocumentState.REGISTERED, subject="待拆閱")
    opened = walk(DocumentState.OPENED, subject="待分文")
    routed = walk(DocumentState.ROUTED, subject="待簽收")
    for person, document, section, anchor in (
        (supervisor, registered, "to-open", "open"),
        (clerk, opened, "to-route", "route"),
        (handler, routed, "to-sign", "sign-for"),
    ):
        client.force_login(person)
        body = client.get(DASHBOARD).content.decode()
        todo = re.search(rf'<section class="panel" aria-labelledby="{section}">.*?</section>', body, re.S).group(0)
        hrefs = [h for h in re.findall(r'href="([^"]+)"', todo) if h.startswith(f"/documents/{document.pk}/")]
        assert hrefs and all(h.endswith(f"#{anchor}") for h in hrefs), (anchor, hrefs)
        opens_at_its_form(client, hrefs[0])


def test_the_menu_counts_the_to_dos_in_one_query_however_many(client, walk, supervisor):
    walk(DocumentState.REGISTERED, subject="一")
    assert todo_counts(supervisor)["to_open"] == 1
    supervisor = type(supervisor).objects.get(pk=supervisor.pk)  # no cached roles or scope
    with CaptureQueriesContext(connection) as few:
        todo_counts(supervisor)
    for n in range(3):
        walk(DocumentState.REGISTERED, subject=f"多{n}")
    supervisor = type(supervisor).objects.get(pk=supervisor.pk)
    with CaptureQueriesContext(connection) as many:
        counts = todo_counts(supervisor)
    assert counts["to_open"] == 4 and counts["total"] >= 4
    assert len(many) == len(few)
    assert sum("COUNT(*)" in q["sql"] for q in many.captured_queries) == 1

    client.force_login(supervisor)
    body = client.get(DASHBOARD).content.decode()
    assert re.search(r'<span class="badge">4<', body)
