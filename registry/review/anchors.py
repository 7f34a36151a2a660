"""Anchors: the verified head of the audit chain, written outside the database.

``manage.py verify_audit`` appends each verified head (time, sequence number, hash, key id) to an
append-only file, one JSON line per anchor (``REGISTRY_AUDIT_ANCHOR_FILE``), and/or sends it to
syslog (``REGISTRY_AUDIT_SYSLOG``). Kept on another machine or on write-once storage, an anchor is
what the database cannot change: ``verify_audit --since-anchor FILE`` re-computes the chain and
shows that the event at each anchored sequence number still carries the anchored hash, so that
nothing up to it was changed, removed or re-hashed, even by someone holding the database and a key.
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from registry.audit import ChainReport, stored_hashes

SYSLOG_TAG = "registry-audit-anchor"
_TAIL_BYTES = 16384


@dataclass(frozen=True)
class Anchor:
    at: datetime
    seq: int
    hash: str
    key_id: str = ""
    line: int = 0  # line number in the file it was read from
    source: str = "file"  # "file", or "database" for the note a verification keeps of it

    def as_json(self) -> str:
        return json.dumps(
            {"at": self.at.isoformat(), "seq": self.seq, "hash": self.hash, "key_id": self.key_id},
            sort_keys=True,
            separators=(",", ":"),
        )


class AnchorFileError(ValueError):
    """An anchor file that cannot be read, or a line in it that is not an anchor."""


class _SysLogHandler(logging.handlers.SysLogHandler):
    def handleError(self, record):
        raise  # an anchor that was not sent must not pass for sent (logging would only print it)


def anchor_of(report: ChainReport, *, at: datetime | None = None) -> Anchor | None:
    """The anchor of a whole chain's head (None for a broken or an empty chain)."""
    if not report.whole or report.head_seq is None:
        return None
    return Anchor(at=at or timezone.now(), seq=report.head_seq, hash=report.head_hash or "", key_id=report.head_key_id or "")


def write_anchor(anchor: Anchor) -> tuple[list[str], list[str]]:
    """Append the anchor to the file and send it to syslog, as configured. Returns where it went and
    what failed (each destination is tried, whatever became of the other)."""
    written, failed = [], []
    path = settings.REGISTRY_AUDIT_ANCHOR_FILE
    if path:
        target = Path(path)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            # Append mode only: an anchor file is never rewritten, and each line is flushed to disk.
            with open(target, "a", encoding="utf-8") as handle:
                handle.write(anchor.as_json() + "\n")
                handle.flush()
                os.fsync(handle.fileno())
            written.append(f"file {target}")
        except OSError as exc:
            failed.append(f"file {target}: {exc.strerror or exc}")
    if settings.REGISTRY_AUDIT_SYSLOG:
        address, socktype = settings.REGISTRY_AUDIT_SYSLOG
        shown = address if isinstance(address, str) else f"{address[0]}:{address[1]}"
        try:
            handler = _SysLogHandler(address=address, facility=_SysLogHandler.LOG_AUTH, socktype=socktype)
            handler.ident = f"{SYSLOG_TAG}: "
            try:
                handler.emit(logging.LogRecord(SYSLOG_TAG, logging.INFO, __file__, 0, anchor.as_json(), None, None))
            finally:
                handler.close()
            written.append(f"syslog {shown}")
        except OSError as exc:
            failed.append(f"syslog {shown}: {exc.strerror or exc}")
    return written, failed


def _parse(text: str, line: int) -> Anchor:
    try:
        data = json.loads(text)
        at = datetime.fromisoformat(data["at"])
        seq, digest = data["seq"], data["hash"]
    except (ValueError, KeyError, TypeError) as exc:
        raise AnchorFileError(f"line {line} is not an anchor ({exc.__class__.__name__})") from exc
    if not isinstance(seq, int) or seq < 1 or not isinstance(digest, str) or at.utcoffset() is None:
        raise AnchorFileError(f"line {line} is not an anchor (seq, hash or a time without its UTC offset)")
    return Anchor(at=at, seq=seq, hash=digest, key_id=str(data.get("key_id", "")), line=line)


def read_anchors(path: str | Path) -> list[Anchor]:
    """Every anchor of a file, in the order written. Blank lines are skipped."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise AnchorFileError(f"cannot read {path}: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise AnchorFileError(f"{path} is not UTF-8 text") from exc
    return [_parse(text, number) for number, text in enumerate(lines, start=1) if text.strip()]


def last_anchor_in_file(path: str | Path) -> Anchor | None:
    """The newest anchor of a file (read from its end), or None when there is none to read."""
    try:
        with open(path, "rb") as handle:
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            handle.seek(max(0, size - _TAIL_BYTES))
            tail = handle.read().decode("utf-8", "replace").splitlines()
    except OSError:
        return None
    for text in reversed(tail[1:] if size > _TAIL_BYTES else tail):
        if text.strip():
            try:
                return _parse(text, 0)
            except AnchorFileError:
                return None
    return None


@dataclass(frozen=True)
class AnchorCheck:
    checked: int
    failed: Anchor | None = None
    problem: str = ""


def check_anchors(anchors: list[Anchor], report: ChainReport) -> AnchorCheck:
    """Hold each anchor against the chain just verified (``report``, of the whole chain): the event at
    the anchored sequence number must have verified and must carry the anchored hash. Names the
    first anchor, in the file's order, that does not hold."""
    verified_through = report.head_seq or 0
    stored = stored_hashes({a.seq for a in anchors if a.seq <= verified_through})
    for anchor in anchors:
        if anchor.seq > verified_through:
            if report.whole:
                problem = f"the chain ends at sequence number {verified_through}, before the anchored one"
            else:
                problem = f"the chain is broken at sequence number {report.broken_seq}, before the anchored one"
        elif stored.get(anchor.seq) != anchor.hash:
            problem = f"the event stored at sequence number {anchor.seq} carries another hash ({stored.get(anchor.seq)})"
        else:
            continue
        return AnchorCheck(checked=len(anchors), failed=anchor, problem=problem)
    return AnchorCheck(checked=len(anchors))
