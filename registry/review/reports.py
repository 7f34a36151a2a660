"""The review's queries. Each is computed in the database: filters, annotations and GROUP BY through
the ORM, and one parameterised raw SQL statement for bursts of views. None loops over events in
Python; the pages paginate what these return.

Every function takes the reviewer's ``ReviewScope`` first. The reports about the trail take a
period (``start`` inclusive, ``end`` exclusive, aware datetimes); the reports about the present
state of things (grants, copies, loans, declassification) take "now" or "today".

Nothing here reads a document's subject: rows carry registration numbers and levels only.

These are the registry's heavy reads: each query starts from ``registry.db.heavy``, which binds it
to a streaming replica when one is configured (``DATABASE_REPLICA_URL``), unless the reviewer just
changed something or the call runs inside a transaction (then the primary answers).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connections
from django.db.models import Case, CharField, Count, F, JSONField, Max, Min, Q, QuerySet, Value, When
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce, ExtractHour, ExtractIsoWeekDay, ExtractMinute
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from classification import Level
from registry.db import heavy
from registry.models import (
    AuditAction,
    AuditEvent,
    CopyState,
    DocumentCopy,
    NeedToKnowGrant,
    User,
)
from registry.policies.scope import UnitScope
from registry.review.details import with_known
from registry.review.scope import ReviewScope
from registry.selectors import filter_by_number
from registry.selectors.archive import overdue_loans
from registry.selectors.declassification import declassification_due
from registry.selectors.pages import bounded_count
from registry.selectors.people import about_people_q, with_subject

REFUSALS = (AuditAction.ACCESS_DENIED, AuditAction.ACTION_REFUSED)
# What counts as looking at a document for the office-hours report.
VIEWS_AND_PRINTS = (AuditAction.DOCUMENT_VIEW, AuditAction.PRINT)
# The least level whose open-ended grants are reported: 極機密 and 絕對機密.
HIGHEST_LEVELS_FROM = Level.SECRET

# The columns of an event row on a page: actor and unit, document number and level, never the subject.
EVENT_FIELDS = (
    "seq",
    "at",
    "action",
    "details",
    "hash",
    "actor__username",
    "actor__full_name",
    "actor__unit__name",
    "document__reg_year",
    "document__reg_series",
    "document__reg_serial",
    "document__level",
)
# The same for rows that name a document through a foreign key.
DOCUMENT_FIELDS = ("reg_year", "reg_series", "reg_serial", "level", "state")


def _doc_fields(prefix: str = "document__") -> tuple[str, ...]:
    return tuple(f"{prefix}{name}" for name in DOCUMENT_FIELDS)


def taipei() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def day_start(day: date) -> datetime:
    """The first moment of ``day`` in Taipei time."""
    return datetime.combine(day, time.min, tzinfo=taipei())


def period_bounds(date_from: date | None, date_to: date | None) -> tuple[datetime | None, datetime | None]:
    """[start, end) for a period of whole Taipei days; either end may be open (None)."""
    start = day_start(date_from) if date_from else None
    end = day_start(date_to + timedelta(days=1)) if date_to else None
    return start, end


def default_period(today: date | None = None, days: int = 30) -> tuple[date, date]:
    """The last ``days`` days, today included."""
    today = today or timezone.localdate()
    return today - timedelta(days=days - 1), today


def _in_period(queryset: QuerySet, start: datetime | None, end: datetime | None) -> QuerySet:
    # A range on ``at`` itself, not ``at__date``: the index on (action, at) or (actor, at) applies.
    if start is not None:
        queryset = queryset.filter(at__gte=start)
    if end is not None:
        queryset = queryset.filter(at__lt=end)
    return queryset


def event_rows(queryset: QuerySet, viewer=None) -> QuerySet:
    """Events ready for a table, newest first: actor, unit and document joined, subject never read;
    ``known`` says whether ``viewer`` may know each event's document (its free text is masked
    otherwise: ``registry.review.details``)."""
    rows = queryset.select_related("actor__unit", "document").only(*EVENT_FIELDS, "document_id")
    return with_known(rows, viewer).order_by("-seq")


# --- the trail -----------------------------------------------------------------------------------


def trail_events(
    scope: ReviewScope,
    *,
    person: str = "",
    unit=None,
    number: str = "",
    action: str = "",
    level: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet:
    """The trail filtered as the search form asks (unfiltered columns, not rows)."""
    queryset = scope.events(heavy(AuditEvent.objects.all()))
    if person := (person or "").strip():
        # What the person did, and the changes made to them (clearance, unit, hand-overs, …).
        named = User.objects.filter(Q(username__iexact=person) | Q(full_name__icontains=person))[:50]
        queryset = with_subject(queryset).filter(
            Q(actor__username__iexact=person) | Q(actor__full_name__icontains=person) | about_people_q(named)
        )
    if unit is not None:
        # The actor's unit and the units below it.
        queryset = queryset.filter(UnitScope.below(unit).people_q("actor__"))
    if (number or "").strip():
        queryset = filter_by_number(queryset.filter(document__isnull=False), number, prefix="document__")
    if action:
        queryset = queryset.filter(action=action)
    if level:
        queryset = queryset.filter(document__level=level)
    return _in_period(queryset, *period_bounds(date_from, date_to))


def events_in_period(scope: ReviewScope, start: datetime | None, end: datetime | None) -> QuerySet:
    """Every event of the period within the reviewer's scope."""
    return _in_period(scope.events(heavy(AuditEvent.objects.all())), start, end)


