"""The one function that appends to the audit chain, and the one that verifies it.

Each event's ``hash`` is an HMAC-SHA256 under a secret key that the application holds outside the
database (``settings.REGISTRY_AUDIT_KEYS``, from the environment: config/audit_chain.py), and the
event stores the id of that key (``key_id``). Whoever can write to the database but holds no key
cannot append an event that verifies. What is hashed is the event's text::

    key_id TAB seq TAB at TAB actor TAB action TAB document TAB details TAB prev_hash

in UTF-8, each field written as PostgreSQL's COPY text format writes it (backslash, tab, newline,
carriage return, backspace, form feed and vertical tab escaped with a backslash; no value as
``\\N``), ``at`` in UTC as PostgreSQL's ISO output writes a timestamp (``2026-11-24 05:13:22.1234``:
no trailing zeros in the fraction, none at all on a whole second) and ``details`` the canonical JSON
stored. No field holds a bare tab, so the text is unambiguous; every value round-trips through
the database exactly; the key id is inside, so an event cannot be moved under another key. It is
also exactly the line ``COPY … TO STDOUT`` sends for the row, so verification hashes the lines
PostgreSQL sends without building a Python object per event.

Events made before the chain was keyed carry key id "sha256" and a plain SHA-256 over canonical
JSON (``legacy_event_hash``). They stay verifiable; the first keyed event's HMAC covers the last of
their hashes (its ``prev_hash``), which protects everything before it, and an unkeyed event after
a keyed one is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.utils import timezone

from registry.models.audit import GENESIS_HASH, LEGACY_KEY_ID, AuditAction, AuditEvent

# Key of the transaction-scoped advisory lock that serializes appends on PostgreSQL. SQLite takes
# its write lock at BEGIN (transaction_mode IMMEDIATE), which serializes appends there.
_CHAIN_LOCK_KEY = 0x5EC2E7A0

# Events read per query while verifying.
BATCH = 100_000


class AuditKeyError(ImproperlyConfigured):
    """The key an event needs is not among the configured audit keys."""


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and no spaces: the same value always gives the same text."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


# --- what is hashed ---------------------------------------------------------------------------

_COPY_ESCAPES = str.maketrans(
    {"\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v"}
)
_COPY_UNESCAPES = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
_ESCAPED = re.compile(r"\\(.)", re.DOTALL)
_NULL = "\\N"


def _text(value: str) -> str:
    return value.translate(_COPY_ESCAPES)


def _untext(raw: bytes) -> str | None:
    if raw == b"\\N":
        return None
    value = raw.decode("utf-8")
    return _ESCAPED.sub(lambda m: _COPY_UNESCAPES.get(m[1], m[1]), value) if "\\" in value else value


def _utc_text(at: datetime) -> str:
    """As PostgreSQL writes ``at AT TIME ZONE 'UTC'`` with DateStyle ISO."""
    at = at.astimezone(UTC)
    text = f"{at.year:04d}-{at.month:02d}-{at.day:02d} {at.hour:02d}:{at.minute:02d}:{at.second:02d}"
    return f"{text}.{at.microsecond:06d}".rstrip("0") if at.microsecond else text


def _legacy_time(utc_text: str) -> str:
    """``_utc_text`` → the form the unkeyed hashes used: 2026-11-24T05:13:22.123400Z."""
    day, _, clock = utc_text.partition(" ")
    seconds, _, fraction = clock.partition(".")
    return f"{day}T{seconds}.{fraction.ljust(6, '0')}Z"


def event_text(
    *, key_id: str, seq: int, at: datetime, actor_id, action: str, document_id, details: str, prev_hash: str
) -> bytes:
    """What a keyed event's HMAC is computed over (see the module's docstring)."""
    return "\t".join(
        (
            _text(key_id),
            str(seq),
            _utc_text(at),
            _NULL if actor_id is None else str(actor_id),
            _text(action),
            _NULL if document_id is None else str(document_id),
            _text(details),
            _text(prev_hash),
        )
    ).encode("utf-8")


def _timestamp(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _legacy_digest(*, seq: int, at_text: str, actor_id, action, document_id, details, prev_hash) -> str:
    payload = canonical_json(
        {
            "seq": seq,
            "at": at_text,
            "actor": actor_id,
            "action": action,
            "document": document_id,
            "details": details,
            "prev": prev_hash,
        }
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def legacy_event_hash(*, seq: int, at: datetime, actor_id, action: str, document_id, details: str, prev_hash: str) -> str:
    """The unkeyed hash of events made before the chain was keyed: SHA-256 over canonical JSON."""
    return _legacy_digest(
        seq=seq,
        at_text=_timestamp(at),
        actor_id=actor_id,
        action=action,
        document_id=document_id,
        details=details,
        prev_hash=prev_hash,
    )


# --- keys -------------------------------------------------------------------------------------


def current_key_id() -> str:
    """The id of the key new events are made with (``REGISTRY_AUDIT_KEY_ID``)."""
    return settings.REGISTRY_AUDIT_KEY_ID


def _key(key_id: str) -> bytes:
    key = settings.REGISTRY_AUDIT_KEYS.get(key_id)
    if key is None:
        raise AuditKeyError(f"the audit key {key_id!r} is not configured (REGISTRY_AUDIT_KEYS / REGISTRY_AUDIT_KEY_FILE)")
    return key


def event_hash(
    *, seq: int, at: datetime, actor_id, action: str, document_id, details: str, prev_hash: str, key_id: str | None = None
) -> str:
    """The hash an event must carry: HMAC-SHA256 under ``key_id`` (the current key by default), or
    the plain SHA-256 of an event made before the chain was keyed (key id "sha256")."""
    key_id = current_key_id() if key_id is None else key_id
    fields = {
        "seq": seq,
        "at": at,
        "actor_id": actor_id,
        "action": action,
        "document_id": document_id,
        "details": details,
        "prev_hash": prev_hash,
    }
    if key_id == LEGACY_KEY_ID:
        return legacy_event_hash(**fields)
    return hmac.new(_key(key_id), event_text(key_id=key_id, **fields), "sha256").hexdigest()


_pads_cache: dict[bytes, tuple] = {}


def _pads(key: bytes) -> tuple:
    """HMAC-SHA256 as RFC 2104 defines it, the two padded key blocks hashed once: the MAC of m is
    SHA-256(outer ∥ SHA-256(inner ∥ m)). Copying these two prepared states per event costs a
    third of what an hmac object (or its copy) does; ``event_hash`` is the reference."""
    found = _pads_cache.get(key)
    if found is None:
        block = (hashlib.sha256(key).digest() if len(key) > 64 else key).ljust(64, b"\0")
        found = _pads_cache[key] = (
            hashlib.sha256(bytes(b ^ 0x36 for b in block)),
            hashlib.sha256(bytes(b ^ 0x5C for b in block)),
        )
    return found


# --- appending --------------------------------------------------------------------------------


def record(*, action: AuditAction | str, actor=None, document=None, details: dict | None = None) -> AuditEvent:
    """Append one event to the chain, inside the caller's transaction (or a new one)."""
    key_id = current_key_id()
    _key(key_id)  # an unconfigured key fails here, before anything is locked
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
        head = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
        seq, prev_hash = (head[0] + 1, head[1]) if head else (1, GENESIS_HASH)
        # Microseconds survive a round trip through PostgreSQL and SQLite; nothing finer is kept.
        at = timezone.now()
        body = canonical_json(details or {})
        actor_id = actor.pk if actor is not None and getattr(actor, "pk", None) else None
        document_id = document.pk if document is not None else None
        digest = event_hash(
            seq=seq,
            at=at,
            actor_id=actor_id,
            action=str(action),
            document_id=document_id,
            details=body,
            prev_hash=prev_hash,
            key_id=key_id,
        )
        return AuditEvent.objects.create(
            seq=seq,
            at=at,
            actor_id=actor_id,
            action=str(action),
            document_id=document_id,
            details=body,
            prev_hash=prev_hash,
            hash=digest,
            key_id=key_id,
        )


