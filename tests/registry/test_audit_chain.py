"""DESIGN point 4: the audit chain is append-only and tamper-evident. Each event links to the one
before it; the database refuses UPDATE, DELETE and TRUNCATE; a change made behind the triggers'
back is found by ``verify_chain`` and ``manage.py verify_audit``; concurrent appends never fork."""

from __future__ import annotations

import json
import threading
from io import StringIO
from itertools import pairwise

import pytest
from django.core.management import call_command
from django.db import (
    DatabaseError,
    IntegrityError,
    connection,
    connections,
    transaction,
)
from django.utils import timezone

from registry import audit
from registry.audit import event_hash, verify_chain
from registry.models import AuditAction, AuditEvent
from registry.models.audit import GENESIS_HASH


def record_some(n, actor=None, document=None):
    return [
        audit.record(action=AuditAction.AUTH_LOGIN, actor=actor, document=document, details={"i": i, "字": "機"})
        for i in range(n)
    ]


def recomputed_hash(event: AuditEvent) -> str:
    return event_hash(
        seq=event.seq,
        at=event.at,
        actor_id=event.actor_id,
        action=event.action,
        document_id=event.document_id,
        details=event.details,
        prev_hash=event.prev_hash,
    )


def tamper(sql: str, params=()):
    """Change the table as its owner could: with the append-only triggers switched off, inside the
    test's transaction (rolled back afterwards)."""
    with connection.cursor() as cursor:
        # Django's foreign keys are deferred; ALTER TABLE wants no constraint checks pending.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE registry_auditevent DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        cursor.execute("ALTER TABLE registry_auditevent ENABLE TRIGGER USER")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def run_verify_audit():
    out, err = StringIO(), StringIO()
    try:
        call_command("verify_audit", stdout=out, stderr=err)
    except SystemExit as exit_:
        return exit_.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


# --- the chain ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_each_append_links_to_the_event_before_it(clerk, walk):
    document = walk("registered")
    start = AuditEvent.objects.count()

    events = record_some(3, actor=clerk, document=document)

    stored = list(AuditEvent.objects.order_by("seq"))
    assert [e.seq for e in stored] == list(range(1, start + 4))
    assert stored[0].prev_hash == GENESIS_HASH
    for before, after in pairwise(stored):
        assert after.prev_hash == before.hash
    for event in stored:
        assert event.hash == recomputed_hash(event)  # what was hashed round-trips through the database
    assert (events[-1].actor, events[-1].document) == (clerk, document)


@pytest.mark.django_db
def test_details_are_stored_as_canonical_json():
    event = audit.record(action=AuditAction.AUDIT_SEARCH, details={"b": 1, "a": "政風", "c": [2, 1]})

    assert AuditEvent.objects.get(pk=event.pk).details == '{"a":"政風","b":1,"c":[2,1]}'
    assert json.loads(event.details) == {"b": 1, "a": "政風", "c": [2, 1]}


@pytest.mark.django_db
def test_a_whole_chain_verifies():
    record_some(5)

    report = verify_chain()

    assert report.whole
    assert (report.checked, report.head_seq, report.broken_seq) == (5, 5, None)
    assert report.head_hash == AuditEvent.objects.get(seq=5).hash


@pytest.mark.django_db
def test_an_empty_chain_is_whole():
    assert verify_chain().whole
    assert verify_chain().checked == 0


@pytest.mark.django_db
def test_an_append_rolled_back_with_its_transaction_leaves_no_gap():
    record_some(2)
    with transaction.atomic():
        audit.record(action=AuditAction.AUTH_LOGIN, details={"rolled": "back"})
        transaction.set_rollback(True)

    later = audit.record(action=AuditAction.AUTH_LOGOUT)

    assert later.seq == 3
    assert verify_chain().whole


@pytest.mark.django_db
def test_a_second_event_on_the_same_previous_hash_is_refused_by_the_database():
    [_first, second] = record_some(2)

    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.create(
            seq=99,
            at=timezone.now(),
            action=AuditAction.AUTH_LOGIN,
            details="{}",
            prev_hash=second.prev_hash,  # a fork off the first event
            hash="f" * 64,
        )


