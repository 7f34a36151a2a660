"""The document page and the to-do list in the browser, in Traditional Chinese.

A refused action keeps what was typed: the clerk's dispatch without its registered-mail number comes
back at the dispatch form with the recipient and the address still there, the error beside the
field, and a summary that has the focus and leads to the field. A recipient finds the copy given to
them on the to-do list (the menu counts it), signs for it there, and then sees it among the copies
they hold.

The documents are taken to their state through the services in the test body; every step under
test is taken through the pages.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PASSWORD = "Test-Password-115"
SUBJECT = "國防部函送年度演習計畫"


@pytest.fixture
def people(clerk, supervisor, handler, second_handler):
    everyone = {"clerk": clerk, "supervisor": supervisor, "handler": handler, "recipient": second_handler}
    for person in everyone.values():
        person.set_password(PASSWORD)
        person.save(update_fields=["password"])
    return everyone


@pytest.fixture
def in_handling(people, walk):
    from registry.models import DocumentState

    return walk(DocumentState.IN_HANDLING, subject=SUBJECT)


def test_a_refused_dispatch_keeps_what_was_typed_and_shows_the_error_at_the_field(people, in_handling, new_page):
    from registry.models import Dispatch

    clerk = new_page("clerk")
    clerk.goto(f"/documents/{in_handling.pk}/trail/")
    form = clerk.locator("form#dispatch-record")
    form.get_by_label("受文者").fill("國防部政務辦公室")
    form.get_by_label("地址").fill("臺北市中山區北安路409號")
    form.get_by_label("傳遞方式").select_option(label="雙掛號")
    form.get_by_role("button", name="登錄封發").click()

    # The page comes back at the dispatch form, with what was typed and the error at its field.
    clerk.wait_for_load_state("domcontentloaded")
    assert clerk.url.endswith("#dispatch-record"), clerk.url
    form = clerk.locator("form#dispatch-record")
    expect(form.get_by_label("受文者")).to_have_value("國防部政務辦公室")
    expect(form.get_by_label("地址")).to_have_value("臺北市中山區北安路409號")
    expect(form.get_by_label("傳遞方式")).to_have_value("double_registered")
    number_field = form.get_by_label("掛號號碼")
    expect(number_field).to_have_attribute("aria-invalid", "true")
    expect(form.locator(".field--registered_no .errorlist")).to_be_visible()

    # The summary on top of the form has the focus, names the field, and its link leads there.
    summary = form.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    link = summary.get_by_role("link", name=re.compile("^掛號號碼"))
    link.click()
    expect(number_field).to_be_focused()

    # Corrected and declared sealed, it goes through.
    number_field.fill("A123456")
    form.get_by_label("內封已加蓋密封章").check()
    form.get_by_role("button", name="登錄封發").click()
    expect(clerk.locator(".messages .message--success")).to_be_visible()
    assert Dispatch.objects.filter(document=in_handling, registered_no="A123456").count() == 1


def test_a_recipient_signs_for_their_copy_from_the_to_do_list(people, in_handling, new_page):
    from registry.services import distribution as services

    request = services.distribution_request(
        document=in_handling, actor=people["handler"], recipients=[people["recipient"]], reason="會辦"
    )
    copy = services.distribution_decide(
        recipient=request.recipients.get(), actor=people["supervisor"], approve=True, reason="同意"
    ).copy

    page = new_page(people["recipient"].username)
    page.goto("/")
    # The menu counts the to-do, and the list shows the copy to sign for.
    expect(page.locator(".site-nav .badge")).to_contain_text("1")
    waiting = page.locator("section", has=page.get_by_role("heading", name="分發給您、待簽收之副本"))
    expect(waiting).to_contain_text(in_handling.number)
    expect(waiting).to_contain_text("第 1 份")
    waiting.get_by_role("button", name=f"簽收{in_handling.number}第 1 份").click()
    expect(page.locator(".messages .message--success")).to_have_text("您已簽收第 1 份。")
    copy.refresh_from_db()
    assert copy.signed_at is not None

    # Back on the to-do list: nothing to sign, the copy among those held, no badge.
    page.goto("/")
    expect(page.get_by_role("heading", name="分發給您、待簽收之副本")).to_have_count(0)
    held = page.locator("section", has=page.get_by_role("heading", name="您持有之副本"))
    expect(held).to_contain_text(in_handling.number)
    expect(page.locator(".site-nav .badge")).to_have_count(0)
    assert "您目前未保管任何文書" not in page.content()
