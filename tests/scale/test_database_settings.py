"""The application's PostgreSQL connections: JIT off, PgBouncer-safe settings, the router's rules."""

from __future__ import annotations

import pytest
from django.db import connection, router, transaction

from config.env import database_from_url


def test_jit_is_turned_off_in_the_connection_options_of_a_database_url():
    options = database_from_url("postgres://registry@db.example:5432/registry")["OPTIONS"]
    assert options["options"] == "-c jit=off"


def test_options_in_the_url_are_kept_beside_jit_off():
    url = "postgres://registry@db/registry?sslmode=require&options=-c%20statement_timeout%3D5000"
    options = database_from_url(url)["OPTIONS"]
    assert options["sslmode"] == "require"
    assert options["options"] == "-c statement_timeout=5000 -c jit=off"


def test_a_jit_setting_in_the_url_is_left_as_given():
    options = database_from_url("postgres://registry@db/registry?options=-c%20jit%3Don")["OPTIONS"]
    assert options["options"] == "-c jit=on"


@pytest.mark.parametrize(("value", "expected"), [(None, False), ("true", True), ("off", False)])
def test_server_side_cursors_can_be_disabled_for_pgbouncer_transaction_pooling(monkeypatch, value, expected):
    if value is None:
        monkeypatch.delenv("DATABASE_DISABLE_SERVER_SIDE_CURSORS", raising=False)
    else:
        monkeypatch.setenv("DATABASE_DISABLE_SERVER_SIDE_CURSORS", value)
    assert database_from_url("postgres://registry@db/registry")["DISABLE_SERVER_SIDE_CURSORS"] is expected


@pytest.mark.django_db
def test_the_test_database_connection_runs_with_jit_off():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


@pytest.mark.django_db(transaction=True)
def test_the_audit_append_holds_no_lock_after_its_transaction(clerk):
    """PgBouncer in transaction pooling gives the next transaction to any server connection: the
    chain's lock must end with the transaction (pg_advisory_xact_lock), never stay on a session."""
    from registry import audit
    from registry.models import AuditAction

    with transaction.atomic():
        audit.record(action=AuditAction.AUDIT_SEARCH, actor=clerk, details={})
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()")
            assert cursor.fetchone()[0] == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()")
        assert cursor.fetchone()[0] == 0


def test_writes_and_migrations_go_to_the_primary_only():
    from registry.models import AuditEvent, Document

    assert router.db_for_write(AuditEvent) == "default"
    assert router.db_for_write(Document) == "default"
    assert router.db_for_read(Document) == "default"
    assert router.allow_migrate("replica", "registry") is False
    assert router.allow_migrate("default", "registry") is not False
