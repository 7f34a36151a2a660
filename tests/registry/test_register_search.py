"""The register's search: a sender's 文號, an agency, a series, a custodian, dates, and the subject
only among the documents the searcher knows. A subject term never finds, counts or orders a document
the person does not know, for every role."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from registry import policies, selectors
from registry.models import Direction, Document, DocumentState

pytestmark = pytest.mark.django_db

TERM = "甲乙丙演習"


@pytest.fixture
def secret_subject(walk):
    """A 機密 document in handling whose subject holds TERM: the handler holds it, the supervisor
    who opened it knows it; the archive and the ethics office read its entry with the subject masked."""
    return walk(DocumentState.IN_HANDLING, subject=f"關於{TERM}之計畫", sender_ref="警署保字第1150012345號",
                sender="內政部警政署")


def found(person, **filters) -> list[int]:
    return [d.pk for d in selectors.register_page(person, size=100, **filters)]


@pytest.mark.parametrize("who", ["clerk", "supervisor", "handler", "second_handler", "archivist", "ethics_officer",
                                 "administrator", "outsider"])
def test_a_subject_term_finds_only_documents_the_person_knows(everyone, secret_subject, who):
    person = everyone[who]
    knows = policies.can_know(person, secret_subject)
    page = selectors.register_page(person, size=100, q=TERM)

    assert [d.pk for d in page] == ([secret_subject.pk] if knows else [])
    assert page.count == (1 if knows else 0)


@pytest.mark.parametrize("who", ["archivist", "ethics_officer"])
def test_the_term_does_not_find_the_entry_that_the_same_register_shows_masked(client, everyone, secret_subject, who):
    person = everyone[who]
    assert not policies.can_know(person, secret_subject)
    assert secret_subject.pk in found(person)

    client.force_login(person)
    html = client.get(reverse("registry:register"), {"q": TERM[:2]}).content.decode()

    assert secret_subject.number not in html
    assert "0 entries" in html or "共0筆" in html or "0筆" in html


def test_the_metadata_is_searched_for_everyone_whose_register_holds_the_entry(everyone, secret_subject):
    archivist = everyone["archivist"]
    assert found(archivist, q="1150012345") == [secret_subject.pk]
    assert found(archivist, sender_ref="保字第115") == [secret_subject.pk]
    assert found(archivist, agency="警政署") == [secret_subject.pk]
    assert found(archivist, q="警政署") == [secret_subject.pk]
    assert found(archivist, q=secret_subject.number) == [secret_subject.pk]
    assert found(archivist, agency="法務部") == []
    assert found(everyone["outsider"], q="1150012345") == []


def test_series_custodian_and_receipt_dates_filter(everyone, secret_subject, clerk):
    from tests.factories import register_document

    outgoing = register_document(clerk, direction=Direction.OUTGOING, subject="發文測試")
    archivist = everyone["archivist"]
    handler = everyone["handler"]

    assert found(archivist, direction=Direction.OUTGOING) == [outgoing.pk]
    assert secret_subject.pk in found(archivist, direction=Direction.INCOMING)
    assert found(archivist, custodian=handler.username) == [secret_subject.pk]
    day = secret_subject.received_on
    assert secret_subject.pk in found(archivist, received_from=day, received_to=day)
    assert found(archivist, received_to=day - timedelta(days=400)) == []


def test_the_page_keeps_the_search_in_its_address_and_pages_by_the_chosen_size(client, clerk):
    from tests.factories import register_document

    for n in range(3):
        register_document(clerk, subject=f"分頁查詢{n}", sender_ref=f"府授字第11500{n}號")
    client.force_login(clerk)

    response = client.get(reverse("registry:register"), {"q": "府授字", "size": "25"})
    page = response.context["page"]

    assert response.status_code == 200 and len(page) == 3
    assert set(Document.objects.filter(sender_ref__startswith="府授字").values_list("pk", flat=True)) == {
        d.pk for d in page
    }
    assert 'value="府授字"' in response.content.decode()


@pytest.mark.parametrize("bad", ["x" * 5000, "\x00", "%", "_", "' OR 1=1 --", "１１５收"])
def test_odd_search_text_never_fails(client, clerk, bad):
    client.force_login(clerk)
    response = client.get(reverse("registry:register"), {"q": bad, "sender_ref": bad, "agency": bad, "size": "7"})
    assert response.status_code in (200, 400)
