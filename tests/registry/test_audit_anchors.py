"""Anchors: ``verify_audit`` writes each verified head outside the database (an append-only file
of JSON lines, and/or syslog), and ``verify_audit --since-anchor FILE`` shows that nothing up to
each anchored head changed: not even someone who holds the database as its owner *and* the key,
and re-hashes every event after the one they changed, gets past an anchor."""

from __future__ import annotations

import json
import socket
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from registry.audit import event_hash, verify_chain
from registry.models import AuditEvent, ChainVerification
from registry.review.anchors import read_anchors
from tests.registry.test_audit_chain import record_some, tamper

pytestmark = pytest.mark.django_db


def run_verify_audit(*args):
    out, err = StringIO(), StringIO()
    try:
        call_command("verify_audit", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return exit_.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


@pytest.fixture
def anchor_file(settings, tmp_path):
    path = tmp_path / "worm" / "audit-anchors.jsonl"  # the directory is made on the first anchor
    settings.REGISTRY_AUDIT_ANCHOR_FILE = str(path)
    return path


def anchors_in(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def rewrite_from(seq: int, details: str):
    """What the table's owner holding the key could do: switch the triggers off, change an event,
    and re-hash it and every event after it so that the chain verifies again."""
    prev = AuditEvent.objects.get(seq=seq).prev_hash
    for event in AuditEvent.objects.filter(seq__gte=seq).order_by("seq"):
        body = details if event.seq == seq else event.details
        digest = event_hash(
            seq=event.seq,
            at=event.at,
            actor_id=event.actor_id,
            action=event.action,
            document_id=event.document_id,
            details=body,
            prev_hash=prev,
            key_id=event.key_id,
        )
        tamper(
            "UPDATE registry_auditevent SET details = %s, prev_hash = %s, hash = %s WHERE seq = %s",
            [body, prev, digest, event.seq],
        )
        prev = digest


# --- writing anchors ----------------------------------------------------------------------------


def test_each_whole_verification_appends_its_head_to_the_anchor_file(anchor_file):
    record_some(3)
    code, out, _ = run_verify_audit()
    assert code == 0
    first_line = anchor_file.read_text()
    record_some(2)

    code, out, _ = run_verify_audit()

    assert code == 0
    assert anchor_file.read_text().startswith(first_line)  # appended, never rewritten
    first, second = anchors_in(anchor_file)
    newest = AuditEvent.objects.get(seq=5)
    assert (first["seq"], second["seq"]) == (3, 5)
    assert (second["hash"], second["key_id"]) == (newest.hash, "test-1")
    assert first["hash"] == AuditEvent.objects.get(seq=3).hash
    assert f"anchored head #5 to file {anchor_file}" in out
    assert str(anchor_file) in ChainVerification.objects.first().anchored_to


def test_a_broken_chain_is_not_anchored(anchor_file):
    record_some(3)
    tamper("UPDATE registry_auditevent SET details = '{}' WHERE seq = 2")

    code, _out, err = run_verify_audit()

    assert code == 1 and "sequence number 2" in err
    assert not anchor_file.exists()
    assert ChainVerification.objects.first().anchored_to == ""


def test_no_anchor_leaves_the_file_alone(anchor_file):
    record_some(2)

    code, out, _ = run_verify_audit("--no-anchor")

    assert code == 0 and "anchored" not in out
    assert not anchor_file.exists()


def test_an_anchor_that_cannot_be_written_is_reported_with_exit_two(settings, tmp_path):
    record_some(2)
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    settings.REGISTRY_AUDIT_ANCHOR_FILE = str(blocker / "anchors.jsonl")  # a directory that cannot exist

    code, out, err = run_verify_audit()

    assert code == 2
    assert "whole" in out and "could NOT be anchored" in err
    recorded = ChainVerification.objects.first()
    assert recorded.whole and recorded.anchored_to == ""


def test_the_anchor_goes_to_syslog_over_udp(settings):
    record_some(2)
    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.bind(("127.0.0.1", 0))
    receiver.settimeout(10)
    settings.REGISTRY_AUDIT_SYSLOG = (receiver.getsockname(), socket.SOCK_DGRAM)
    try:
        code, out, _ = run_verify_audit()
        datagram, _ = receiver.recvfrom(65536)
    finally:
        receiver.close()

    message = datagram.decode()
    head = AuditEvent.objects.get(seq=2)
    assert code == 0 and "syslog 127.0.0.1:" in out
    assert message.startswith("<38>")  # facility auth (4), severity info (6)
    assert "registry-audit-anchor: " in message
    anchor = json.loads(message.split("registry-audit-anchor: ", 1)[1].rstrip("\x00"))
    assert (anchor["seq"], anchor["hash"], anchor["key_id"]) == (2, head.hash, "test-1")
    assert "syslog" in ChainVerification.objects.first().anchored_to


# --- checking against anchors -------------------------------------------------------------------


def test_since_anchor_holds_on_an_unchanged_chain(anchor_file):
    record_some(3)
    run_verify_audit()
    record_some(3)
    run_verify_audit()

    code, out, err = run_verify_audit("--since-anchor", str(anchor_file))

    assert code == 0, err
    assert f"anchors: all 2 of {anchor_file} hold" in out


def test_since_anchor_catches_an_event_rewritten_and_rehashed_with_the_key(anchor_file):
    record_some(6)
    run_verify_audit()
    anchored_head = AuditEvent.objects.get(seq=6).hash

    rewrite_from(3, '{"i":"rewritten"}')

    assert verify_chain().whole  # the key and the owner's rights make a chain that verifies...
    code, _out, err = run_verify_audit("--no-anchor", "--since-anchor", str(anchor_file))
    assert code == 1  # ...but not one that matches what was anchored before
    assert f"line 1 of {anchor_file}, sequence number 6, hash {anchored_head}) does NOT hold" in err
    assert "carries another hash" in err


def test_since_anchor_names_the_first_anchor_that_does_not_hold(anchor_file):
    record_some(3)
    run_verify_audit()
    record_some(3)
    run_verify_audit()
    record_some(2)
    run_verify_audit()

    rewrite_from(5, '{"i":"rewritten"}')

    code, _out, err = run_verify_audit("--no-anchor", "--since-anchor", str(anchor_file))
    assert code == 1
    assert "line 2 of" in err and "sequence number 6" in err  # the anchor at #3 still holds


def test_since_anchor_catches_events_removed_from_the_end(anchor_file):
    record_some(5)
    run_verify_audit()

    tamper("DELETE FROM registry_auditevent WHERE seq >= 4")

    assert verify_chain().whole
    code, _out, err = run_verify_audit("--no-anchor", "--since-anchor", str(anchor_file))
    assert code == 1
    assert "the chain ends at sequence number 3, before the anchored one" in err


def test_since_anchor_with_a_changed_event_before_the_anchor(anchor_file):
    record_some(5)
    run_verify_audit()

    tamper("UPDATE registry_auditevent SET details = '{}' WHERE seq = 2")

    code, _out, err = run_verify_audit("--no-anchor", "--since-anchor", str(anchor_file))
    assert code == 1
    assert "BROKEN at sequence number 2" in err
    assert "sequence number 5" in err and "broken at sequence number 2, before the anchored one" in err


def test_since_anchor_refuses_an_unreadable_or_malformed_file(tmp_path):
    record_some(1)
    bad = tmp_path / "anchors.jsonl"
    bad.write_text('{"at":"2026-11-24T05:00:00+00:00","seq":1,"hash":"ab"}\nnot json\n')

    with pytest.raises(CommandError, match="line 2 is not an anchor"):
        call_command("verify_audit", "--since-anchor", str(bad), stdout=StringIO())
    bad.write_text('{"at":"2026-11-24T05:00:00","seq":1,"hash":"ab"}\n')
    with pytest.raises(CommandError, match=r"line 1 is not an anchor .*UTC offset"):
        call_command("verify_audit", "--since-anchor", str(bad), stdout=StringIO())
    with pytest.raises(CommandError, match="cannot read"):
        call_command("verify_audit", "--since-anchor", str(tmp_path / "missing"), stdout=StringIO())
    with pytest.raises(CommandError, match="cannot be --incremental"):
        call_command("verify_audit", "--incremental", "--since-anchor", str(bad), stdout=StringIO())


def test_anchors_read_back_as_written(anchor_file):
    record_some(2)
    run_verify_audit()

    [anchor] = read_anchors(anchor_file)

    head = AuditEvent.objects.get(seq=2)
    recorded = ChainVerification.objects.first()
    assert (anchor.seq, anchor.hash, anchor.key_id, anchor.line) == (2, head.hash, "test-1", 1)
    assert abs((anchor.at - recorded.verified_at).total_seconds()) < 60
