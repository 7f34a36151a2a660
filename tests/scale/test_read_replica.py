"""Heavy reads go to a real streaming replica; writes and the audit chain to the primary.

``make test`` runs the suite through ``scripts/with-postgres.sh`` with ``WITH_REPLICA=1``: beside the
throwaway primary it starts a hot standby made with ``pg_basebackup -R`` and exports
``DATABASE_REPLICA_URL``. The settings then have a ``replica`` alias, a TEST MIRROR of ``default``:
Django creates the test database on the primary only, and in Django 5.2 the mirror keeps its own
host and port and takes the test database's name, so ``connections["replica"]`` is a connection to
the standby server, reading ``test_<name>`` as streaming replication brings it over.

How the router's choice is made observable: the tests here commit (``transaction=True``; a test
transaction that is never committed would never reach the standby), wait until the standby has
replayed the primary's WAL, and then

* ask ``pg_is_in_recovery()`` on the very connection the chosen alias names — true only on a
  standby, so a report query bound to that alias ran on the replica server;
* capture the SQL each connection ran during a page (``CaptureQueriesContext`` per alias): the
  report's SELECTs appear on the replica's connection, the page's INSERT of its audit event on the
  primary's, and the chain stays whole.

The rest of the suite keeps ``REGISTRY_REPLICA_READS`` off (config/settings_test.py); these tests
turn it on. Without a replica (only ``DATABASE_URL`` given) they are skipped, saying why.
"""

from __future__ import annotations

import os
import time

import pytest
import time_machine
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext

from registry import audit, db
from registry.models import AuditAction, AuditEvent, DocumentState
from registry.review import reports
from registry.review.scope import ReviewScope

pytestmark = [
    pytest.mark.skipif(
        not os.environ.get("DATABASE_REPLICA_URL"),
        reason="no streaming replica: DATABASE_REPLICA_URL is not set (make test starts one beside its "
        "throwaway cluster; with only DATABASE_URL given there is none to test against)",
    ),
    pytest.mark.django_db(transaction=True, databases=["default", "replica"]),
]


@pytest.fixture
def replica_reads(settings):
    """Heavy reads on the replica, as in production with DATABASE_REPLICA_URL set."""
    settings.REGISTRY_REPLICA_READS = True
    yield
    connections["replica"].close()


def in_recovery(alias: str) -> bool:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        return cursor.fetchone()[0]


def wait_for_replay(timeout: float = 20.0) -> None:
    """Until the standby has replayed everything the primary has written so far."""
    with connections["default"].cursor() as cursor:
        # With synchronous_commit off the WAL reaches the standby once the WAL writer flushes it.
        cursor.execute("SELECT pg_current_wal_insert_lsn()")
        target = cursor.fetchone()[0]
    deadline = time.monotonic() + timeout
    while True:
        with connections["replica"].cursor() as cursor:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
            if cursor.fetchone()[0]:
                return
        if time.monotonic() > deadline:
            pytest.fail(f"the standby did not replay the primary's WAL up to {target} within {timeout} s")
        time.sleep(0.05)


def test_the_replica_alias_is_a_standby_of_the_primary_holding_the_test_database(replica_reads):
    assert in_recovery("replica") is True
    assert in_recovery("default") is False
    names = {alias: connections[alias].settings_dict["NAME"] for alias in ("default", "replica")}
    assert names["replica"] == names["default"] and names["default"].startswith("test_")
    ports = {alias: connections[alias].settings_dict["PORT"] for alias in ("default", "replica")}
    assert ports["replica"] != ports["default"]


def test_a_report_query_runs_on_the_replica_and_sees_the_committed_rows(replica_reads, outsider):
    for n in range(3):
        audit.record(action=AuditAction.ACCESS_DENIED, actor=outsider, details={"requested": n, "purpose": "view"})
    wait_for_replay()

    rows = reports.refused_accesses(ReviewScope(units=None), None, None)

    assert rows.db == "replica"
    assert in_recovery(rows.db) is True
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        found = list(rows)
    assert [(r["actor__username"], r["denied"]) for r in found] == [("outsider", 3)]
    assert any("registry_auditevent" in q["sql"] for q in on_replica.captured_queries)


