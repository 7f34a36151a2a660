"""At a phone's width (375 px) no page scrolls sideways, and a table turns into stacked rows,
each cell under its column's name."""

from __future__ import annotations

import pytest

from registry.models import DocumentState

pytestmark = pytest.mark.browser

PASSWORD = "Test-Password-115"
PHONE = {"width": 375, "height": 740}
SUBJECT = "手機寬度測試公文：一個相當長的主旨，用以確認窄螢幕上每一欄都能完整換行而不被截斷"


@pytest.fixture
def world(walk, clerk, handler, ethics_officer):
    for person in (clerk, handler, ethics_officer):
        person.set_password(PASSWORD)
        person.save(update_fields=["password"])
    return walk(DocumentState.IN_HANDLING, subject=SUBJECT)


def sideways(page) -> int:
    """How many pixels the page is wider than the screen."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_main_pages_fit_a_phone_and_tables_stack(world, new_page):
    pages = {
        "clerk": ["/", "/register/", "/documents/new/", "/dispatches/", "/help/", "/help/glossary/", "/help/clerk/"],
        "handler": ["/", f"/documents/{world.pk}/"],
        "ethics": ["/review/", "/audit/?action=document_register"],
    }
    wide = {}
    for username, paths in pages.items():
        page = new_page(username)
        page.set_viewport_size(PHONE)
        for path in paths:
            page.goto(path)
            page.wait_for_load_state("load")
            if sideways(page) > 0:
                wide[f"{username} {path}"] = sideways(page)
    assert wide == {}

    page = new_page("clerk")
    page.set_viewport_size(PHONE)
    page.goto("/register/")
    page.wait_for_load_state("load")
    cell = page.locator("main table tbody tr td").first
    assert cell.evaluate("td => getComputedStyle(td).display") == "block"
    assert cell.get_attribute("data-label")  # the column's name, shown above the value
    assert page.locator("main table thead").first.evaluate("h => h.getBoundingClientRect().height") <= 1
