"""The people page, the hand-over page with its preview, the hand-over list and its signing, the
printed 移交清冊, and a person's own account page."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from classification import Level
from registry.models import AuditAction, Handover, User
from tests.support import actions_since, head_seq

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_people_page_is_for_administrators(client, administrator, handler):
    client.force_login(administrator)
    page = client.get(reverse("registry:people_list"), {"q": handler.username})
    assert page.status_code == 200
    assert handler.full_name in page.content.decode()
    client.force_login(handler)
    since = head_seq()
    assert client.get(reverse("registry:people_list")).status_code == 404
    assert actions_since(since) == [AuditAction.ACCESS_DENIED]


def test_the_person_page_offers_what_the_rules_allow(client, administrator, supervisor, handler, held):
    client.force_login(administrator)
    page = client.get(reverse("registry:person_detail", args=[handler.pk]))
    assert page.context["clearance_form"] is not None and page.context["may_handover"]
    assert held.number in page.content.decode()
    assert held.subject not in page.content.decode()
    client.force_login(supervisor)
    page = client.get(reverse("registry:person_detail", args=[handler.pk]))
    assert page.context["clearance_form"] is None and page.context["may_handover"]


def test_clearance_change_from_the_person_page(client, administrator, handler, held):
    client.force_login(administrator)
    response = client.post(
        reverse("registry:person_clearance", args=[handler.pk]), {"clearance": Level.CONFIDENTIAL, "reason": "安全查核"}
    )
    assert response.status_code == 302
    handler.refresh_from_db()
    assert handler.clearance == Level.CONFIDENTIAL


def test_handover_preview_lists_every_item_and_who_is_not_cleared(client, supervisor, handler, held, make_person, handling_unit):
    low = make_person(unit=handling_unit, clearance=Level.CONFIDENTIAL, username="lowcleared")
    client.force_login(supervisor)
    preview = client.get(reverse("registry:person_handover", args=[handler.pk]), {"successor": low.username})
    assert preview.status_code == 200
    assert [(item.label, cleared) for item, cleared in preview.context["rows"]] == [(held.number, False)]
    since = head_seq()
    refused = client.post(
        reverse("registry:person_handover", args=[handler.pk]), {"successor": low.username, "reason": "transfer"}
    )
    assert refused.status_code == 200
    assert held.number in refused.content.decode()
    assert actions_since(since) == [AuditAction.ACTION_REFUSED]
    assert not Handover.objects.exists()


def test_handover_then_the_successor_signs_and_prints_the_list(client, supervisor, handler, successor, held):
    client.force_login(supervisor)
    response = client.post(
        reverse("registry:person_handover", args=[handler.pk]), {"successor": successor.username, "reason": "transfer"}
    )
    handover = Handover.objects.get()
    assert response.status_code == 302 and response.url == reverse("registry:handover_detail", args=[handover.pk])

    client.force_login(successor)
    account = client.get(reverse("registry:account"))
    assert handover in list(account.context["unsigned"])
    detail = client.get(reverse("registry:handover_detail", args=[handover.pk]))
    assert detail.context["may_sign"]
    assert client.post(reverse("registry:handover_sign", args=[handover.pk])).status_code == 302
    handover.refresh_from_db()
    assert handover.signed_at is not None

    printed = client.get(reverse("print:handover_list", args=[handover.pk]))
    assert printed["Content-Type"] == "application/pdf"
    text = pdf_text(printed.content)
    for words in ("移交清冊", "移交人", "接交人", "監交人", held.number, "極機密", handler.full_name, successor.full_name):
        assert words in text
    assert held.subject not in text


def test_a_stranger_gets_no_handover(client, administrator, handler, successor, held, outsider):
    from registry.services import people as svc

    handover = svc.handover_record(actor=administrator, person=handler, successor=successor)
    client.force_login(outsider)
    since = head_seq()
    assert client.get(reverse("registry:handover_detail", args=[handover.pk])).status_code == 404
    assert client.get(reverse("print:handover_list", args=[handover.pk])).status_code == 404
    assert actions_since(since) == [AuditAction.ACCESS_DENIED, AuditAction.ACCESS_DENIED]


def test_own_password_change_is_audited_and_log_ins_listed(client, handler):
    client.force_login(handler)  # a log-in, recorded as every log-in is
    account = client.get(reverse("registry:account"))
    assert account.status_code == 200
    assert len(account.context["logins"]) == 1
    since = head_seq()
    response = client.post(
        reverse("registry:password_change"),
        {"old_password": "correct-horse-battery-staple", "new_password1": "A-fresh-passphrase-115", "new_password2": "A-fresh-passphrase-115"},
    )
    assert response.status_code == 302
    assert AuditAction.PERSON_PASSWORD in actions_since(since)
    assert User.objects.get(pk=handler.pk).check_password("A-fresh-passphrase-115")
