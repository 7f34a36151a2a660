"""The register's pages are found by key: every row once, in order, forward and back; the count is
exact up to a limit and then says "more than"; a bad key shows the first page; and the rows a person
may not know keep their subject masked on every page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from registry import selectors
from registry.models import Document, DocumentState
from registry.selectors import pages

pytestmark = pytest.mark.django_db

SIZE = 4


@pytest.fixture
def registered(clerk, settings):
    from tests.factories import register_document

    return [register_document(clerk, subject=f"登記簿分頁測試{n:02d}") for n in range(11)]


def _walk(user, *, size=SIZE):
    forward, page = [], selectors.register_page(user, size=size)
    keys = []
    while True:
        forward.extend(d.pk for d in page)
        keys.append(page)
        if not page.has_next:
            break
        page = selectors.register_page(user, after=page.next_key, size=size)
    return forward, keys


def test_forward_pages_show_every_row_once_newest_first(clerk, registered):
    forward, _pages = _walk(clerk)
    newest_first = list(Document.objects.order_by("-registered_at", "-pk").values_list("pk", flat=True))
    assert forward == newest_first and len(forward) == 11


def test_back_from_the_last_page_retraces_the_same_pages(clerk, registered):
    _forward, walked = _walk(clerk)
    page = walked[-1]
    back = [[d.pk for d in page]]
    while page.has_previous:
        page = selectors.register_page(clerk, before=page.previous_key, size=SIZE)
        back.append([d.pk for d in page])
    assert back[::-1] == [[d.pk for d in p] for p in walked]
    assert not page.has_previous and page.first


def test_the_count_is_exact_up_to_the_limit_then_says_more(client, clerk, registered, monkeypatch):
    assert selectors.register_page(clerk, size=SIZE).count == 11
    monkeypatch.setattr(pages, "COUNT_LIMIT", 5)
    page = selectors.register_page(clerk, size=SIZE)
    assert (page.count, page.capped) == (5, True)
    client.force_login(clerk)
    assert "5筆以上" in client.get(reverse("registry:register")).content.decode()


@pytest.mark.parametrize("key", ["nonsense", "x" * 500, "MjAyNi0wMS0wMXwtMQ", ""])
def test_a_bad_key_shows_the_first_page(clerk, registered, key):
    first = [d.pk for d in selectors.register_page(clerk, size=SIZE)]
    assert [d.pk for d in selectors.register_page(clerk, after=key, size=SIZE)] == first
    assert [d.pk for d in selectors.register_page(clerk, before=key, size=SIZE)] == first


def test_the_page_masks_what_the_reader_does_not_know_on_every_page(client, walk, archivist, settings):
    settings.REGISTRY_PAGE_SIZE = 2
    documents = [walk(DocumentState.REGISTERED, subject=f"密件主旨{n}") for n in range(5)]
    client.force_login(archivist)  # reads the whole register, knows none of it
    url = reverse("registry:register")
    seen, response = [], client.get(url)
    while True:
        text = response.content.decode()
        assert not any(d.subject in text for d in documents)
        page = response.context["page"]
        seen += [d.pk for d in page]
        assert all(not d.known for d in page)
        if not page.has_next:
            break
        response = client.get(url, {"after": page.next_key})
    assert sorted(seen) == sorted(d.pk for d in documents)


def test_a_page_is_a_fixed_number_of_queries_however_many_rows(client, clerk, django_assert_max_num_queries):
    from tests.factories import register_document

    for n in range(30):
        register_document(clerk, subject=f"查詢數測試{n}")
    client.force_login(clerk)
    url = reverse("registry:register")
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    for n in range(30):
        register_document(clerk, subject=f"查詢數測試第二批{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)
