"""統計: counts by level, state, unit, year and month; declassifications and destructions per year —
the whole office for the ethics office, their units for a supervisor; drawn in SVG with the numbers
beside them, and never a subject or a number."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from classification import Level
from classification.roc import roc_year
from registry.review.scope import ReviewScope, review_scope
from registry.review.statistics import by_level, by_state, by_unit, per_month, statistics
from tests.factories import register_document

pytestmark = pytest.mark.django_db

SUBJECT = "統計頁不得出現之主旨"


def counts(chart) -> dict[str, int]:
    return {bar.label: bar.count for bar in chart.bars}


@pytest.fixture
def two_units(clerk, make_person):
    from registry.roles import Role
    from tests.factories import UnitFactory

    far = UnitFactory(code="FAR", name="遠方局")
    far_clerk = make_person(Role.CLERK, unit=far, username="farclerk")
    mine = [register_document(clerk, level=Level.CONFIDENTIAL, subject=SUBJECT) for _ in range(3)]
    mine.append(register_document(clerk, level=Level.OFFICIAL_SECRET, subject=SUBJECT))
    theirs = [register_document(far_clerk, level=Level.SECRET, subject=SUBJECT) for _ in range(2)]
    return mine, theirs, far


def test_the_ethics_office_counts_the_whole_office(two_units):
    whole = ReviewScope(units=None)

    assert counts(by_level(whole))[Level.CONFIDENTIAL.label] == 3
    assert counts(by_level(whole))[Level.SECRET.label] == 2
    assert by_level(whole).total == 6 and by_state(whole).total == 6
    assert counts(by_unit(whole))["遠方局"] == 2
    month = f"{timezone.localdate().month}月"
    assert counts(per_month(whole, roc_year(timezone.localdate())))[month] == 6


def test_a_supervisor_counts_only_their_units(two_units, supervisor):
    scope = review_scope(supervisor)

    assert by_level(scope).total == 4
    assert "遠方局" not in counts(by_unit(scope))
    assert counts(by_level(scope)).get(Level.SECRET.label) == 0


def test_bars_are_drawn_to_scale(two_units):
    chart = by_level(ReviewScope(units=None))
    widths = {bar.label: bar.width for bar in chart.bars}
    assert widths[Level.CONFIDENTIAL.label] == chart.bar_space
    assert widths[Level.SECRET.label] == round(chart.bar_space * 2 / 3)
    assert widths[Level.TOP_SECRET.label] == 0


def test_the_page_draws_svg_with_the_numbers_and_no_subject(client, two_units, ethics_officer):
    mine, _theirs, _far = two_units
    client.force_login(ethics_officer)

    response = client.get(reverse("registry:review_statistics"), {"year": "abc"})
    html = response.content.decode()

    assert response.status_code == 200 and "<svg" in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)  # charts drawn on the server, no inline script
    assert SUBJECT not in html and mine[0].number not in html
    assert len(response.context["charts"]) == len(statistics(ReviewScope(units=None), 115))