# --- reading the chain as lines ---------------------------------------------------------------
# A line is "hash TAB event text NEWLINE" (bytes): the stored hash, then what it was computed over.
# A line source calls write(line) for each event with seq > after, in seq order, at most limit.

LineSource = Callable[[int, int, Callable[[bytes], None]], None]


class _Sink:
    __slots__ = ("write",)

    def __init__(self, write):
        self.write = write


def _copy_source(cursor) -> LineSource:
    """PostgreSQL: the rows as ``COPY … TO STDOUT`` sends them, one write per row. The caller has
    set DateStyle ISO for its transaction (``verify_chain``)."""
    from psycopg2 import sql

    statement = sql.SQL(
        "COPY (SELECT hash, key_id, seq, at AT TIME ZONE 'UTC', actor_id, action, document_id, details, prev_hash "
        "FROM {table} WHERE seq > {after} ORDER BY seq LIMIT {limit}) TO STDOUT"
    )
    table = sql.Identifier(AuditEvent._meta.db_table)
    raw = cursor.cursor

    def source(after: int, limit: int, write) -> None:
        query = statement.format(table=table, after=sql.Literal(int(after)), limit=sql.Literal(int(limit)))
        raw.copy_expert(query, _Sink(write))

    return source


def _values_source(after: int, limit: int, write) -> None:
    """Any other database: the rows through the ORM, written as the same lines."""
    rows = (
        AuditEvent.objects.filter(seq__gt=after)
        .order_by("seq")
        .values_list("hash", "key_id", "seq", "at", "actor_id", "action", "document_id", "details", "prev_hash")
    )[:limit]
    for stored, key_id, seq, at, actor_id, action, document_id, details, prev_hash in rows.iterator(chunk_size=5000):
        text = event_text(
            key_id=key_id,
            seq=seq,
            at=at,
            actor_id=actor_id,
            action=action,
            document_id=document_id,
            details=details,
            prev_hash=prev_hash,
        )
        write(_text(stored).encode("utf-8") + b"\t" + text + b"\n")


