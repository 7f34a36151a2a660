"""A transfer with a hand-over (移交) in the browser, in Traditional Chinese: the administrator
transfers a handler who holds a 極機密 document to another unit, naming a successor on the person's
page; the successor finds the hand-over on their account page, signs for it, and then opens the
document, which the transferred handler no longer can."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from classification import Level
from registry.models import DocumentState

pytestmark = pytest.mark.browser

PASSWORD = "Test-Password-115"


@pytest.fixture
def people(administrator, handler, make_person, handling_unit, other_unit):
    from registry.roles import Role

    successor = make_person(Role.HANDLER, unit=handling_unit, username="successor", full_name="接交王")
    everyone = {"admin": administrator, "handler": handler, "successor": successor}
    for person in everyone.values():
        person.set_password(PASSWORD)
        person.save(update_fields=["password"])
    return everyone


def test_transfer_with_a_handover_then_the_successor_signs_for_it(people, walk, other_unit, new_page):
    document = walk(DocumentState.SIGNED, level=Level.SECRET, subject="極機密移交瀏覽器測試")

    admin = new_page("admin")
    admin.goto("/")
    admin.get_by_role("navigation").get_by_role("link", name="人員").click()
    admin.get_by_role("link", name=people["handler"].full_name).click()
    held = admin.locator("section", has=admin.get_by_role("heading", name="此人保管之物品"))
    expect(held).to_contain_text(document.number)
    expect(held).not_to_contain_text(document.subject)

    transfer = admin.get_by_role("form", name="調動單位")
    transfer.get_by_label(re.compile("^新單位")).select_option(label=other_unit.name)
    transfer.get_by_label(re.compile("^保管物品之接交人")).fill("successor")
    transfer.get_by_label(re.compile("^理由")).fill("調任政風室")
    transfer.get_by_role("button", name="調動").click()
    expect(admin.locator(".messages .message--success")).to_have_text(
        f"{people['handler'].full_name} 已調至{other_unit.name}。"
    )
    expect(admin.locator("section", has=admin.get_by_role("heading", name="此人保管之物品"))).to_contain_text("無保管物品。")

    successor = new_page("successor")
    successor.goto("/")
    successor.get_by_role("navigation").get_by_role("link", name="我的帳號").click()
    waiting = successor.locator("section", has=successor.get_by_role("heading", name="待我簽收的移交"))
    waiting.get_by_role("link", name=re.compile("^移交第")).click()
    expect(successor.locator("table")).to_contain_text(document.number)
    successor.get_by_role("button", name="簽收所列各項（接交簽收）").click()
    expect(successor.locator(".messages .message--success")).to_have_text(re.compile(r"^您已簽收移交第 \d+ 號。$"))

    successor.goto(f"/documents/{document.pk}/")
    expect(successor.locator("h1")).to_contain_text(document.number)
    expect(successor.locator("body")).to_contain_text("極機密移交瀏覽器測試")
    expect(successor.locator("body")).to_contain_text("接交人簽收")

    handler = new_page("handler")
    response = handler.goto(f"/documents/{document.pk}/")
    assert response.status == 404
