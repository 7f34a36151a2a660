"""The audit chain is keyed: each event's hash is an HMAC-SHA256 under a key held outside the
database, named by the event's key id. Whoever can only write to the database cannot append an
event that verifies; keys rotate; the chain made before the keys (plain SHA-256) stays verifiable
and is sealed by the first keyed event; verification is fast (COPY lines hashed as sent) and can
start from the last whole verification."""

from __future__ import annotations

import base64
import hmac
import json
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from config.audit_chain import audit_keys, syslog_address
from registry import audit
from registry.audit import event_hash, event_text, legacy_event_hash, verify_chain
from registry.models import AuditAction, AuditEvent, ChainVerification, VerificationSource
from registry.models.audit import GENESIS_HASH
from registry.review.chain import build_bench_chain, measure_verification, verify_and_record
from tests.registry.test_audit_chain import record_some, tamper

TEST_KEY = b"registry-test-audit-key-0123456789abcdef"
SECOND_KEY = b"registry-second-audit-key-fedcba9876543210"
WRONG_KEY = b"an-attackers-guess-at-the-audit-key-00000"


def run_verify_audit(*args):
    out, err = StringIO(), StringIO()
    try:
        call_command("verify_audit", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return exit_.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def stored_fields(event: AuditEvent) -> dict:
    return {
        "seq": event.seq,
        "at": event.at,
        "actor_id": event.actor_id,
        "action": event.action,
        "document_id": event.document_id,
        "details": event.details,
        "prev_hash": event.prev_hash,
    }


def head() -> tuple[int, str]:
    event = AuditEvent.objects.order_by("-seq").first()
    return (event.seq, event.hash) if event else (0, GENESIS_HASH)


def append_row(*, key_id: str, key: bytes | None = None, action=AuditAction.AUTH_LOGIN, details="{}", at=None):
    """Append a row straight to the table, as anyone with the application's database role can (the
    triggers allow INSERT): its hash a plain SHA-256 (key id "sha256") or an HMAC under ``key``."""
    seq, prev = head()
    fields = {
        "seq": seq + 1,
        "at": at or timezone.now(),
        "actor_id": None,
        "action": str(action),
        "document_id": None,
        "details": details,
        "prev_hash": prev,
    }
    if key is None:
        digest = legacy_event_hash(**fields)
    else:
        digest = hmac.new(key, event_text(key_id=key_id, **fields), "sha256").hexdigest()
    return AuditEvent.objects.create(key_id=key_id, hash=digest, **fields)


def legacy_chain(n: int) -> list[AuditEvent]:
    """A chain as it stood before the keys: every event hashed with plain SHA-256."""
    start = timezone.now() - timedelta(days=1)
    return [
        append_row(key_id="sha256", details=audit.canonical_json({"i": i, "字": "舊"}), at=start + timedelta(seconds=i))
        for i in range(n)
    ]


# --- keyed hashes -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_each_event_is_an_hmac_under_the_current_key_and_names_it():
    events = record_some(3)

    for event in AuditEvent.objects.filter(pk__in=[e.pk for e in events]):
        assert event.key_id == "test-1"
        expected = hmac.new(TEST_KEY, event_text(key_id="test-1", **stored_fields(event)), "sha256").hexdigest()
        assert event.hash == expected
        assert event.hash != legacy_event_hash(**stored_fields(event))
    report = verify_chain()
    assert report.whole and report.checked == 3
    assert report.head_key_id == "test-1"


@pytest.mark.django_db
def test_a_row_appended_with_a_correct_plain_sha256_does_not_verify():
    record_some(3)
    forged = append_row(key_id="sha256")  # what the database role alone could do before the keys

    report = verify_chain()

    assert not report.whole
    assert report.broken_seq == forged.seq == 4
    assert "unkeyed" in report.problem
    code, _out, err = run_verify_audit()
    assert code == 1 and "sequence number 4" in err


@pytest.mark.django_db
def test_a_row_appended_with_an_hmac_under_a_wrong_key_does_not_verify():
    record_some(3)
    forged = append_row(key_id="test-1", key=WRONG_KEY)

    report = verify_chain()

    assert (report.whole, report.broken_seq, report.head_seq) == (False, forged.seq, 3)
    assert "under its key 'test-1'" in report.problem


@pytest.mark.django_db
def test_an_event_under_a_key_id_unknown_here_fails_naming_its_number():
    record_some(2)
    append_row(key_id="ghost", key=WRONG_KEY)
    record_some(1)

    report = verify_chain()

    assert report.broken_seq == 3
    assert "key id 'ghost' is unknown" in report.problem
    code, _out, err = run_verify_audit()
    assert code == 1
    assert "sequence number 3" in err and "'ghost'" in err


@pytest.mark.django_db
def test_rotation_new_events_under_the_new_key_older_ones_keep_verifying(settings):
    record_some(3)
    settings.REGISTRY_AUDIT_KEYS = {"test-1": TEST_KEY, "test-2": SECOND_KEY}
    settings.REGISTRY_AUDIT_KEY_ID = "test-2"

    record_some(2)

    assert list(AuditEvent.objects.order_by("seq").values_list("key_id", flat=True)) == ["test-1"] * 3 + ["test-2"] * 2
    report = verify_chain()
    assert report.whole and report.checked == 5 and report.head_key_id == "test-2"
    # Without the old key the old events cannot be verified: said plainly, at the first of them.
    settings.REGISTRY_AUDIT_KEYS = {"test-2": SECOND_KEY}
    report = verify_chain()
    assert report.broken_seq == 1
    assert "key id 'test-1' is unknown" in report.problem


@pytest.mark.django_db
def test_an_event_cannot_be_moved_under_another_key(settings):
    """The key id is inside what is hashed: relabelling an event's key breaks it even when the
    relabeller holds both keys' ids (but only the old key)."""
    settings.REGISTRY_AUDIT_KEYS = {"test-1": TEST_KEY, "test-2": SECOND_KEY}
    [event] = record_some(1)

    tamper("UPDATE registry_auditevent SET key_id = 'test-2' WHERE seq = %s", [event.seq])

    assert verify_chain().broken_seq == event.seq


@pytest.mark.django_db
def test_recording_without_the_current_key_configured_refuses_and_writes_nothing(settings):
    settings.REGISTRY_AUDIT_KEY_ID = "missing"

    with pytest.raises(ImproperlyConfigured, match="'missing' is not configured"):
        audit.record(action=AuditAction.AUTH_LOGIN)

    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_details_with_backslashes_tabs_newlines_and_chinese_round_trip_into_the_hash():
    """The hashed text escapes exactly as PostgreSQL's COPY does: a details text full of what COPY
    escapes verifies, and the ORM's rendering of each row equals the line PostgreSQL sends."""
    nasty = {"reason": 'a\\b\tc\nd\re\x08f\x0cg\x0bh "quoted" \\N', "字": "機密\u3000文書", "n": [1, None, True]}
    audit.record(action=AuditAction.AUDIT_SEARCH, details=nasty)
    audit.record(action=AuditAction.AUTH_LOGIN, details={"path": "C:\\temp\\x", "tab": "\t"})

    assert verify_chain().whole
    copied, rendered = [], []
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL DateStyle TO 'ISO'")
        audit._copy_source(cursor)(0, 100, copied.append)
    audit._values_source(0, 100, rendered.append)
    assert copied == rendered and len(copied) == 2


@pytest.mark.django_db
@pytest.mark.parametrize("microsecond", [0, 120000, 1, 999999], ids=["whole-second", "trailing-zeros", "one", "max"])
def test_times_hash_the_same_as_postgresql_writes_them(microsecond):
    moment = datetime(2026, 11, 24, 5, 13, 22, microsecond, tzinfo=UTC)
    with time_machine.travel(moment, tick=False):
        event = audit.record(action=AuditAction.AUTH_LOGIN)

    assert AuditEvent.objects.get(pk=event.pk).at == moment
    assert verify_chain().whole
    copied, rendered = [], []
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL DateStyle TO 'ISO'")
        audit._copy_source(cursor)(0, 1, copied.append)
    audit._values_source(0, 1, rendered.append)
    assert copied == rendered


@pytest.mark.django_db
def test_batches_checked_fast_and_a_break_in_a_later_batch_is_named_exactly(make_person):
    """Verification reads the chain in batches and hashes each batch's lines as sent; a batch that
    does not hold is read again event by event to name the problem."""
    record_some(11)
    assert verify_chain(batch=3).whole
    assert verify_chain(batch=3).checked == 11

    tamper("UPDATE registry_auditevent SET actor_id = %s WHERE seq = 8", [make_person().pk])

    report = verify_chain(batch=3)
    assert (report.broken_seq, report.checked, report.head_seq) == (8, 7, 7)
    assert report == verify_chain(batch=1000)


@pytest.mark.django_db
def test_a_gap_inside_a_fast_batch_is_named_as_missing():
    record_some(9)

    tamper("DELETE FROM registry_auditevent WHERE seq = 6")

    report = verify_chain(batch=4)
    assert report.broken_seq == 6
    assert "sequence number 6 is missing" in report.problem


# --- the chain made before the keys -------------------------------------------------------------


@pytest.mark.django_db
def test_a_legacy_chain_stays_verifiable_and_the_first_keyed_event_links_to_it():
    old = legacy_chain(4)
    assert verify_chain().whole

    new = record_some(3)

    assert new[0].prev_hash == old[-1].hash
    assert [e.key_id for e in new] == ["test-1"] * 3
    report = verify_chain(batch=2)
    assert report.whole and report.checked == 7 and report.head_key_id == "test-1"
    assert report == verify_chain()


@pytest.mark.django_db
def test_after_the_keyed_events_a_plain_sha256_row_or_a_wrong_key_fails_naming_its_seq():
    legacy_chain(3)
    record_some(2)

    forged = append_row(key_id="sha256")
    report = verify_chain()
    assert (report.whole, report.broken_seq) == (False, forged.seq)
    assert "unkeyed" in report.problem
    code, _out, err = run_verify_audit()
    assert code == 1 and f"sequence number {forged.seq}" in err


@pytest.mark.django_db
def test_after_the_keyed_events_an_hmac_under_a_wrong_key_fails_naming_its_seq():
    legacy_chain(3)
    record_some(2)

    forged = append_row(key_id="test-1", key=WRONG_KEY)

    report = verify_chain()
    assert (report.whole, report.broken_seq, report.head_seq) == (False, forged.seq, 5)


@pytest.mark.django_db
def test_a_rehashed_legacy_event_is_caught_by_the_first_keyed_event():
    """Anyone can recompute a plain SHA-256; the keyed event after the legacy chain covers the last
    legacy hash, so re-hashing the last legacy event breaks the first keyed link."""
    old = legacy_chain(3)
    record_some(1)
    last = AuditEvent.objects.get(pk=old[-1].pk)
    fields = {**stored_fields(last), "details": '{"i":99}'}

    tamper(
        "UPDATE registry_auditevent SET details = %s, hash = %s WHERE seq = %s",
        [fields["details"], legacy_event_hash(**fields), last.seq],
    )

    report = verify_chain()
    assert report.broken_seq == 4
    assert "previous hash" in report.problem


@pytest.mark.django_db
def test_a_changed_legacy_event_breaks_at_its_number():
    legacy_chain(4)
    record_some(1)

    tamper("UPDATE registry_auditevent SET details = '{\"i\":7}' WHERE seq = 2")

    report = verify_chain()
    assert (report.broken_seq, report.checked) == (2, 1)


@pytest.mark.django_db(transaction=True)
def test_the_migration_marks_the_existing_events_as_plain_sha256_and_they_keep_verifying():
    """Migrate back to before the keys, write a chain as the old code did (raw rows, plain SHA-256),
    migrate forward: every old event has key id "sha256", the chain verifies, new events are keyed."""
    executor = MigrationExecutor(connection)
    [ours] = [key for key in executor.loader.graph.nodes if key[0] == "registry" and key[1].endswith("_keyed_audit_chain")]
    [before] = list(executor.loader.graph.node_map[ours].parents)
    leaves = executor.loader.graph.leaf_nodes()
    executor.migrate([before.key])
    try:
        start = timezone.now() - timedelta(hours=1)
        prev = GENESIS_HASH
        with connection.cursor() as cursor:
            for seq in range(1, 4):
                fields = {
                    "seq": seq,
                    "at": start + timedelta(seconds=seq),
                    "actor_id": None,
                    "action": "auth.login",
                    "document_id": None,
                    "details": json.dumps({"old": seq}, separators=(",", ":")),
                    "prev_hash": prev,
                }
                digest = legacy_event_hash(**fields)
                cursor.execute(
                    "INSERT INTO registry_auditevent (seq, at, actor_id, action, document_id, details, prev_hash, hash) "
                    "VALUES (%(seq)s, %(at)s, %(actor_id)s, %(action)s, %(document_id)s, %(details)s, %(prev_hash)s, %(hash)s)",
                    {**fields, "hash": digest},
                )
                prev = digest
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(leaves)

    assert list(AuditEvent.objects.order_by("seq").values_list("key_id", flat=True)) == ["sha256"] * 3
    assert verify_chain().whole
    audit.record(action=AuditAction.AUTH_LOGIN)
    assert AuditEvent.objects.get(seq=4).key_id == "test-1"
    report = verify_chain()
    assert report.whole and report.checked == 4


# --- incremental verification -------------------------------------------------------------------


@pytest.mark.django_db
def test_incremental_agrees_with_full_on_the_same_chain():
    record_some(5)
    first = verify_and_record(source=VerificationSource.COMMAND)
    record_some(4)

    incremental = verify_chain(since=(first.through_seq, first.head_hash))
    full = verify_chain()

    assert (incremental.whole, incremental.head_seq, incremental.head_hash, incremental.head_key_id) == (
        full.whole, full.head_seq, full.head_hash, full.head_key_id
    )
    assert incremental.from_seq == 5 and incremental.checked == 5  # the start event again, and 4 new
    assert full.from_seq is None and full.checked == 9


@pytest.mark.django_db
def test_incremental_finds_a_break_after_its_start_like_the_full_mode():
    record_some(4)
    first = verify_and_record(source=VerificationSource.COMMAND)
    record_some(4)

    tamper("UPDATE registry_auditevent SET details = '{}' WHERE seq = 7")

    incremental = verify_chain(since=(first.through_seq, first.head_hash))
    full = verify_chain()
    assert incremental.broken_seq == full.broken_seq == 7
    assert incremental.problem == full.problem


@pytest.mark.django_db
def test_a_break_before_the_incremental_start_is_left_to_the_full_mode():
    record_some(4)
    verify_and_record(source=VerificationSource.COMMAND)
    record_some(3)

    tamper("UPDATE registry_auditevent SET details = '{}' WHERE seq = 2")

    code, out, _err = run_verify_audit("--incremental")
    assert code == 0 and "from #4" in out
    assert ChainVerification.objects.first().from_seq == 4
    code, _out, err = run_verify_audit()
    assert code == 1 and "sequence number 2" in err


@pytest.mark.django_db
def test_incremental_refuses_a_start_event_changed_since_it_was_verified():
    record_some(4)
    first = verify_and_record(source=VerificationSource.COMMAND)
    changed = {**stored_fields(AuditEvent.objects.get(seq=4)), "details": '{"i":"changed"}'}

    # Changed and re-hashed with the key: it verifies on its own, but it is not what was verified.
    tamper(
        "UPDATE registry_auditevent SET details = %s, hash = %s WHERE seq = 4",
        [changed["details"], event_hash(**changed)],
    )

    assert verify_chain().whole
    report = verify_chain(since=(first.through_seq, first.head_hash))
    assert (report.whole, report.broken_seq) == (False, 4)
    assert "has changed since" in report.problem


@pytest.mark.django_db
def test_after_a_broken_verification_incremental_verifies_the_whole_chain_again():
    record_some(4)
    verify_and_record(source=VerificationSource.COMMAND)
    tamper("UPDATE registry_auditevent SET details = '{}' WHERE seq = 2")
    assert not verify_and_record(source=VerificationSource.COMMAND).whole
    record_some(1)

    again = verify_and_record(source=VerificationSource.COMMAND, incremental=True)

    assert again.from_seq is None
    assert (again.whole, again.broken_seq) == (False, 2)


@pytest.mark.django_db
def test_incremental_over_a_legacy_start_still_refuses_unkeyed_events_after_keyed_ones():
    legacy_chain(3)
    first = verify_and_record(source=VerificationSource.COMMAND)
    record_some(2)
    append_row(key_id="sha256")

    report = verify_chain(since=(first.through_seq, first.head_hash))

    assert (report.broken_seq, report.from_seq) == (6, 3)
    assert "unkeyed" in report.problem


# --- the measurement ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_bench_chain_is_made_with_the_real_hashing_and_verifies():
    record_some(2)
    lines = []

    figures = measure_verification(events=40, runs=1, out=lines.append)

    assert figures["events"] == 40 and figures["events_per_second"] > 0
    assert AuditEvent.objects.count() == 40
    assert set(AuditEvent.objects.filter(seq__gt=2).values_list("key_id", flat=True)) == {"test-1"}
    assert verify_chain().whole
    assert len(lines) == 1 and "events/s" in lines[0]


@pytest.mark.django_db
def test_the_bench_chain_is_never_written_into_a_real_database(monkeypatch):
    monkeypatch.setitem(connection.settings_dict, "NAME", "registry")

    with pytest.raises(RuntimeError, match="refusing"):
        build_bench_chain(10)


# --- configuration ------------------------------------------------------------------------------


def b64(key: bytes) -> str:
    return base64.b64encode(key).decode()


def test_keys_from_the_list_the_last_is_current_unless_named(tmp_path):
    environ = {"REGISTRY_AUDIT_KEYS": f"a:{b64(TEST_KEY)}, b:{b64(SECOND_KEY)}"}

    assert audit_keys(var_dir=tmp_path, development=False, environ=environ) == ({"a": TEST_KEY, "b": SECOND_KEY}, "b")
    environ["REGISTRY_AUDIT_KEY_ID"] = "a"
    assert audit_keys(var_dir=tmp_path, development=False, environ=environ)[1] == "a"


def test_keys_from_a_file_and_the_list_together(tmp_path):
    key_file = tmp_path / "keys"
    key_file.write_text(f"# rotated 2026-11\nold {b64(TEST_KEY)}\n\n")
    environ = {"REGISTRY_AUDIT_KEY_FILE": str(key_file), "REGISTRY_AUDIT_KEYS": f"new:{b64(SECOND_KEY)}"}

    keys, current = audit_keys(var_dir=tmp_path, development=False, environ=environ)

    assert keys == {"old": TEST_KEY, "new": SECOND_KEY} and current == "new"


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({}, "REGISTRY_AUDIT_KEYS or REGISTRY_AUDIT_KEY_FILE must be set"),
        ({"REGISTRY_AUDIT_KEYS": "a:" + b64(b"short")}, "at least 32"),
        ({"REGISTRY_AUDIT_KEYS": "a:not-base64!"}, "not valid base64"),
        ({"REGISTRY_AUDIT_KEYS": "sha256:" + b64(TEST_KEY)}, "reserved"),
        ({"REGISTRY_AUDIT_KEYS": "a b:" + b64(TEST_KEY)}, "1–16 letters"),
        ({"REGISTRY_AUDIT_KEYS": b64(TEST_KEY)}, "id1:base64key"),
        ({"REGISTRY_AUDIT_KEYS": f"a:{b64(TEST_KEY)},a:{b64(SECOND_KEY)}"}, "given twice"),
        ({"REGISTRY_AUDIT_KEYS": "a:" + b64(TEST_KEY), "REGISTRY_AUDIT_KEY_ID": "b"}, "REGISTRY_AUDIT_KEY_ID"),
        ({"REGISTRY_AUDIT_KEY_FILE": "/nonexistent/keys"}, "cannot read"),
    ],
    ids=["none", "short", "not-base64", "reserved-id", "bad-id", "no-id", "twice", "unknown-current", "no-file"],
)
def test_misconfigured_keys_are_refused_naming_what_is_wrong(tmp_path, environ, named):
    with pytest.raises(ImproperlyConfigured, match=named):
        audit_keys(var_dir=tmp_path, development=False, environ=environ)


