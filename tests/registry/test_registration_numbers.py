"""DESIGN point 5: registration numbers are gapless and unique per (ROC year, series), also when
several clerks register at the same moment."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from django.db import connections, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry.audit import verify_chain
from registry.errors import ValidationFailed
from registry.models import (
    AuditAction,
    AuditEvent,
    Direction,
    Document,
    RegistrationCounter,
)
from tests.factories import register_document

SERIES = {Direction.INCOMING: "收", Direction.OUTGOING: "發", Direction.INTERNAL: "內"}


def no_authorization_needed(direction):
    """Arguments for ``direction``: an outgoing or internal document is this office's own and
    needs no §14 authorization from elsewhere; an incoming one keeps the factory's."""
    if direction == Direction.INCOMING:
        return {"direction": direction}
    return {"direction": direction, "authorization_ref": "", "authorization_by": ""}


@pytest.mark.django_db
def test_numbers_start_at_one_in_each_series(clerk):
    documents = [
        register_document(clerk, **no_authorization_needed(direction))
        for direction in (
            Direction.INCOMING,
            Direction.OUTGOING,
            Direction.INCOMING,
            Direction.INTERNAL,
            Direction.OUTGOING,
            Direction.INCOMING,
        )
    ]

    assert [(d.reg_series, d.reg_serial) for d in documents] == [
        ("收", 1),
        ("發", 1),
        ("收", 2),
        ("內", 1),
        ("發", 2),
        ("收", 3),
    ]


@pytest.mark.django_db
def test_a_new_roc_year_starts_again_at_one_at_midnight_in_taipei(clerk, monkeypatch):
    # 2025-12-31 15:59 UTC is 23:59 in Taipei (ROC 114); a minute later it is New Year (ROC 115).
    monkeypatch.setattr(timezone, "now", lambda: datetime(2025, 12, 31, 15, 59, tzinfo=UTC))
    old_year = [register_document(clerk) for _ in range(3)]
    monkeypatch.setattr(timezone, "now", lambda: datetime(2025, 12, 31, 16, 0, tzinfo=UTC))
    new_year = [register_document(clerk) for _ in range(2)]

    assert [d.number for d in old_year] == ["114收000001", "114收000002", "114收000003"]
    assert [d.number for d in new_year] == ["115收000001", "115收000002"]
    assert RegistrationCounter.objects.get(year=114, series="收").last == 3
    assert RegistrationCounter.objects.get(year=115, series="收").last == 2


@pytest.mark.django_db
@settings(
    max_examples=25, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    attempts=st.lists(
        st.tuples(st.sampled_from(list(SERIES)), st.booleans()),  # (direction, breaks a rule?)
        min_size=1,
        max_size=12,
    )
)
def test_numbers_have_no_gaps_whatever_is_refused_in_between(clerk, attempts):
    # Each example runs in its own savepoint, rolled back at the end, so every example starts
    # from empty counters.
    with transaction.atomic():
        expected = dict.fromkeys(SERIES.values(), 0)
        for direction, broken in attempts:
            if broken:
                with pytest.raises(ValidationFailed):
                    register_document(clerk, protection_years=11, **no_authorization_needed(direction))
            else:
                document = register_document(clerk, **no_authorization_needed(direction))
                expected[SERIES[direction]] += 1
                assert document.reg_serial == expected[SERIES[direction]]
        for series, last in expected.items():
            serials = sorted(Document.objects.filter(reg_series=series).values_list("reg_serial", flat=True))
            assert serials == list(range(1, last + 1))
            counter = RegistrationCounter.objects.filter(series=series).values_list("last", flat=True).first()
            assert (counter or 0) == last
        transaction.set_rollback(True)


def run_concurrently(workers: int, work) -> list[BaseException]:
    """Run ``work(i)`` in ``workers`` threads started together; return what they raised.

    Each thread has its own database connection and closes it at the end.
    """
    barrier = threading.Barrier(workers)
    errors: list[BaseException] = []

    def run(i):
        try:
            barrier.wait(timeout=30)
            work(i)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(thread.is_alive() for thread in threads), "a worker hung (deadlock?)"
    return errors


@pytest.mark.django_db(transaction=True)
def test_register_numbers_have_no_gaps_under_concurrency(make_person, receiving_unit):
    from registry.roles import Role

    clerks = [make_person(Role.CLERK, unit=receiving_unit) for _ in range(4)]
    per_worker = 50

    errors = run_concurrently(
        len(clerks), lambda i: [register_document(clerks[i]) for _ in range(per_worker)]
    )

    assert errors == []
    serials = list(Document.objects.filter(reg_series="收").values_list("reg_serial", flat=True))
    assert sorted(serials) == list(range(1, 4 * per_worker + 1))  # no gap, no duplicate
    assert RegistrationCounter.objects.get(series="收").last == 4 * per_worker
    # Every clerk got their own fifty, and each registration wrote its one audit event.
    for clerk in clerks:
        assert Document.objects.filter(registered_by=clerk).count() == per_worker
    assert AuditEvent.objects.filter(action=AuditAction.DOCUMENT_REGISTER).count() == 4 * per_worker
    seqs = list(AuditEvent.objects.values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    report = verify_chain()
    assert report.whole, report.problem
    assert report.checked == len(seqs)


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_in_two_series_stay_gapless_in_each(make_person, receiving_unit):
    from registry.roles import Role

    clerks = [make_person(Role.CLERK, unit=receiving_unit) for _ in range(4)]
    directions = [Direction.INCOMING, Direction.OUTGOING, Direction.INCOMING, Direction.OUTGOING]

    errors = run_concurrently(
        4,
        lambda i: [register_document(clerks[i], **no_authorization_needed(directions[i])) for _ in range(25)],
    )

    assert errors == []
    for series in ("收", "發"):
        serials = sorted(Document.objects.filter(reg_series=series).values_list("reg_serial", flat=True))
        assert serials == list(range(1, 51))
    assert verify_chain().whole