def action_counts(queryset: QuerySet) -> list[dict]:
    """How many events of each action (one GROUP BY), most frequent first, with their labels."""
    labels = dict(AuditAction.choices)
    rows = queryset.order_by().values("action").annotate(count=Count("id")).order_by("-count", "action")
    return [{"action": r["action"], "label": labels.get(r["action"], r["action"]), "count": r["count"]} for r in rows]


def person_activity(scope: ReviewScope, person: User, start: datetime | None, end: datetime | None) -> QuerySet:
    """A person's events in the period, and the changes made to them, within the reviewer's scope."""
    events = with_subject(heavy(AuditEvent.objects.all())).filter(Q(actor=person) | about_people_q([person]))
    return _in_period(scope.events(events), start, end)


def people_in_scope(scope: ReviewScope) -> QuerySet:
    return scope.people(User.objects.all()).select_related("unit").order_by("unit__code", "full_name", "username")


# --- anomaly reports: the trail --------------------------------------------------------------------


def refusals_by_rule(scope: ReviewScope, start: datetime | None, end: datetime | None) -> QuerySet:
    """The same refusals by the rule of the rule book that refused them (``details.rule``; a read
    answered 404 names none), most first: which rules people run into."""
    events = _in_period(scope.events(heavy(AuditEvent.objects.filter(action__in=REFUSALS))), start, end)
    data = Cast("details", JSONField())
    return (
        events.order_by()
        .annotate(rule=Coalesce(KeyTextTransform("rule", data), Value(""), output_field=CharField()))
        .values("action", "rule")
        .annotate(total=Count("id"), people=Count("actor", distinct=True))
        .order_by("-total", "action", "rule")
    )


def refused_accesses(scope: ReviewScope, start: datetime | None, end: datetime | None) -> QuerySet:
    """Refused accesses and refused actions in the period, one row per person, most first."""
    events = _in_period(scope.events(heavy(AuditEvent.objects.filter(action__in=REFUSALS))), start, end)
    return (
        events.order_by()
        .values("actor_id", "actor__username", "actor__full_name", "actor__unit__name")
        .annotate(
            total=Count("id"),
            denied=Count("id", filter=Q(action=AuditAction.ACCESS_DENIED)),
            refused=Count("id", filter=Q(action=AuditAction.ACTION_REFUSED)),
            documents=Count("document", distinct=True),
            first=Min("at"),
            last=Max("at"),
        )
        .order_by("-total", "actor__username")
    )


def _minutes(hour: float) -> int:
    return round(hour * 60)


def off_hours_views(
    scope: ReviewScope,
    start: datetime | None,
    end: datetime | None,
    *,
    hours: tuple[float, float] | None = None,
    days=None,
) -> QuerySet:
    """Views and prints of documents outside office hours: before ``hours[0]`` or from ``hours[1]``
    on (hours of the day, Taipei time, e.g. (8, 18) or (8.5, 17.5)), or on a day not in ``days``
    (ISO weekdays, 1 = Monday). Defaults: ``REGISTRY_OFFICE_HOURS``, ``REGISTRY_OFFICE_DAYS``."""
    opens, closes = hours if hours is not None else settings.REGISTRY_OFFICE_HOURS
    office_days = sorted(days if days is not None else settings.REGISTRY_OFFICE_DAYS)
    tz = taipei()
    events = _in_period(scope.events(heavy(AuditEvent.objects.filter(action__in=VIEWS_AND_PRINTS))), start, end)
    return events.annotate(
        local_minute=ExtractHour("at", tzinfo=tz) * 60 + ExtractMinute("at", tzinfo=tz),
        local_weekday=ExtractIsoWeekDay("at", tzinfo=tz),
    ).filter(
        ~Q(local_weekday__in=office_days)
        | Q(local_minute__lt=_minutes(opens))
        | Q(local_minute__gte=_minutes(closes))
    )