def test_development_makes_one_random_key_under_var_and_keeps_it(tmp_path):
    keys, current = audit_keys(var_dir=tmp_path, development=True, environ={})
    again, _ = audit_keys(var_dir=tmp_path, development=True, environ={})

    assert current == "dev" and len(keys["dev"]) == 32 and again == keys
    assert (tmp_path / "audit_key").stat().st_mode & 0o777 == 0o600
    other = tmp_path / "other"
    assert audit_keys(var_dir=other, development=True, environ={})[0] != keys  # random, per install


def test_the_syslog_address_forms():
    import socket

    assert syslog_address("") is None
    assert syslog_address("/dev/log") == ("/dev/log", socket.SOCK_DGRAM)
    assert syslog_address("udp://10.0.0.5:514") == (("10.0.0.5", 514), socket.SOCK_DGRAM)
    assert syslog_address("logs.example.gov.tw:6514") == (("logs.example.gov.tw", 6514), socket.SOCK_DGRAM)
    assert syslog_address("tcp://[::1]:514") == (("::1", 514), socket.SOCK_STREAM)
    for bad in ("http://x:1", "udp://x", "udp://x:99999", "tcp://:514"):
        with pytest.raises(ImproperlyConfigured, match="REGISTRY_AUDIT_SYSLOG"):
            syslog_address(bad)
