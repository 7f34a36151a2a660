"""The chain's panel and the printed inspection report show the latest anchor kept outside the
database beside the head hash, and whether the stored chain still holds it; the "verify now"
button verifies only the events since the last whole verification."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from registry.models import AuditEvent, ChainVerification, VerificationSource
from tests.registry.test_audit_chain import tamper
from tests.review.test_inspection import flat, pdf_text

pytestmark = pytest.mark.django_db

HOLDS = "現存該序號之紀錄與錨定雜湊值相符"
DOES_NOT_HOLD = "現存該序號之紀錄與錨定雜湊值不符"


@pytest.fixture
def anchored(settings, tmp_path, secret):
    """The office's chain (a document walked into handling), verified and anchored to a file."""
    settings.REGISTRY_AUDIT_ANCHOR_FILE = str(tmp_path / "audit-anchors.jsonl")
    call_command("verify_audit", stdout=io.StringIO())
    return AuditEvent.objects.order_by("-seq").first()


def test_the_review_page_shows_the_latest_anchor_and_that_the_chain_holds_it(client, ethics_officer, anchored):
    client.force_login(ethics_officer)

    html = client.get(reverse("registry:review_home")).content.decode()

    assert "最近一次資料庫外錨定" in html
    assert anchored.hash in html and f"<dd>{anchored.seq}</dd>" in html
    assert HOLDS in html and DOES_NOT_HOLD not in html


def test_the_review_page_says_when_the_stored_chain_no_longer_holds_the_anchor(client, ethics_officer, anchored):
    tamper("DELETE FROM registry_auditevent WHERE seq = %s", [anchored.seq])
    client.force_login(ethics_officer)

    html = client.get(reverse("registry:review_home")).content.decode()

    assert anchored.hash in html
    assert DOES_NOT_HOLD in html


def test_without_the_anchor_file_the_page_shows_the_note_kept_in_the_database(
    client, settings, ethics_officer, anchored
):
    settings.REGISTRY_AUDIT_ANCHOR_FILE = ""  # the file is on another machine
    client.force_login(ethics_officer)

    html = client.get(reverse("registry:review_home")).content.decode()

    assert anchored.hash in html and HOLDS in html
    assert "本伺服器無法讀取錨定檔" in html


def test_before_any_anchor_the_page_says_so(client, ethics_officer, secret):
    client.force_login(ethics_officer)

    html = client.get(reverse("registry:review_home")).content.decode()

    assert "尚無錨定" in html


def test_the_verify_button_verifies_only_the_events_since_the_last_verification(
    client, ethics_officer, anchored, handler, secret
):
    client.force_login(ethics_officer)
    client.get(reverse("registry:document_detail", args=[secret.pk]))  # new events
    newest = AuditEvent.objects.order_by("-seq").first()

    response = client.post(reverse("registry:review_verify"), follow=True)

    recorded = ChainVerification.objects.first()
    assert (recorded.source, recorded.whole, recorded.from_seq) == (VerificationSource.PAGE, True, anchored.seq)
    assert (recorded.through_seq, recorded.head_hash) == (newest.seq, newest.hash)
    assert recorded.checked == newest.seq - anchored.seq + 1
    assert f"自序號{anchored.seq}至序號{newest.seq}" in response.content.decode()


def test_the_printed_inspection_report_prints_the_latest_anchor(client, ethics_officer, anchored):
    client.force_login(ethics_officer)
    today = timezone.localdate().isoformat()

    text = flat(pdf_text(client.get(reverse("print:inspection_report"), {"from": today, "to": today})))

    assert "最近外部錨定" in text
    assert f"序號{anchored.seq}" in text
    assert anchored.hash in text
    assert f"現存第{anchored.seq}號紀錄之雜湊值與錨定相符" in text