@dataclass(frozen=True)
class Burst:
    """A person who viewed more than the threshold of distinct documents within the window."""

    person: User | None
    peak: int  # the most distinct documents in one window
    windows: int  # how many of their views closed a window over the threshold
    first_at: datetime
    last_at: datetime


_BURSTS_POSTGRESQL = """
WITH v (id, actor_id, document_id, at) AS ({views}),
windows AS (
    SELECT a.actor_id, a.at AS window_end, COUNT(DISTINCT b.document_id) AS documents
    FROM v a
    JOIN v b ON b.actor_id = a.actor_id AND b.at <= a.at AND b.at > a.at - make_interval(mins => %s)
    GROUP BY a.actor_id, a.id, a.at
)
SELECT actor_id, MAX(documents), COUNT(*), MIN(window_end), MAX(window_end)
FROM windows
WHERE documents > %s
GROUP BY actor_id
ORDER BY MAX(documents) DESC, actor_id
"""

# SQLite (the zero-setup development database) has neither intervals nor make_interval: there the
# views are counted in fixed buckets of the window's length (floor of the Unix time), which misses
# a burst that straddles two buckets. PostgreSQL, the production database, uses the sliding window.
_BURSTS_SQLITE = """
WITH v (id, actor_id, document_id, at) AS ({views}),
buckets AS (
    SELECT actor_id, CAST(strftime('%%s', at) AS INTEGER) / (%s * 60) AS bucket,
           COUNT(DISTINCT document_id) AS documents, MIN(at) AS first_at, MAX(at) AS last_at
    FROM v
    GROUP BY actor_id, bucket
)
SELECT actor_id, MAX(documents), COUNT(*), MIN(first_at), MAX(last_at)
FROM buckets
WHERE documents > %s
GROUP BY actor_id
ORDER BY MAX(documents) DESC, actor_id
"""


def _aware(value) -> datetime:
    if isinstance(value, str):
        value = parse_datetime(value)
    if timezone.is_naive(value):
        value = timezone.make_aware(value, ZoneInfo("UTC"))
    return value


def view_bursts(
    scope: ReviewScope,
    start: datetime | None,
    end: datetime | None,
    *,
    count: int | None = None,
    minutes: int | None = None,
) -> list[Burst]:
    """People who viewed more than ``count`` distinct documents within any ``minutes`` window
    (defaults: ``REGISTRY_VIEW_BURST_COUNT``, ``REGISTRY_VIEW_BURST_MINUTES``).

    One statement: the scoped views of the period come from the ORM as a subquery; on PostgreSQL
    each view is joined to the same person's views of the ``minutes`` before it and the distinct
    documents counted (a self-join, since a window function cannot count DISTINCT).
    """
    count = settings.REGISTRY_VIEW_BURST_COUNT if count is None else int(count)
    minutes = settings.REGISTRY_VIEW_BURST_MINUTES if minutes is None else int(minutes)
    views = _in_period(
        scope.events(
            heavy(
                AuditEvent.objects.filter(
                    action=AuditAction.DOCUMENT_VIEW, actor__isnull=False, document__isnull=False
                )
            )
        ),
        start,
        end,
    )
    views_sql, views_params = views.order_by().values_list("id", "actor_id", "document_id", "at").query.sql_with_params()
    connection = connections[views.db]
    template = _BURSTS_POSTGRESQL if connection.vendor == "postgresql" else _BURSTS_SQLITE
    with connection.cursor() as cursor:
        cursor.execute(template.format(views=views_sql), [*views_params, minutes, count])
        rows = cursor.fetchall()
    people = User.objects.using(views.db).select_related("unit").in_bulk([row[0] for row in rows])
    return [
        Burst(person=people.get(actor_id), peak=peak, windows=windows, first_at=_aware(first), last_at=_aware(last))
        for actor_id, peak, windows, first, last in rows
    ]


# --- anomaly reports: the state of things now ------------------------------------------------------


def open_ended_grants(scope: ReviewScope) -> QuerySet:
    """Live need-to-know grants without an end on 極機密 and 絕對機密 documents."""
    grants = heavy(NeedToKnowGrant.objects.all()).filter(
        ended_at__isnull=True, expires_at__isnull=True, document__level__gte=HIGHEST_LEVELS_FROM
    )
    if not scope.whole_office:
        grants = grants.filter(scope.people_q("user__") | scope.documents_q("document__"))
    return (
        grants.select_related("user__unit", "document", "granted_by")
        .only(
            "basis", "granted_at", "user__username", "user__full_name", "user__unit__name",
            "granted_by__username", "granted_by__full_name", *_doc_fields(),
        )
        .order_by("-document__level", "granted_at", "pk")
    )