# --- verifying --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainReport:
    whole: bool
    checked: int
    head_seq: int | None
    head_hash: str | None
    broken_seq: int | None = None
    problem: str = ""
    head_key_id: str | None = None
    # None when the whole chain was verified; the first sequence number re-computed otherwise.
    from_seq: int | None = None


class _Walk:
    """A verification in progress: the sequence number expected next and the hash it must link to."""

    def __init__(self, *, expected_seq: int, prev_hash: bytes, keyed_seen: bool):
        self.expected_seq = expected_seq
        self.prev = prev_hash
        self.keyed_seen = keyed_seen
        self.keys = {k.encode(): v for k, v in settings.REGISTRY_AUDIT_KEYS.items()}
        self.pads = {k: _pads(v) for k, v in self.keys.items()}
        self.checked = 0
        self.last: tuple[int, bytes, str] | None = None  # seq, hash, key id of the last event that held
        self.broken_seq: int | None = None
        self.problem = ""

    def _break(self, seq: int, problem: str) -> bool:
        self.broken_seq, self.problem = seq, problem
        return False

    def check(self, line: bytes) -> bool:
        """Check one event and name exactly what does not hold (the reference for ``fast``)."""
        fields = line.rstrip(b"\n").split(b"\t")
        expected = self.expected_seq
        if len(fields) != 9:
            return self._break(expected, "the stored event cannot be read")
        stored, raw_key, raw_seq, at_text, actor, action, document, details, prev = fields
        seq = int(raw_seq)
        key_id = _untext(raw_key) or ""
        if seq != expected:
            return self._break(expected, f"sequence number {expected} is missing")
        if prev != self.prev:
            return self._break(seq, "previous hash does not match the event before it")
        if key_id == LEGACY_KEY_ID:
            if self.keyed_seen:
                return self._break(seq, "an unkeyed (plain SHA-256) event after the first keyed event is refused")
            digest = _legacy_digest(
                seq=seq,
                at_text=_legacy_time(at_text.decode("ascii")),
                actor_id=None if actor == b"\\N" else int(actor),
                action=_untext(action),
                document_id=None if document == b"\\N" else int(document),
                details=_untext(details),
                prev_hash=_untext(prev),
            )
            problem = "stored hash does not match the event's contents"
        else:
            key = self.keys.get(raw_key)
            if key is None:
                return self._break(
                    seq,
                    f"the event's key id {key_id!r} is unknown to this installation "
                    "(REGISTRY_AUDIT_KEYS / REGISTRY_AUDIT_KEY_FILE)",
                )
            digest = hmac.new(key, line.rstrip(b"\n").split(b"\t", 1)[1], "sha256").hexdigest()
            problem = f"stored hash does not match the event's contents under its key {key_id!r}"
        if digest.encode("ascii") != stored:
            return self._break(seq, problem)
        self.keyed_seen = self.keyed_seen or key_id != LEGACY_KEY_ID
        self.checked += 1
        self.expected_seq, self.prev, self.last = seq + 1, stored, (seq, stored, key_id)
        return True

    def exact(self, source: LineSource, after: int, limit: int) -> int:
        """Check a batch event by event, stopping at the first problem; returns the lines read."""
        read = 0

        def write(line: bytes) -> None:
            nonlocal read
            read += 1
            if not self.problem:
                self.check(line)

        source(after, limit, write)
        return read

    def fast(self, source: LineSource, after: int, limit: int) -> int | None:
        """Check a batch of keyed events without parsing them: the MAC over the line as sent, the
        link to the hash before. Returns the lines read, or None at anything unusual (an unkeyed
        event, an unknown key, a broken link or hash, a gap), leaving the state as it was: the
        caller then re-reads the batch with ``exact`` to name the problem."""
        pads, ok, n, last = self.pads, True, 0, b""
        link = b"\t" + self.prev + b"\n"

        def write(line: bytes) -> None:
            nonlocal ok, n, last, link
            if not ok:
                return
            i = line.find(b"\t")
            key = pads.get(line[i + 1 : line.find(b"\t", i + 1)])
            if key is None or not line.endswith(link):
                ok = False
                return
            inner, outer = key[0].copy(), key[1].copy()
            inner.update(line[i + 1 : -1])
            outer.update(inner.digest())
            stored = line[:i]
            if outer.hexdigest().encode() != stored:
                ok = False
                return
            link = b"\t" + stored + b"\n"
            n += 1
            last = line

        source(after, limit, write)
        if not ok:
            return None
        if n == 0:
            return 0
        fields = last.split(b"\t", 3)
        seq = int(fields[2])
        if seq != after + n:  # seqs are unique and ascending: the last is after + n only without a gap
            return None
        self.keyed_seen = True
        self.checked += n
        self.expected_seq, self.prev, self.last = seq + 1, fields[0], (seq, fields[0], _untext(fields[1]) or "")
        return n

    def run(self, source: LineSource, batch: int) -> None:
        while not self.problem:
            after = self.expected_seq - 1
            if self.keyed_seen:
                limit, read = batch, self.fast(source, after, batch)
                if read is None:
                    read = self.exact(source, after, batch)
            else:
                # Unkeyed events, before the first keyed one, are checked event by event; the very
                # first batch is one event, to find out which kind the chain starts with.
                limit = batch if self.last is not None else 1
                read = self.exact(source, after, limit)
            if read < limit:
                return

    def report(self, from_seq: int | None) -> ChainReport:
        seq, stored, key_id = self.last if self.last else (None, None, None)
        return ChainReport(
            whole=not self.problem,
            checked=self.checked,
            head_seq=seq,
            head_hash=stored.decode("ascii", "replace") if stored is not None else None,
            broken_seq=self.broken_seq,
            problem=self.problem,
            head_key_id=key_id,
            from_seq=from_seq,
        )


