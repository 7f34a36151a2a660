"""The printed inspection report and the record of each chain verification."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from registry import audit
from registry.models import (
    AuditAction,
    AuditEvent,
    ChainVerification,
    VerificationSource,
)
from tests.review.conftest import FOREIGN_SUBJECT, SUBJECT, refuse, view
from tests.support import head_seq

pytestmark = pytest.mark.django_db

URL = reverse("print:inspection_report")


def pdf_text(response) -> str:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def flat(text: str) -> str:
    return "".join(text.split())


def today_query() -> dict:
    today = timezone.localdate().isoformat()
    return {"from": today, "to": today}


def test_the_inspection_report_carries_the_verified_head_hash_and_is_audited(
    client, settings, ethics_officer, secret, outsider, handler
):
    settings.REGISTRY_OFFICE_HOURS, settings.REGISTRY_OFFICE_DAYS = (0, 24), ()  # every view is off hours
    refuse(outsider, secret)
    view(handler, secret)
    client.force_login(ethics_officer)
    head = AuditEvent.objects.order_by("-seq").first()
    seq = head_seq()

    text = pdf_text(client.get(URL, today_query()))

    verification = ChainVerification.objects.get()
    assert (verification.source, verification.verified_by, verification.whole) == (
        VerificationSource.PRINT, ethics_officer, True
    )
    assert (verification.through_seq, verification.head_hash) == (head.seq, head.hash)
    assert head.hash in flat(text)
    assert "政風查核報告" in text and "限閱" in text
    assert "拒絕存取紀錄" in text and outsider.full_name in text
    assert "非上班時間調閱" in text and secret.number in text  # the off-hours view names the document
    assert SUBJECT not in text
    [printed] = list(AuditEvent.objects.filter(seq__gt=seq, action=AuditAction.PRINT))
    details = json.loads(printed.details)
    assert details["form"] == "inspection_report"
    assert (details["through_seq"], details["head_hash"]) == (head.seq, head.hash)


def test_a_supervisors_inspection_report_is_limited_to_their_units(
    client, supervisor, secret, handler, stranger, foreign_document
):
    view(handler, secret)
    refuse(stranger, foreign_document)
    refuse(handler, secret)
    client.force_login(supervisor)

    text = pdf_text(client.get(URL, today_query()))

    assert "秘書處及所屬單位" in text
    assert handler.full_name in text
    assert stranger.full_name not in text and foreign_document.number not in text
    assert FOREIGN_SUBJECT not in text and SUBJECT not in text


@pytest.mark.parametrize("who", ["clerk", "handler", "archivist", "administrator", "outsider"])
def test_the_inspection_report_is_not_for_others(client, everyone, who):
    client.force_login(everyone[who])
    seq = head_seq()

    assert client.get(URL).status_code == 404
    assert len(list(AuditEvent.objects.filter(seq__gt=seq, action=AuditAction.ACCESS_DENIED))) == 1
    assert not ChainVerification.objects.exists()


@pytest.mark.parametrize("query", [{"from": "2026-13-01"}, {"to": "yesterday"}, {"from": "2026-02-01", "to": "2026-01-01"}])
def test_a_bad_period_gets_a_clear_400(client, ethics_officer, query):
    client.force_login(ethics_officer)

    response = client.get(URL, query)

    assert response.status_code == 400
    assert "YYYY-MM-DD" in response.content.decode() or "before" in response.content.decode() or "之前" in response.content.decode()
    assert not ChainVerification.objects.exists()


def test_rows_are_capped_with_the_total(client, settings, ethics_officer, make_person, receiving_unit, secret):
    from registry import printing as pdf

    settings.REGISTRY_OFFICE_HOURS, settings.REGISTRY_OFFICE_DAYS = (0, 24), ()
    reader = make_person(unit=receiving_unit, username="reader", full_name="讀者")
    for _ in range(pdf.INSPECTION_ROWS + 2):
        view(reader, secret)
    client.force_login(ethics_officer)

    text = pdf_text(client.get(URL, today_query()))

    assert f"共{pdf.INSPECTION_ROWS + 2}筆，僅列前{pdf.INSPECTION_ROWS}筆" in flat(text)


# --- verify_audit records each verification -----------------------------------------------------


def test_verify_audit_records_a_verification(secret):
    head = AuditEvent.objects.order_by("-seq").first()
    out = io.StringIO()

    call_command("verify_audit", stdout=out)

    recorded = ChainVerification.objects.get()
    assert (recorded.source, recorded.verified_by, recorded.whole) == (VerificationSource.COMMAND, None, True)
    assert (recorded.through_seq, recorded.head_hash, recorded.checked) == (head.seq, head.hash, head.seq)
    assert head.hash in out.getvalue()


def test_each_verification_is_a_new_record_and_the_latest_is_shown(client, ethics_officer, secret):
    call_command("verify_audit", stdout=io.StringIO())
    audit.record(action=AuditAction.DOCUMENT_VIEW, actor=ethics_officer, document=None, details={})
    call_command("verify_audit", stdout=io.StringIO())

    first, second = ChainVerification.objects.order_by("pk")
    assert second.through_seq == first.through_seq + 1
    client.force_login(ethics_officer)
    assert second.head_hash in client.get(reverse("registry:review_home")).content.decode()
