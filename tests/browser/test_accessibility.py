"""The main pages checked by axe-core (Deque's accessibility engine, from the npm registry, kept
under tests/browser/vendor/ so the check runs on a closed network): no serious or critical violation
on the dashboard, the register, the registration form, a document's page, the archive and the
ethics office's review, each as the person who works there.

With REGISTRY_SCREENSHOTS=1 the test also saves the dashboard, the document page and the register
as PNG files under docs/screenshots/ (the README shows them)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

PASSWORD = "Test-Password-115"
AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SERIOUS = ("serious", "critical")


@pytest.fixture
def people(clerk, supervisor, handler, archivist, ethics_officer):
    everyone = {
        "clerk": clerk,
        "supervisor": supervisor,
        "handler": handler,
        "archivist": archivist,
        "ethics": ethics_officer,
    }
    for person in everyone.values():
        person.set_password(PASSWORD)
        person.save(update_fields=["password"])
    return everyone


def violations(page) -> list[str]:
    """axe-core's serious and critical findings on the page as it stands, one line each."""
    page.evaluate(AXE)
    found = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map(n => n.target.join(' ')).slice(0, 3)}))"
    )
    return [f"{v['impact']} {v['id']}: {v['help']} at {v['targets']}" for v in found if v["impact"] in SERIOUS]


def test_the_main_pages_have_no_serious_accessibility_violation(people, walk, new_page):
    from registry.models import DocumentState

    document = walk(DocumentState.IN_HANDLING, subject="國防部函送年度演習計畫")
    walk(DocumentState.ARCHIVED, subject="歸檔之舊案")
    pages = [
        ("clerk", "/", "dashboard"),
        ("clerk", "/register/", "register"),
        ("clerk", "/documents/new/", None),
        ("handler", f"/documents/{document.pk}/", "document"),
        ("archivist", "/archive/", None),
        ("ethics", "/review/", None),
    ]
    problems = []
    for who, path, shot in pages:
        page = new_page(people[who].username)
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(path)
        page.wait_for_load_state("domcontentloaded")
        problems += [f"{who} {path}: {line}" for line in violations(page)]
        if shot and os.environ.get("REGISTRY_SCREENSHOTS") == "1":
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"{shot}.png"), full_page=False)

    assert problems == [], "\n".join(problems)