def _line_source(cursor) -> LineSource:
    if connection.vendor == "postgresql" and hasattr(cursor.cursor, "copy_expert"):
        return _copy_source(cursor)
    return _values_source


def verify_chain(*, since: tuple[int, str] | None = None, batch: int = BATCH) -> ChainReport:
    """Re-compute every hash and link; name the first sequence number that does not hold.

    ``since`` = (sequence number, hash) of the head of an earlier whole verification: verify that
    event again (it must still carry that hash) and everything after it, not the events before it.
    """
    # On PostgreSQL in a transaction of its own, for SET LOCAL; on SQLite a transaction would take
    # the write lock (transaction_mode IMMEDIATE) for as long as the verification runs.
    postgresql = connection.vendor == "postgresql"
    with transaction.atomic() if postgresql else nullcontext(), connection.cursor() as cursor:
        if postgresql:
            cursor.execute("SET LOCAL DateStyle TO 'ISO'")  # how the lines write ``at``
        source = _line_source(cursor)
        if since is None:
            walk = _Walk(expected_seq=1, prev_hash=GENESIS_HASH.encode(), keyed_seen=False)
            walk.run(source, batch)
            return walk.report(None)
        start_seq, start_hash = since
        lines: list[bytes] = []
        source(start_seq - 1, 1, lines.append)
        fields = lines[0].rstrip(b"\n").split(b"\t") if lines else []
        if len(fields) != 9 or int(fields[2]) != start_seq or fields[0] != start_hash.encode():
            return ChainReport(
                False,
                0,
                None,
                None,
                broken_seq=start_seq,
                problem="the event the last whole verification ended on is missing or has changed since",
                from_seq=start_seq,
            )
        # Its own link is covered by its hash, which is checked again here.
        walk = _Walk(expected_seq=start_seq, prev_hash=fields[8], keyed_seen=False)
        if walk.check(lines[0]):
            walk.run(source, batch)
        return walk.report(start_seq)


def stored_hashes(seqs) -> dict[int, str]:
    """The hashes stored now for these sequence numbers (those that exist)."""
    return dict(AuditEvent.objects.filter(seq__in=list(seqs)).values_list("seq", "hash"))