def test_inside_heavy_read_the_router_reads_from_the_replica_but_the_audit_append_writes_the_primary(
    replica_reads, clerk
):
    audit.record(action=AuditAction.AUDIT_SEARCH, actor=clerk, details={"n": 1})
    wait_for_replay()
    with db.heavy_read():
        queryset = AuditEvent.objects.all()
        assert queryset.db == "replica"
        assert in_recovery(queryset.db) is True
        # The append reads the chain's head under its lock, inside its own transaction: primary.
        event = audit.record(action=AuditAction.AUDIT_SEARCH, actor=clerk, details={"n": 2})
    assert AuditEvent.objects.using("default").filter(pk=event.pk).exists()
    assert audit.verify_chain().whole


def test_inside_a_transaction_heavy_reads_stay_on_the_primary(replica_reads):
    assert db.heavy_read_alias() == "replica"
    with transaction.atomic():
        assert db.heavy_read_alias() == "default"
        assert reports.events_in_period(ReviewScope(units=None), None, None).db == "default"


def test_the_review_pages_read_from_the_replica_and_record_their_audit_event_on_the_primary(
    replica_reads, client, ethics_officer, walk, outsider
):
    walk(DocumentState.IN_HANDLING)
    audit.record(action=AuditAction.ACCESS_DENIED, actor=outsider, details={"requested": 1, "purpose": "view"})
    client.force_login(ethics_officer)
    wait_for_replay()

    # The review home only reads; the report, the search and the export record the look.
    pages = [
        ("/review/", False),
        ("/review/reports/refused/", True),
        ("/audit/?action=access.denied", True),
        ("/audit/export.csv", True),
    ]
    for url, audited in pages:
        before = AuditEvent.objects.using("default").count()
        with CaptureQueriesContext(connections["replica"]) as on_replica, CaptureQueriesContext(
            connections["default"]
        ) as on_primary:
            response = client.get(url)
            body = b"".join(response.streaming_content) if response.streaming else response.content
        assert response.status_code == 200, url
        replica_sql = [q["sql"] for q in on_replica.captured_queries]
        primary_sql = [q["sql"] for q in on_primary.captured_queries]
        assert any("registry_auditevent" in sql for sql in replica_sql), (url, replica_sql)
        assert not any(sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")) for sql in replica_sql)
        inserts = [sql for sql in primary_sql if sql.startswith('INSERT INTO "registry_auditevent"')]
        assert len(inserts) == int(audited), url
        assert AuditEvent.objects.using("default").count() == before + int(audited), url
        if url.endswith(".csv"):
            assert "access.denied" in body.decode("utf-8")
    assert audit.verify_chain().whole


def test_after_a_change_the_same_person_reads_from_the_primary_until_the_pin_ends(
    replica_reads, settings, client, ethics_officer
):
    settings.REGISTRY_REPLICA_PIN_SECONDS = 30
    client.force_login(ethics_officer)
    wait_for_replay()
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        assert client.get("/review/reports/refused/").status_code == 200
    assert on_replica.captured_queries, "before any change the report reads from the replica"

    with time_machine.travel(time.time(), tick=True) as clock:
        # A change: the verify button records a verification (a POST), then the same report.
        assert client.post("/review/verify/").status_code == 302
        with CaptureQueriesContext(connections["replica"]) as on_replica:
            assert client.get("/review/reports/refused/").status_code == 200
        assert on_replica.captured_queries == [], "right after a change the person reads the primary"

        clock.shift(31)
        wait_for_replay()
        with CaptureQueriesContext(connections["replica"]) as on_replica:
            assert client.get("/review/reports/refused/").status_code == 200
        assert on_replica.captured_queries, "once the pin has ended the replica answers again"