# --- the database refuses change ----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE registry_auditevent SET details = '{\"x\":1}' WHERE seq = 2",
        "UPDATE registry_auditevent SET actor_id = NULL",
        "DELETE FROM registry_auditevent WHERE seq = 2",
        "DELETE FROM registry_auditevent",
        "TRUNCATE registry_auditevent",
    ],
    ids=["update-one", "update-all", "delete-one", "delete-all", "truncate"],
)
def test_the_database_refuses_to_change_or_remove_audit_events(sql):
    record_some(3)
    before = list(AuditEvent.objects.order_by("seq").values_list("seq", "details", "hash"))

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        # Settle the deferred foreign-key checks first, so only the triggers can refuse.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(sql)

    assert list(AuditEvent.objects.order_by("seq").values_list("seq", "details", "hash")) == before
    assert verify_chain().whole


@pytest.mark.django_db
def test_truncate_is_refused_when_the_flush_setting_is_off():
    record_some(1)

    with (
        pytest.raises(DatabaseError, match="append-only: TRUNCATE"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET LOCAL registry.allow_audit_truncate = 'off'")
        cursor.execute("TRUNCATE registry_auditevent")

    assert AuditEvent.objects.count() == 1


@pytest.mark.django_db
def test_the_orm_cannot_change_or_remove_audit_events_either():
    [event] = record_some(1)

    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(details="{}")
    with pytest.raises(DatabaseError), transaction.atomic():
        event.details = '{"i":42}'
        event.save()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.get(pk=event.pk).delete()

    assert AuditEvent.objects.get(pk=event.pk).hash == recomputed_hash(AuditEvent.objects.get(pk=event.pk))


def test_the_refusal_is_a_permission_error_at_the_database_level(db):
    """psycopg2 maps SQLSTATE 42501 (insufficient_privilege) to ProgrammingError; Django re-raises it
    as django.db.utils.ProgrammingError, a DatabaseError."""
    from django.db.utils import ProgrammingError

    record_some(1)
    with pytest.raises(ProgrammingError) as refusal, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("DELETE FROM registry_auditevent")
    assert refusal.value.__cause__.pgcode == "42501"


# --- tampering is found -------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_row_changed_behind_the_triggers_back_breaks_the_chain_at_its_number():
    record_some(6)

    tamper("UPDATE registry_auditevent SET details = '{\"x\":1}' WHERE seq = 4")

    report = verify_chain()
    assert not report.whole
    assert report.broken_seq == 4
    assert report.checked == 3
    assert report.head_seq == 3
    assert "hash" in report.problem
    code, _out, err = run_verify_audit()
    assert code == 1
    assert "sequence number 4" in err


@pytest.mark.django_db
def test_a_rehashed_forgery_breaks_the_link_to_the_next_event():
    events = record_some(5)
    forged = AuditEvent.objects.get(seq=3)
    forged.details = '{"i":99}'
    new_hash = recomputed_hash(forged)

    tamper("UPDATE registry_auditevent SET details = %s, hash = %s WHERE seq = 3", [forged.details, new_hash])

    report = verify_chain()
    assert report.broken_seq == 4
    assert "previous hash" in report.problem
    assert events[3].prev_hash != new_hash


@pytest.mark.django_db
def test_an_event_removed_behind_the_triggers_back_is_named_as_missing():
    record_some(5)

    tamper("DELETE FROM registry_auditevent WHERE seq = 2")

    report = verify_chain()
    assert report.broken_seq == 2
    assert "sequence number 2 is missing" in report.problem
    code, _, err = run_verify_audit()
    assert code == 1 and "sequence number 2" in err


@pytest.mark.django_db
def test_a_changed_actor_or_time_is_found_too(make_person):
    record_some(3)
    intruder = make_person()

    tamper("UPDATE registry_auditevent SET actor_id = %s WHERE seq = 2", [intruder.pk])

    assert verify_chain().broken_seq == 2


@pytest.mark.django_db
def test_verify_audit_exits_zero_on_a_whole_chain():
    record_some(4)

    code, out, err = run_verify_audit()

    assert code == 0
    assert "whole" in out and "4 events" in out
    assert err == ""


# --- concurrency --------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_never_fork_the_chain():
    workers, each = 4, 25
    barrier = threading.Barrier(workers)
    errors = []

    def append(i):
        try:
            barrier.wait(timeout=30)
            for n in range(each):
                audit.record(action=AuditAction.AUTH_LOGIN, details={"worker": i, "n": n})
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=append, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True)) == list(range(1, workers * each + 1))
    assert AuditEvent.objects.values("prev_hash").distinct().count() == workers * each
    report = verify_chain()
    assert report.whole, report.problem
    assert report.checked == workers * each
