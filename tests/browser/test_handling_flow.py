"""The handling of one incoming document in the browser, in Traditional Chinese:
登記 (the clerk) → 拆閱批示 (the supervisor) → 分文 (the clerk) → 簽收 (the handler).

Every step is taken through the pages, by the labels and buttons a person sees; the test reads
the database only to set the people up. At the end the document page shows the four steps in
order with the level marking at its top left, and a person with no need-to-know gets the
not-found page for the same address.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PASSWORD = "Test-Password-115"


@pytest.fixture
def people(clerk, supervisor, handler, outsider, make_person, other_unit):
    """The office's clerk, supervisor and handler; a handler of another unit (政風室) and a person
    of the handling unit with no role, who have no part in the document. All get the password
    the browser logs in with (the factories set another)."""
    from registry.roles import Role

    stranger = make_person(Role.HANDLER, unit=other_unit, username="stranger", full_name="承辦吳")
    everyone = {
        "clerk": clerk,
        "supervisor": supervisor,
        "handler": handler,
        "stranger": stranger,
        "outsider": outsider,
    }
    for person in everyone.values():
        person.set_password(PASSWORD)
        person.save(update_fields=["password"])
    return everyone


def test_register_open_route_sign_for(people, new_page):
    # 登記: the clerk fills in the register form by its labels.
    clerk = new_page("clerk")
    clerk.goto("/")
    clerk.get_by_role("navigation").get_by_role("link", name="收發文登記").click()
    clerk.get_by_role("link", name="收文", exact=True).click()  # the tab of documents received
    field(clerk, "主旨").fill("國防部函送年度演習計畫")
    field(clerk, "來文機關").fill("國防部")
    field(clerk, "來文文號").fill("國密字第1150000123號")
    field(clerk, "密等").select_option(label="機密")
    field(clerk, "原核定機關").fill("國防部")
    field(clerk, "核定人").fill("王部長")
    field(clerk, "原核定日期").fill("115/01/15")
    field(clerk, "保密期限（年）").fill("10")
    field(clerk, "書面授權文號").fill("國密授字第1150000123號")
    field(clerk, "授權機關").fill("國防部")
    clerk.get_by_role("button", name="登記", exact=True).click()

    clerk.wait_for_url(re.compile(r"/documents/\d+/$"))
    document_path = re.search(r"/documents/\d+/$", clerk.url).group(0)
    number = clerk.locator("h1 .number").inner_text().strip()
    assert re.fullmatch(r"\d+收\d+", number), number
    expect_message(clerk, f"已完成登記，登記號為{number}。")
    # The ROC date typed in is stored as that day and shown the ROC way.
    approval = clerk.locator("dl.fields dt", has_text="原核定日期").locator("xpath=following-sibling::dd[1]")
    assert approval.inner_text().strip() == "115年1月15日"

    # 拆閱批示: the supervisor finds it waiting, opens it and names the handling unit.
    supervisor = new_page("supervisor")
    supervisor.goto("/")
    waiting = supervisor.locator("section", has=supervisor.get_by_role("heading", name="待拆閱批示"))
    waiting.get_by_role("link", name=number).click()
    field(supervisor, "批示").fill("請機要科依計畫辦理")
    field(supervisor, "承辦單位").select_option(label="機要科")
    supervisor.get_by_role("button", name="拆閱批示").click()
    expect_message(supervisor, f"{number}已拆閱批示。")

    # 分文: the clerk routes it to the handler of the instructed unit.
    clerk.goto("/")
    to_route = clerk.locator("section", has=clerk.get_by_role("heading", name="已拆閱待分文"))
    to_route.get_by_role("link", name=number).click()
    handler_choice = field(clerk, "密件承辦人")
    handler_choice.select_option(label="承辦張（機要科，絕對機密）")
    clerk.get_by_role("button", name="分文", exact=True).click()
    expect_message(clerk, f"{number}已分文。")

    # 簽收: the handler sees it routed to them and signs for it from the to-do list.
    handler = new_page("handler")
    handler.goto("/")
    to_sign = handler.locator("section", has=handler.get_by_role("heading", name="分文給您、待簽收"))
    to_sign.get_by_role("row").filter(has_text=number).get_by_role("button", name="簽收").click()
    expect_message(handler, f"{number}已簽收，現由您保管。")

    # The document page: the four steps in order, the marking at the top left.
    assert handler.url.endswith(document_path)
    handler.locator("#timeline summary").click()  # the history is folded on the document page
    kinds = handler.locator("ol.timeline .timeline__kind").all_inner_texts()
    assert [kind.strip() for kind in kinds] == ["登記", "拆閱批示", "分文", "簽收"]
    marking = handler.locator(".marking.level-3")
    assert marking.locator(".marking__level").inner_text().strip() == "機密"
    box = marking.bounding_box()
    viewport = handler.viewport_size
    assert box is not None
    assert box["x"] < viewport["width"] * 0.1, box
    assert box["y"] < viewport["height"] * 0.35, box
    assert handler.locator("main .marking").evaluate(
        "m => m === m.closest('main').querySelector('h1, .marking')"
    ), "the marking comes before the document's heading"
    handler.screenshot(path=str(Path(tempfile.gettempdir()) / "doc.png"), full_page=True)

    # A handler of another unit and a person of the handling unit with no role, neither with
    # need-to-know, get the not-found page for the document's address and learn nothing of it.
    for username in ("stranger", "outsider"):
        page = new_page(username)
        response = page.goto(document_path)
        assert response is not None and response.status == 404, username
        expect(page.get_by_role("heading", name="查無資料")).to_be_visible()
        assert "查無此頁面或文書，或您無知悉必要。" in page.locator("main").inner_text()
        html = page.content()
        assert number not in html and "國防部函送年度演習計畫" not in html


def field(page, label: str):
    """The form field labelled ``label``; Django writes the label with a full-width colon (「主旨：」)."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}：?$"))


def expect_message(page, text: str) -> None:
    """The success message of the last action is shown."""
    expect(page.locator(".messages .message--success")).to_have_text(text)
