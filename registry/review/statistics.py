"""統計: how many documents the office (or a supervisor's units) holds, by level, state, unit and
year; registrations per month of a year; declassifications and destructions per year. Counts only
— no subject, no number — computed by the database (GROUP BY), read from the replica when there is
one, and drawn as bar charts in SVG made here (no script, no CDN), with the numbers beside them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, QuerySet
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils.translation import gettext as _

from classification import Level
from classification.roc import ROC_OFFSET
from registry.db import heavy
from registry.models import Document, DocumentState, Unit
from registry.review.reports import period_bounds
from registry.review.scope import ReviewScope

BAR_HEIGHT = 18
BAR_GAP = 6
LABEL_WIDTH = 150
CHART_WIDTH = 560
UNIT_ROWS = 20


@dataclass
class Bar:
    label: str
    count: int
    width: int = 0  # of the bar, in the chart's units
    y: int = 0


@dataclass
class Chart:
    title: str
    bars: list[Bar]
    height: int = 0
    label_width: int = LABEL_WIDTH
    bar_space: int = CHART_WIDTH - LABEL_WIDTH - 60

    @property
    def total(self) -> int:
        return sum(bar.count for bar in self.bars)

    def lay_out(self) -> Chart:
        top = max((bar.count for bar in self.bars), default=0)
        for index, bar in enumerate(self.bars):
            bar.width = round(self.bar_space * bar.count / top) if top else 0
            bar.y = index * (BAR_HEIGHT + BAR_GAP)
        self.height = max(1, len(self.bars)) * (BAR_HEIGHT + BAR_GAP)
        return self


def _documents(scope: ReviewScope) -> QuerySet:
    return heavy(Document.objects.order_by()).filter(scope.documents_q())


def _counts(queryset: QuerySet, key: str) -> dict:
    return {row[key]: row["n"] for row in queryset.values(key).annotate(n=Count("id")).order_by()}


def by_level(scope: ReviewScope) -> Chart:
    counts = _counts(_documents(scope), "level")
    return Chart(_("Documents by level"), [Bar(level.label, counts.get(int(level), 0)) for level in reversed(Level)]).lay_out()


def by_state(scope: ReviewScope) -> Chart:
    counts = _counts(_documents(scope), "state")
    return Chart(
        _("Documents by state"), [Bar(str(label), counts.get(code, 0)) for code, label in DocumentState.choices]
    ).lay_out()


def by_unit(scope: ReviewScope) -> Chart:
    counts = _counts(_documents(scope), "responsible_unit")
    names = dict(Unit.objects.filter(pk__in=list(counts)).values_list("pk", "name"))
    ranked = sorted(counts.items(), key=lambda item: (-item[1], names.get(item[0], "")))[:UNIT_ROWS]
    return Chart(_("Documents by receiving unit (the largest %(count)s)") % {"count": UNIT_ROWS},
                 [Bar(names.get(pk, "—"), n) for pk, n in ranked]).lay_out()


def by_year(scope: ReviewScope) -> Chart:
    counts = _counts(_documents(scope), "reg_year")
    return Chart(_("Registrations by year"), [Bar(f"{year}年", counts[year]) for year in sorted(counts)]).lay_out()


def per_month(scope: ReviewScope, roc_year: int) -> Chart:
    start, end = period_bounds(date(roc_year + ROC_OFFSET, 1, 1), date(roc_year + ROC_OFFSET, 12, 31))
    rows = (
        _documents(scope).filter(registered_at__gte=start, registered_at__lt=end)
        .annotate(month=ExtractMonth("registered_at")).values("month").annotate(n=Count("id")).order_by()
    )
    counts = {row["month"]: row["n"] for row in rows}
    return Chart(_("Registrations per month of %(year)s") % {"year": f"{roc_year}年"},
                 [Bar(f"{month}月", counts.get(month, 0)) for month in range(1, 13)]).lay_out()


def declassified_per_year(scope: ReviewScope) -> Chart:
    rows = (
        _documents(scope).filter(declassified_on__isnull=False).annotate(year=ExtractYear("declassified_on"))
        .values("year").annotate(n=Count("id")).order_by()
    )
    counts = {row["year"] - ROC_OFFSET: row["n"] for row in rows}
    return Chart(_("Declassifications per year"), [Bar(f"{y}年", counts[y]) for y in sorted(counts)]).lay_out()


def destroyed_per_year(scope: ReviewScope) -> Chart:
    rows = (
        _documents(scope).filter(destroyed_at__isnull=False).annotate(year=ExtractYear("destroyed_at"))
        .values("year").annotate(n=Count("id")).order_by()
    )
    counts = {row["year"] - ROC_OFFSET: row["n"] for row in rows}
    return Chart(_("Destructions per year"), [Bar(f"{y}年", counts[y]) for y in sorted(counts)]).lay_out()


def statistics(scope: ReviewScope, roc_year: int) -> list[Chart]:
    return [
        by_level(scope),
        by_state(scope),
        by_unit(scope),
        by_year(scope),
        per_month(scope, roc_year),
        declassified_per_year(scope),
        destroyed_per_year(scope),
    ]
