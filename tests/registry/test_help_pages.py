"""操作說明 per role and 名詞解釋: zh-Hant, each step with its rule, the person's own roles first,
linked from every page; and no command-line instruction in what officers read."""

from __future__ import annotations

import pytest
from django.urls import reverse

from registry.views.help import ROLES

pytestmark = pytest.mark.django_db

# A phrase of each role's page, and the rule it cites.
CONTENT = {
    "clerk": ("收文的順序", "國家機密保護法第7條"),
    "supervisor": ("拆閱批示", "國家機密保護法第15條"),
    "handler": ("申請分發", "專責處理"),
    "archivist": ("接收歸檔", "徹底銷毀"),
    "ethics": ("列印查核報告", "密不錄由"),
    "admin": ("雙因子驗證", "一次性啟用碼"),
}


@pytest.mark.parametrize("role", list(ROLES))
def test_each_role_has_a_zh_hant_help_page_citing_its_rules(client, outsider, role):
    client.force_login(outsider)

    response = client.get(reverse("registry:help_role", args=[role]))

    html = response.content.decode()
    assert response.status_code == 200
    step, rule = CONTENT[role]
    assert step in html and rule in html
    assert "<ol>" in html  # the steps in their order
    assert reverse("registry:help_glossary") in html
    assert "manage.py" not in html


def test_the_help_index_lists_the_persons_own_roles_first(client, supervisor):
    client.force_login(supervisor)

    html = client.get(reverse("registry:help")).content.decode()

    own, others = html.split("其他角色")
    assert "單位主管操作說明" in own and "收發人員操作說明" not in own
    assert "收發人員操作說明" in others


def test_the_glossary_explains_the_words(client, clerk):
    client.force_login(clerk)

    html = client.get(reverse("registry:help_glossary")).content.decode()

    for word in ("密不錄由", "拆閱", "分文", "封發", "焚燬清冊", "民國紀年", "知悉授權"):
        assert f"<dt>{word}" in html


def test_every_page_links_to_the_help_and_the_glossary(client, clerk):
    client.force_login(clerk)

    html = client.get(reverse("registry:dashboard")).content.decode()

    assert f'href="{reverse("registry:help")}"' in html and f'href="{reverse("registry:help_glossary")}"' in html


def test_an_unknown_role_has_no_help_page(client, clerk):
    client.force_login(clerk)

    assert client.get(reverse("registry:help_role", args=["everyone"])).status_code == 404


def test_help_needs_a_log_in(client):
    response = client.get(reverse("registry:help"))

    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_ethics_page_gives_no_command_to_run(client, ethics_officer):
    client.force_login(ethics_officer)

    html = client.get(reverse("registry:review_home")).content.decode()

    assert "manage.py" not in html
    assert "伺服器每晚" in html
