"""The suite passes at any hour: tests whose rules depend on the time of day are marked ``any_hour``
and run at the present moment and again at 02:00 and at 23:30 Taipei time (``tests/conftest.py``);
``--taipei-clock HH:MM`` (or ``REGISTRY_TEST_CLOCK``) runs a whole session from such an hour.

These tests check the clock itself: that a marked test really runs at each of those hours, on a
Taipei clock that keeps running, and that ``next_taipei`` never goes back in time.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tests.conftest import CLOCKS, TAIPEI, next_taipei


@pytest.mark.any_hour
def test_a_marked_test_runs_at_each_clock(taipei_clock):
    shown = timezone.localtime().strftime("%H:%M")
    if taipei_clock == "now":
        assert str(timezone.get_current_timezone()) == "Asia/Taipei"
    else:
        assert taipei_clock in CLOCKS
        assert shown == taipei_clock


@pytest.mark.parametrize(
    ("now", "clock", "expected"),
    [
        (datetime(2026, 12, 2, 6, 21, tzinfo=TAIPEI), "02:00", datetime(2026, 12, 3, 2, 0, tzinfo=TAIPEI)),
        (datetime(2026, 12, 2, 6, 21, tzinfo=TAIPEI), "23:30", datetime(2026, 12, 2, 23, 30, tzinfo=TAIPEI)),
        (datetime(2026, 12, 31, 23, 45, tzinfo=TAIPEI), "23:30", datetime(2027, 1, 1, 23, 30, tzinfo=TAIPEI)),
        # A UTC moment: 22:21 UTC is 06:21 the next morning in Taipei.
        (datetime(2026, 12, 1, 22, 21, tzinfo=ZoneInfo("UTC")), "02:00", datetime(2026, 12, 3, 2, 0, tzinfo=TAIPEI)),
    ],
)
def test_next_taipei_is_always_ahead(now, clock, expected):
    moment = next_taipei(clock, now=now)
    assert moment == expected and moment > now
