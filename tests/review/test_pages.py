"""The review pages: who reaches them (ethics officers, supervisors limited to their units, nobody
else: an audited 404), the trail search and its CSV export, a person's activity, the reports, the
"verify now" button — and never a document's subject."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from classification import Level
from registry import audit
from registry.models import (
    AuditAction,
    AuditEvent,
    ChainVerification,
    VerificationSource,
)
from registry.review import reports
from registry.review.export import BOM, COLUMNS, neutralise
from tests.review.conftest import FOREIGN_SUBJECT, SUBJECT, refuse, view
from tests.support import events_since, head_seq

pytestmark = pytest.mark.django_db

REVIEW_URLS = [
    reverse("registry:review_home"),
    reverse("registry:audit_search") + "?action=document.view",
    reverse("registry:audit_export"),
    reverse("registry:review_report", kwargs={"report": "refused"}),
    reverse("registry:review_people"),
]


def csv_rows(response) -> tuple[bytes, list[dict]]:
    assert response.streaming
    content = b"".join(response.streaming_content)
    text = content.decode("utf-8")
    assert text.startswith(BOM)
    return content, list(csv.DictReader(io.StringIO(text[len(BOM):])))


# --- who reaches the pages ------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["clerk", "handler", "archivist", "administrator", "outsider"])
@pytest.mark.parametrize("url", REVIEW_URLS)
def test_the_review_pages_answer_an_audited_404_to_everyone_but_ethics_and_supervisors(client, everyone, secret, who, url):
    client.force_login(everyone[who])
    seq = head_seq()

    response = client.get(url)

    assert response.status_code == 404
    assert len(events_since(seq, AuditAction.ACCESS_DENIED)) == 1
    assert events_since(seq, AuditAction.AUDIT_SEARCH) == []


@pytest.mark.parametrize("who", ["clerk", "handler", "outsider"])
def test_a_persons_activity_is_not_for_others(client, everyone, handler, who):
    client.force_login(everyone[who])

    assert client.get(reverse("registry:review_person", kwargs={"user_id": handler.pk})).status_code == 404


@pytest.mark.parametrize("who", ["ethics_officer", "supervisor"])
@pytest.mark.parametrize("url", REVIEW_URLS)
def test_ethics_officers_and_supervisors_reach_the_review_pages(client, everyone, secret, who, url):
    client.force_login(everyone[who])

    response = client.get(url)

    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert SUBJECT.encode() not in body


def test_the_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get(reverse("registry:review_home"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("slug", list(reports.REPORTS))
def test_every_report_page_shows_numbers_and_levels_and_records_the_look(client, ethics_officer, secret, outsider, slug):
    refuse(outsider, secret)
    view(outsider, secret)
    client.force_login(ethics_officer)
    seq = head_seq()

    response = client.get(reverse("registry:review_report", kwargs={"report": slug}))

    assert response.status_code == 200
    assert SUBJECT not in response.content.decode()
    [looked] = events_since(seq, AuditAction.AUDIT_SEARCH)
    assert json.loads(looked.details)["report"] == slug


def test_an_unknown_report_is_not_found(client, ethics_officer):
    client.force_login(ethics_officer)

    assert client.get(reverse("registry:review_report", kwargs={"report": "nothing"})).status_code == 404


def test_the_refused_report_page_lists_the_person_and_the_off_hours_page_the_document(
    client, settings, ethics_officer, secret, outsider, handler
):
    settings.REGISTRY_OFFICE_HOURS, settings.REGISTRY_OFFICE_DAYS = (0, 24), ()  # every day is a day off
    refuse(outsider, secret)
    view(handler, secret)
    client.force_login(ethics_officer)

    refused = client.get(reverse("registry:review_report", kwargs={"report": "refused"})).content.decode()
    off_hours = client.get(reverse("registry:review_report", kwargs={"report": "off-hours"})).content.decode()

    assert outsider.full_name in refused and handler.full_name not in refused
    assert secret.number in off_hours and handler.full_name in off_hours
    assert SUBJECT not in refused + off_hours


# --- the review page and the chain ----------------------------------------------------------------


def test_the_review_page_shows_the_last_verification_and_the_head(client, ethics_officer, secret):
    from django.core.management import call_command

    call_command("verify_audit", stdout=io.StringIO())
    verification = ChainVerification.objects.get()
    client.force_login(ethics_officer)

    html = client.get(reverse("registry:review_home")).content.decode()

    assert verification.head_hash in html
    assert str(verification.through_seq) in html
    assert AuditEvent.objects.order_by("-seq").first().hash in html
    assert reverse("registry:review_verify") in html  # the button, for ethics officers


def test_the_verify_button_records_a_verification(client, ethics_officer, secret):
    client.force_login(ethics_officer)
    head = AuditEvent.objects.order_by("-seq").first()

    response = client.post(reverse("registry:review_verify"))

    assert response.status_code == 302
    recorded = ChainVerification.objects.get()
    assert (recorded.whole, recorded.source, recorded.verified_by) == (True, VerificationSource.PAGE, ethics_officer)
    assert (recorded.through_seq, recorded.head_hash) == (head.seq, head.hash)


def test_the_verify_button_is_for_ethics_officers_only(client, supervisor, secret):
    client.force_login(supervisor)
    seq = head_seq()

    assert client.post(reverse("registry:review_verify")).status_code == 404
    assert client.get(reverse("registry:review_verify")).status_code == 404
    assert not ChainVerification.objects.exists()
    assert len(events_since(seq, AuditAction.ACCESS_DENIED)) == 2
    assert reverse("registry:review_verify") not in client.get(reverse("registry:review_home")).content.decode()


# --- the trail search and its export --------------------------------------------------------------


def test_the_export_streams_the_filtered_trail_with_a_bom_and_no_subject(client, ethics_officer, secret, handler, outsider):
    view(handler, secret)
    view(outsider, secret)
    client.force_login(ethics_officer)
    seq = head_seq()

    response = client.get(reverse("registry:audit_export"), {"person": "handler", "action": "document.view"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-trail-')
    content, rows = csv_rows(response)
    assert content.startswith(b"\xef\xbb\xbf")
    assert SUBJECT.encode() not in content
    assert tuple(rows[0]) == COLUMNS
    [row] = rows
    assert row["actor_username"] == "handler" and row["actor_name"] == handler.full_name
    assert row["unit"] == handler.unit.name
    assert (row["action"], row["document_number"], row["level"]) == ("document.view", secret.number, "機密")
    assert row["time"].endswith("+08:00")  # Asia/Taipei
    [searched] = events_since(seq, AuditAction.AUDIT_SEARCH)
    details = json.loads(searched.details)
    assert details["export"] is True and details["person"] == "handler"


def test_format_csv_on_the_search_page_exports_the_same(client, ethics_officer, secret, handler):
    view(handler, secret)
    client.force_login(ethics_officer)

    response = client.get(reverse("registry:audit_search"), {"number": secret.number, "format": "csv"})

    _, rows = csv_rows(response)
    assert rows and {r["document_number"] for r in rows} == {secret.number}


def test_the_export_neutralises_formulas(client, ethics_officer, make_person, receiving_unit, secret):
    sly = make_person(unit=receiving_unit, username="sly", full_name='=HYPERLINK("http://evil.example","x")')
    view(sly, secret)
    client.force_login(ethics_officer)

    _, rows = csv_rows(client.get(reverse("registry:audit_export"), {"person": "sly"}))

    assert rows[0]["actor_name"] == "'" + sly.full_name
    assert [neutralise(v) for v in ("+1", "-1", "@SUM(A1)", "\tx", "115收000001", None)] == [
        "'+1", "'-1", "'@SUM(A1)", "'\tx", "115收000001", ""
    ]


def test_the_search_filters_by_unit_level_and_period(client, ethics_officer, secret, handler, clerk, handling_unit, walk):
    from registry.models import DocumentState

    top = walk(DocumentState.IN_HANDLING, level=Level.TOP_SECRET)
    view(handler, secret)
    view(clerk, secret)
    view(handler, top)
    client.force_login(ethics_officer)

    def numbers(**query):
        _, rows = csv_rows(client.get(reverse("registry:audit_export"), {"action": "document.view", **query}))
        return sorted((r["actor_username"], r["document_number"]) for r in rows)

    assert numbers(unit=handling_unit.pk) == sorted([("handler", secret.number), ("handler", top.number)])
    assert numbers(level=int(Level.TOP_SECRET)) == [("handler", top.number)]
    assert numbers(date_from="2000-01-01", date_to="2000-12-31") == []


def test_a_supervisor_sees_the_trail_of_their_units_only(
    client, supervisor, secret, handler, stranger, foreign_document
):
    view(handler, secret)  # in scope: a person of the handling unit
    view(stranger, foreign_document)  # out of scope: another unit's person and document
    refuse(stranger, secret)  # in scope: a document of the supervisor's unit
    client.force_login(supervisor)

    page = client.get(reverse("registry:audit_search"), {"action": "document.view"}).content.decode()
    _, rows = csv_rows(client.get(reverse("registry:audit_export")))

    assert handler.full_name in page and stranger.full_name not in page
    assert foreign_document.number not in page
    seen = {(r["actor_username"], r["action"]) for r in rows}
    assert ("handler", "document.view") in seen
    assert ("stranger", "document.view") not in seen
    assert ("stranger", "access.denied") in seen
    assert foreign_document.number not in {r["document_number"] for r in rows}
    assert FOREIGN_SUBJECT not in page


# --- a person's activity --------------------------------------------------------------------------


def test_a_persons_activity_counts_per_action_and_lists_the_events(client, ethics_officer, secret, handler):
    for _ in range(3):
        view(handler, secret)
    audit.record(action=AuditAction.PRINT, actor=handler, document=secret, details={"form": "cover_sheet"})
    client.force_login(ethics_officer)
    seq = head_seq()

    response = client.get(reverse("registry:review_person", kwargs={"user_id": handler.pk}))

    assert response.status_code == 200
    counts = {row["action"]: row["count"] for row in response.context["counts"]}
    assert counts[AuditAction.DOCUMENT_VIEW] == 3 and counts[AuditAction.PRINT] == 1
    assert counts[AuditAction.DOCUMENT_SIGN_FOR] == 1  # from the walk
    html = response.content.decode()
    assert secret.number in html and SUBJECT not in html
    [looked] = events_since(seq, AuditAction.AUDIT_SEARCH)
    assert json.loads(looked.details)["person"] == handler.pk


def test_a_supervisor_reviews_people_of_their_units_only(client, supervisor, handler, stranger):
    client.force_login(supervisor)
    seq = head_seq()

    assert client.get(reverse("registry:review_person", kwargs={"user_id": handler.pk})).status_code == 200
    assert client.get(reverse("registry:review_person", kwargs={"user_id": stranger.pk})).status_code == 404
    assert len(events_since(seq, AuditAction.ACCESS_DENIED)) == 1
    people = client.get(reverse("registry:review_people")).content.decode()
    assert handler.username in people and stranger.username not in people


# --- free text about a document is for those who know it -----------------------------------------

REASON = "甲案會辦密由"


def test_reasons_on_documents_the_reviewer_does_not_know_are_masked(client, ethics_officer, supervisor, secret, handler):
    from registry.services.distribution import distribution_request

    distribution_request(document=secret, actor=handler, recipients=[supervisor], reason=REASON)
    client.force_login(ethics_officer)  # knows no document

    page = client.get(reverse("registry:audit_search"), {"action": "distribution.request"}).content.decode()
    content, rows = csv_rows(client.get(reverse("registry:audit_export"), {"action": "distribution.request"}))
    person = client.get(reverse("registry:review_person", kwargs={"user_id": handler.pk})).content.decode()

    assert REASON not in page and REASON not in person and REASON.encode() not in content
    [row] = rows
    details = json.loads(row["details"])
    assert details["reason"] == "…" and details["recipients"] == [supervisor.pk]


def test_a_reviewer_who_knows_the_document_reads_the_reason(client, supervisor, secret, handler, second_handler):
    from registry.services.distribution import distribution_request

    distribution_request(document=secret, actor=handler, recipients=[second_handler], reason=REASON)
    client.force_login(supervisor)  # opened the document: knows it

    page = client.get(reverse("registry:audit_search"), {"action": "distribution.request"}).content.decode()
    _, rows = csv_rows(client.get(reverse("registry:audit_export"), {"action": "distribution.request"}))

    assert REASON in page
    assert json.loads(rows[0]["details"])["reason"] == REASON


# --- a classified meeting's free text is for those who know the meeting ----------------------------

DEVICE_NOTE = "主席台下發現錄音筆一支，已移除並通報"


def test_a_meetings_notes_are_masked_for_a_reviewer_who_does_not_know_the_meeting(
    client, ethics_officer, supervisor, handler
):
    """A venue check's note is as revealing as the meeting's subject and place, which the ethics
    office does not see for a meeting it does not know: it is masked the same way."""
    from registry.services import meetings as meeting_svc

    meeting = meeting_svc.meeting_register(
        actor=supervisor, subject="保防工作會報", level=Level.CONFIDENTIAL,
        starts_at=timezone.now() + timedelta(days=1), place="第一會議室", chair=supervisor,
    )
    meeting_svc.venue_check_record(
        meeting=meeting, actor=supervisor, checked_at=timezone.now(), no_eavesdropping=False, no_recording=True,
        note=DEVICE_NOTE,
    )
    query = {"action": AuditAction.MEETING_VENUE_CHECK}

    client.force_login(ethics_officer)  # knows no meeting
    page = client.get(reverse("registry:audit_search"), query).content.decode()
    content, rows = csv_rows(client.get(reverse("registry:audit_export"), query))
    assert DEVICE_NOTE not in page and DEVICE_NOTE.encode() not in content
    [row] = rows
    assert json.loads(row["details"]) == {"clear": False, "meeting": meeting.pk, "note": "…"}

    client.force_login(supervisor)  # organizes it
    _, rows = csv_rows(client.get(reverse("registry:audit_export"), query))
    assert json.loads(rows[0]["details"])["note"] == DEVICE_NOTE


def test_the_review_page_counts_each_report_up_to_a_limit_and_then_says_more(
    client, ethics_officer, secret, outsider, monkeypatch
):
    from registry.selectors import pages

    for _ in range(3):
        refuse(outsider, secret)
    client.force_login(ethics_officer)
    monkeypatch.setattr(pages, "COUNT_LIMIT", 2)

    capped = client.get(reverse("registry:review_home")).content.decode()
    monkeypatch.setattr(pages, "COUNT_LIMIT", 1000)
    exact = client.get(reverse("registry:review_home")).content.decode()

    assert "2筆以上" in capped
    assert "2筆以上" not in exact and "<td>3</td>" in exact