def unreturned_copies(scope: ReviewScope, *, now: datetime | None = None, grace_days: int | None = None) -> QuerySet:
    """Numbered copies still held ``grace_days`` (``REGISTRY_RECALL_GRACE_DAYS``) after their recall."""
    now = now or timezone.now()
    grace_days = settings.REGISTRY_RECALL_GRACE_DAYS if grace_days is None else grace_days
    copies = heavy(DocumentCopy.objects.all()).filter(
        state=CopyState.HELD, recalled_at__lt=now - timedelta(days=grace_days)
    )
    if not scope.whole_office:
        copies = copies.filter(scope.people_q("holder__") | scope.documents_q("document__"))
    return (
        copies.select_related("holder__unit", "document")
        .only(
            "number", "is_reproduction", "recalled_at", "issued_at",
            "holder__username", "holder__full_name", "holder__unit__name", *_doc_fields(),
        )
        .order_by("recalled_at", "pk")
    )


def loans_overdue(scope: ReviewScope, *, today: date | None = None) -> QuerySet:
    """Loans out past their due date (``registry.selectors.archive.overdue_loans``)."""
    loans = heavy(overdue_loans(today=today))
    if not scope.whole_office:
        loans = loans.filter(scope.people_q("borrower__") | scope.documents_q("document__"))
    return (
        loans.select_related("borrower__unit", "document")
        .only(
            "due_on", "lent_at", "borrower__username", "borrower__full_name", "borrower__unit__name",
            *_doc_fields(),
        )
        .order_by("due_on", "pk")
    )


def unreviewed_declassification(scope: ReviewScope, *, today: date | None = None) -> QuerySet:
    """Documents whose declassification condition is met (``declassification_due``) and that nobody
    has reviewed since: never reviewed, or last reviewed before the condition was met (``due``)."""
    today = today or timezone.localdate()
    documents = heavy(declassification_due(today=today)).annotate(
        due=Case(
            When(
                declass_due_on__lte=today,
                declass_event_met_on__lt=F("declass_due_on"),
                then=F("declass_event_met_on"),
            ),
            When(declass_due_on__lte=today, then=F("declass_due_on")),
            default=F("declass_event_met_on"),
        )
    ).filter(Q(last_reviewed_on__isnull=True) | Q(last_reviewed_on__lt=F("due")))
    if not scope.whole_office:
        documents = documents.filter(scope.documents_q())
    return (
        documents.select_related("responsible_unit", "handling_unit")
        .only(
            *DOCUMENT_FIELDS, "declass_kind", "declass_due_on", "declass_event_met_on", "last_reviewed_on",
            "responsible_unit__name", "handling_unit__name",
        )
        .order_by("due", "pk")
    )


# --- the reports, by name --------------------------------------------------------------------------

# slug → whether it is about a period of the trail (True) or the state of things now (False).
REPORTS = {
    "refused": True,
    "off-hours": True,
    "bursts": True,
    "open-grants": False,
    "unreturned-copies": False,
    "overdue-loans": False,
    "declassification": False,
}


def report_rows(slug: str, scope: ReviewScope, start: datetime | None, end: datetime | None, viewer=None):
    """The rows of one report (a queryset, or a list for bursts); ``viewer`` unmasks the details
    of events on documents they know."""
    if slug == "refused":
        return refused_accesses(scope, start, end)
    if slug == "off-hours":
        return event_rows(off_hours_views(scope, start, end), viewer)
    if slug == "bursts":
        return view_bursts(scope, start, end)
    if slug == "open-grants":
        return open_ended_grants(scope)
    if slug == "unreturned-copies":
        return unreturned_copies(scope)
    if slug == "overdue-loans":
        return loans_overdue(scope)
    if slug == "declassification":
        return unreviewed_declassification(scope)
    raise KeyError(slug)


def report_total(rows) -> int:
    """The exact number of rows (the printed report states it)."""
    return len(rows) if isinstance(rows, list) else rows.count()


def report_count(rows) -> tuple[int, bool]:
    """(rows, whether there are more than that) for the review page's summary: exact up to
    ``COUNT_LIMIT``, so a visit reads at most that many keys of each report, however many rows the
    trail and the register hold."""
    return (len(rows), False) if isinstance(rows, list) else bounded_count(rows)
