"""Every main page has unique element ids, and every field a person fills in has a label.

A duplicated id makes ``<label for=…>`` point at the first element with it, so the second field
loses its label (a screen reader reads it unnamed, a click on the label focuses the wrong field).
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from registry.models import DocumentState

pytestmark = pytest.mark.django_db

UNLABELLED_TYPES = {"hidden", "submit", "button", "reset", "image"}


class FormControls(HTMLParser):
    """The ids, the labels' targets, and the fields of a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.label_targets: set[str] = set()
        self.fields: list[dict] = []
        self._open_labels = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "label":
            self._open_labels += 1
            if attrs.get("for"):
                self.label_targets.add(attrs["for"])
        if tag in ("input", "select", "textarea") and attrs.get("type", "text") not in UNLABELLED_TYPES:
            self.fields.append({**attrs, "_tag": tag, "_in_label": self._open_labels > 0})

    def handle_endtag(self, tag):
        if tag == "label" and self._open_labels:
            self._open_labels -= 1


def problems(html: str) -> list[str]:
    parser = FormControls()
    parser.feed(html)
    found = []
    seen = set()
    for element_id in parser.ids:
        if element_id in seen:
            found.append(f"duplicated id {element_id!r}")
        seen.add(element_id)
    for field in parser.fields:
        named = (
            field["_in_label"]
            or field.get("id") in parser.label_targets
            or field.get("aria-label")
            or field.get("aria-labelledby")
            or field.get("title")
        )
        if not named:
            found.append(f"unlabelled <{field['_tag']} name={field.get('name')!r} id={field.get('id')!r}>")
    return found


@pytest.fixture
def pages(walk, clerk, supervisor, handler, archivist, ethics_officer):
    """(person, url) of the main pages, with documents in the states where most forms are offered."""
    registered = walk(DocumentState.REGISTERED)
    in_handling = walk(DocumentState.IN_HANDLING)
    walk(DocumentState.ARCHIVED)
    detail = lambda document: reverse("registry:document_detail", args=[document.pk])  # noqa: E731
    return [
        (clerk, reverse("registry:dashboard")),
        (clerk, reverse("registry:register")),
        (clerk, reverse("registry:document_register")),
        (clerk, reverse("registry:dispatch_list")),
        (clerk, detail(registered)),
        (supervisor, reverse("registry:dashboard")),
        (supervisor, detail(in_handling)),
        (supervisor, reverse("registry:meeting_register")),
        (handler, reverse("registry:dashboard")),
        (handler, detail(in_handling)),
        (archivist, reverse("registry:archive")),
        (supervisor, reverse("registry:declassification")),
        (archivist, reverse("registry:destruction_list")),
        (ethics_officer, reverse("registry:review_home")),
        (ethics_officer, reverse("registry:audit_search")),
    ]


def test_main_pages_have_unique_ids_and_labelled_fields(client, pages):
    found = {}
    for person, url in pages:
        client.force_login(person)
        response = client.get(url)
        assert response.status_code == 200, f"{person.username} {url}"
        page_problems = problems(response.content.decode())
        if page_problems:
            found[f"{person.username} {url}"] = page_problems
    assert found == {}


def test_the_check_finds_a_duplicated_id_and_an_unlabelled_field():
    html = '<label for="a">A</label><input id="a" name="x"><input id="a" name="y"><select name="z"></select>'
    assert problems(html) == ["duplicated id 'a'", "unlabelled <select name='z' id=None>"]
