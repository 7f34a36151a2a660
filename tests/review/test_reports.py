"""Each anomaly report finds a planted case and does not flag a normal one; a supervisor's scope
drops what belongs to another unit; every report is computed by a bounded number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from classification import Level
from registry import audit
from registry.models import (
    AuditAction,
    Document,
    DocumentCopy,
    DocumentState,
    Loan,
    NeedToKnowGrant,
    ReviewOutcome,
    StorageLocation,
    StorageZone,
)
from registry.models.documents import GrantBasis
from registry.review import reports
from registry.services.archive import (
    archive_handover,
    archive_receive,
    loan_decide,
    loan_lend,
    loan_request,
)
from registry.services.declassification import review_record
from registry.services.distribution import (
    copy_recall,
    distribution_decide,
    distribution_request,
)
from registry.services.grants import grant_create, grant_end
from tests.factories import register_document
from tests.review.conftest import refuse, view

pytestmark = pytest.mark.django_db

ALL_DAYS = (1, 2, 3, 4, 5, 6, 7)


def period():
    """Today, as a period of whole Taipei days."""
    today = timezone.localdate()
    return reports.period_bounds(today, today)


# --- a) refused accesses --------------------------------------------------------------------------


def test_refused_accesses_are_counted_per_person_and_a_person_with_none_is_not_listed(
    office_scope, secret, outsider, handler
):
    refuse(outsider, secret)
    refuse(outsider, None)
    refuse(outsider, secret, action=AuditAction.ACTION_REFUSED)
    view(handler, secret)  # a normal read

    rows = list(reports.refused_accesses(office_scope, *period()))

    [row] = [r for r in rows if r["actor_id"] == outsider.pk]
    assert (row["total"], row["denied"], row["refused"], row["documents"]) == (3, 2, 1, 1)
    assert handler.pk not in {r["actor_id"] for r in rows}


def test_a_real_refusal_through_the_document_page_is_reported(client, office_scope, secret, outsider):
    client.force_login(outsider)
    assert client.get(f"/documents/{secret.pk}/").status_code == 404

    rows = list(reports.refused_accesses(office_scope, *period()))

    assert [r["actor_id"] for r in rows] == [outsider.pk]


def test_refusals_outside_the_period_are_not_counted(office_scope, secret, outsider):
    refuse(outsider, secret)
    yesterday = timezone.localdate() - timedelta(days=1)

    assert list(reports.refused_accesses(office_scope, *reports.period_bounds(yesterday, yesterday))) == []


def test_a_supervisor_sees_refusals_in_their_units_only(unit_scope, secret, outsider, stranger, foreign_document):
    refuse(outsider, secret)  # a person of the handling unit (in scope)
    refuse(stranger, foreign_document)  # another unit's person, another unit's document
    refuse(stranger, secret)  # another unit's person, but a document of the supervisor's unit

    rows = {r["actor_id"]: r["total"] for r in reports.refused_accesses(unit_scope, *period())}

    assert rows == {outsider.pk: 1, stranger.pk: 1}


# --- b) views outside office hours ----------------------------------------------------------------


def _now_minute() -> int:
    local = timezone.localtime()
    return local.hour * 60 + local.minute


def _hours_excluding_now() -> tuple[float, float]:
    """Office hours that do not contain the present minute (Taipei time)."""
    minute = _now_minute()
    if minute >= 60:
        return (0, (minute - 30) / 60)  # closed since half an hour ago
    return ((minute + 30) / 60, 24)  # opens in half an hour


def _hours_around_now() -> tuple[float, float]:
    minute = _now_minute()
    return (max(0, minute - 60) / 60, min(1440, minute + 61) / 60)


@pytest.mark.any_hour
def test_a_view_outside_office_hours_is_reported(office_scope, secret, handler):
    event = view(handler, secret)

    found = reports.off_hours_views(office_scope, *period(), hours=_hours_excluding_now(), days=ALL_DAYS)

    assert list(found.values_list("seq", flat=True)) == [event.seq]


@pytest.mark.any_hour
def test_a_view_within_office_hours_on_an_office_day_is_not_reported(office_scope, secret, handler):
    view(handler, secret)

    found = reports.off_hours_views(office_scope, *period(), hours=_hours_around_now(), days=ALL_DAYS)

    assert not found.exists()


@pytest.mark.any_hour
def test_a_view_on_a_day_off_is_reported_even_within_the_hours(office_scope, secret, handler):
    event = view(handler, secret)
    today = timezone.localtime().isoweekday()
    days_but_today = [d for d in ALL_DAYS if d != today]

    found = reports.off_hours_views(office_scope, *period(), hours=(0, 24), days=days_but_today)

    assert list(found.values_list("seq", flat=True)) == [event.seq]


@pytest.mark.any_hour
def test_prints_count_as_views_and_other_actions_do_not(office_scope, secret, handler, clerk):
    printed = audit.record(action=AuditAction.PRINT, actor=handler, document=secret, details={"form": "cover_sheet"})
    audit.record(action=AuditAction.DOCUMENT_TRAIL_VIEW, actor=clerk, document=secret, details={})

    found = reports.off_hours_views(office_scope, *period(), hours=_hours_excluding_now(), days=ALL_DAYS)

    # The walk's own handling steps and the trail view are not views of the document.
    assert list(found.values_list("seq", flat=True)) == [printed.seq]


@pytest.mark.any_hour
def test_office_hours_come_from_the_settings_by_default(settings, office_scope, secret, handler):
    view(handler, secret)

    settings.REGISTRY_OFFICE_HOURS, settings.REGISTRY_OFFICE_DAYS = _hours_around_now(), ALL_DAYS
    assert not reports.off_hours_views(office_scope, *period()).exists()
    settings.REGISTRY_OFFICE_HOURS = _hours_excluding_now()
    assert reports.off_hours_views(office_scope, *period()).count() == 1


@pytest.mark.any_hour
def test_a_supervisor_sees_off_hours_views_in_their_units_only(unit_scope, secret, handler, stranger, foreign_document):
    mine = view(handler, secret)
    view(stranger, foreign_document)

    found = reports.off_hours_views(unit_scope, *period(), hours=_hours_excluding_now(), days=ALL_DAYS)

    assert list(found.values_list("seq", flat=True)) == [mine.seq]


# --- c) many documents in a short time ------------------------------------------------------------


def test_a_person_viewing_more_distinct_documents_than_the_threshold_is_reported(
    settings, office_scope, documents, handler, second_handler
):
    settings.REGISTRY_VIEW_BURST_COUNT, settings.REGISTRY_VIEW_BURST_MINUTES = 3, 10
    docs = documents(4)
    for document in docs:
        view(second_handler, document)  # 4 distinct documents: over the threshold of 3
    for document in docs[:3] + docs[:3]:
        view(handler, document)  # 6 views, but only 3 distinct documents: normal

    bursts = reports.view_bursts(office_scope, *period())

    assert [(b.person, b.peak) for b in bursts] == [(second_handler, 4)]
    assert bursts[0].windows == 1  # only the fourth view closed a window over the threshold
    assert bursts[0].first_at <= bursts[0].last_at


def test_the_burst_threshold_is_strict_and_the_window_counts(office_scope, documents, handler):
    docs = documents(3)
    for document in docs:
        view(handler, document)

    assert reports.view_bursts(office_scope, *period(), count=3, minutes=10) == []  # not MORE than 3
    assert [b.peak for b in reports.view_bursts(office_scope, *period(), count=2, minutes=10)] == [3]
    # A window shorter than the time between the views sees one document at a time.
    assert reports.view_bursts(office_scope, *period(), count=2, minutes=0) == []


def test_a_supervisor_sees_bursts_in_their_units_only(settings, unit_scope, documents, handler, stranger, foreign_clerk):
    foreign = [register_document(foreign_clerk, subject=f"外{i}") for i in range(3)]
    for document in documents(3):
        view(handler, document)
    for document in foreign:
        view(stranger, document)

    bursts = reports.view_bursts(unit_scope, *period(), count=2, minutes=10)

    assert [b.person for b in bursts] == [handler]


def test_the_burst_report_is_one_query(office_scope, documents, handler):
    for document in documents(3):
        view(handler, document)

    with CaptureQueriesContext(connection) as queries:
        reports.view_bursts(office_scope, *period(), count=2, minutes=10)

    assert len(queries) == 2  # the report, and the people it names


# --- d) grants without an end on the highest levels -----------------------------------------------


def test_open_ended_grants_on_top_secret_are_reported_and_ones_with_an_end_or_a_lower_level_are_not(
    office_scope, walk, supervisor, handler, second_handler, outsider
):
    top = walk(DocumentState.IN_HANDLING, level=Level.TOP_SECRET, subject=SUBJECT_TOP)
    lower = walk(DocumentState.IN_HANDLING, level=Level.CONFIDENTIAL)
    until = timezone.now() + timedelta(days=30)
    with_end = grant_create(document=top, user=second_handler, basis=GrantBasis.OTHER, reason="會辦",
                            granted_by=supervisor, expires_at=until)
    ended = grant_create(document=top, user=outsider, basis=GrantBasis.OTHER, reason="會辦", granted_by=supervisor)
    grant_end(grant=ended, actor=supervisor, reason="結案")

    found = set(reports.open_ended_grants(office_scope).values_list("user_id", "document_id"))

    # The supervisor (opened) and the handler (signed for) hold open-ended grants on the 絕對機密 one.
    assert found == {(supervisor.pk, top.pk), (handler.pk, top.pk)}
    assert not NeedToKnowGrant.objects.filter(pk=with_end.pk, expires_at__isnull=True).exists()
    assert NeedToKnowGrant.objects.filter(document=lower, expires_at__isnull=True, ended_at__isnull=True).exists()


SUBJECT_TOP = "絕對機密作戰計畫"


def test_open_ended_grants_of_another_unit_are_not_a_supervisors(unit_scope, walk, foreign_clerk, stranger):
    top = walk(DocumentState.IN_HANDLING, level=Level.SECRET)
    foreign = register_document(foreign_clerk, level=Level.TOP_SECRET)
    grant_create(document=foreign, user=stranger, basis=GrantBasis.OTHER, reason="會辦", granted_by=foreign_clerk)

    documents = set(reports.open_ended_grants(unit_scope).values_list("document_id", flat=True))

    assert documents == {top.pk}


# --- e) copies not returned after a recall --------------------------------------------------------


@pytest.fixture
def copies(walk, handler, supervisor, second_handler, outsider):
    """Two documents, each with one numbered copy given out and then recalled (now)."""

    def give(document, person):
        request = distribution_request(document=document, actor=handler, recipients=[person], reason="會辦")
        distribution_decide(recipient=request.recipients.get(), actor=supervisor, approve=True, reason="同意")
        copy_recall(document=document, actor=supervisor, reason="結案收回")
        return DocumentCopy.objects.get(document=document, holder=person)

    first = give(walk(DocumentState.IN_HANDLING), second_handler)
    second = give(walk(DocumentState.IN_HANDLING), outsider)
    return first, second


def test_a_copy_held_long_after_its_recall_is_reported_and_a_recent_recall_is_not(settings, office_scope, copies):
    settings.REGISTRY_RECALL_GRACE_DAYS = 7
    old, recent = copies
    DocumentCopy.objects.filter(pk=old.pk).update(recalled_at=timezone.now() - timedelta(days=8))

    found = list(reports.unreturned_copies(office_scope).values_list("pk", flat=True))

    assert found == [old.pk]
    assert recent.pk not in found


def test_a_returned_copy_is_not_reported_however_old_its_recall(office_scope, copies, supervisor):
    from registry.services.distribution import copy_return

    old, _ = copies
    copy_return(copy=old, actor=supervisor, note="繳回")
    DocumentCopy.objects.filter(pk=old.pk).update(recalled_at=timezone.now() - timedelta(days=30))

    assert not reports.unreturned_copies(office_scope).exists()


# --- f) loans overdue -----------------------------------------------------------------------------


@pytest.fixture
def lent(walk, handler, archivist, supervisor, outsider):
    """A 機密 document archived and lent to ``outsider``, due back today."""
    cabinet = StorageLocation.objects.create(code="R-C1", name="機密檔案櫃", zone=StorageZone.CLASSIFIED, keeper=archivist)
    document = walk(DocumentState.IN_HANDLING)
    archive_handover(document=document, actor=handler)
    archive_receive(document=document, actor=archivist, location=cabinet, retention_years=1)
    loan = loan_request(document=document, actor=outsider, reason="查考")
    loan_decide(loan=loan, actor=supervisor, approve=True, reason="同意", due_on=timezone.localdate())
    return loan_lend(loan=loan, actor=archivist)


def test_a_loan_past_its_due_date_is_reported_and_one_due_today_is_not(office_scope, lent):
    today = timezone.localdate()

    assert not reports.loans_overdue(office_scope, today=today).exists()
    assert list(reports.loans_overdue(office_scope, today=today + timedelta(days=1))) == [lent]


def test_a_returned_loan_is_not_overdue(office_scope, lent, archivist):
    from registry.services.archive import loan_return

    loan_return(loan=lent, actor=archivist)

    assert not reports.loans_overdue(office_scope, today=timezone.localdate() + timedelta(days=30)).exists()
    assert Loan.objects.get(pk=lent.pk).due_on == timezone.localdate()


# --- g) past the declassification condition, not reviewed -----------------------------------------


@pytest.fixture
def due_documents(walk):
    """Three documents whose five-year protection ran out a year ago (approved six years back)."""
    approved = timezone.localdate() - timedelta(days=6 * 365)
    return [walk(DocumentState.IN_HANDLING, approval_date=approved, protection_years=5) for _ in range(3)]


def test_a_document_past_its_condition_and_never_reviewed_is_reported(office_scope, due_documents, archivist):
    never, reviewed_since, reviewed_before = due_documents
    assert never.declass_due_on < timezone.localdate()
    review_record(document=reviewed_since, actor=archivist, outcome=ReviewOutcome.PROPOSE_DECLASSIFY)
    # A review from before the condition was met does not count (the service dates reviews today).
    Document.objects.filter(pk=reviewed_before.pk).update(
        last_reviewed_on=reviewed_before.declass_due_on - timedelta(days=10)
    )

    found = set(reports.unreviewed_declassification(office_scope).values_list("pk", flat=True))

    assert found == {never.pk, reviewed_before.pk}


def test_a_document_not_yet_due_is_not_reported(office_scope, secret):
    assert secret.declass_due_on > timezone.localdate()
    assert not reports.unreviewed_declassification(office_scope).filter(pk=secret.pk).exists()


# --- every report: no Python loop over the events ---------------------------------------------------


@pytest.mark.parametrize("slug", list(reports.REPORTS))
def test_each_report_is_a_fixed_number_of_queries_however_many_events(office_scope, documents, handler, slug):
    def queries_for():
        start, end = period()
        with CaptureQueriesContext(connection) as captured:
            rows = reports.report_rows(slug, office_scope, start, end)
            list(rows[:50])
        return len(captured)

    for document in documents(2):
        view(handler, document)
        refuse(handler, document)
    few = queries_for()
    for document in documents(6):
        view(handler, document)
        refuse(handler, document)
    assert queries_for() == few


def test_refusals_are_counted_by_the_rule_that_refused_them(client, office_scope, walk, handler, outsider):
    """Every refusal is recorded in one shape, naming the rule of the rule book that refused it; the
    report counts them by rule."""
    from django.urls import reverse

    registered = walk(DocumentState.REGISTERED)
    client.force_login(handler)  # a handler may not open a document: the rule "open" refuses
    client.post(
        reverse("registry:document_open", kwargs={"pk": registered.pk}),
        {"instruction": "請辦", "handling_unit": registered.responsible_unit_id},
    )
    client.force_login(outsider)
    client.get(reverse("registry:document_detail", kwargs={"pk": registered.pk}))

    rows = {(r["action"], r["rule"]): (r["total"], r["people"]) for r in reports.refusals_by_rule(office_scope, *period())}

    assert rows[(AuditAction.ACTION_REFUSED, "open")] == (1, 1)
    assert rows[(AuditAction.ACCESS_DENIED, "")] == (1, 1)
