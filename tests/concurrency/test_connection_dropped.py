"""Fault drill: the database connection dropped in the middle of a change.

A service runs on a thread of its own, with its own connection, and is stopped at a known point
inside its transaction: another connection holds a lock the service needs only after it has
written its first rows (the audit chain's advisory lock, which ``audit.record`` takes; or a table
lock on the next table it writes to). Once PostgreSQL shows the service's backend waiting on that
lock, its backend is terminated (``pg_terminate_backend``), as when a network link or the database
server drops a connection. The service must fail loudly, and the database must hold nothing of
it: no document, counter step, handling step, grant, guardian row, copy or audit event; the next
registration takes the next number with no gap; the chain verifies whole.
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager

import pytest
from django.db import DatabaseError, InterfaceError, OperationalError, connection, connections, transaction

from registry import audit
from registry.audit import verify_chain
from registry.models import (
    AuditAction,
    AuditEvent,
    CopyCustody,
    Decision,
    DistributionRecipient,
    Document,
    DocumentCopy,
    DocumentUserObjectPermission,
    HandlingStep,
    NeedToKnowGrant,
    RegistrationCounter,
    Unit,
)
from registry.models.documents import StepKind
from registry.services.distribution import distribution_decide, distribution_request
from tests.factories import register_document
from tests.support import document_snapshot, head_seq

pytestmark = pytest.mark.django_db(transaction=True)

# Long enough for a loaded two-core machine; a healthy run waits a fraction of a second.
PATIENCE = 60


def table(model) -> str:
    return model._meta.db_table


class Worker:
    """Work on a thread of its own with its own database connection, whose backend can be
    terminated from the test's connection while the work waits on a lock."""

    def __init__(self, work):
        self.work = work
        self.pid: int | None = None
        self.result = None
        self.error: BaseException | None = None
        self._connected = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        try:
            connection.ensure_connection()
            self.pid = connection.connection.info.backend_pid
            self._connected.set()
            self.result = self.work()
        except BaseException as error:
            self.error = error
        finally:
            self._connected.set()
            try:
                connections.close_all()
            except DatabaseError:
                pass  # the connection is gone already: that is the drill

    def start(self) -> Worker:
        self._thread.start()
        assert self._connected.wait(PATIENCE), "the worker did not connect"
        assert self.pid is not None, f"the worker could not connect: {self.error!r}"
        return self

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def waits_on(self, wait_event: str) -> None:
        """Wait until the worker's backend waits on a lock of kind ``wait_event`` ("advisory",
        "relation"); fail if the work ends first."""
        deadline = time.monotonic() + PATIENCE
        row = None
        while time.monotonic() < deadline:
            with connection.cursor() as cursor:
                # pg_stat_activity is read once per transaction unless its snapshot is cleared, and
                # the test's connection may be inside one (holding a table lock).
                cursor.execute("SELECT pg_stat_clear_snapshot()")
                cursor.execute("SELECT wait_event_type, wait_event FROM pg_stat_activity WHERE pid = %s", [self.pid])
                row = cursor.fetchone()
            if row == ("Lock", wait_event):
                return
            if not self.running:
                pytest.fail(f"the work ended before it waited on the lock: {self.error or self.result!r}")
            time.sleep(0.02)
        pytest.fail(f"the worker never waited on a {wait_event} lock (last seen: {row})")

    def tables_written(self) -> set[str]:
        """The tables the worker's open transaction has inserted into or updated so far."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.relname FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                "WHERE l.pid = %s AND l.mode = 'RowExclusiveLock' AND l.granted AND c.relkind = 'r'",
                [self.pid],
            )
            return {name for (name,) in cursor.fetchall()}

    def terminate(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [self.pid])
            assert cursor.fetchone()[0], "the worker's backend was not there to terminate"

    def join(self) -> None:
        self._thread.join(PATIENCE)
        assert not self.running, "the worker hung after its connection was dropped"


@pytest.fixture
def workers(transactional_db):
    """``workers(work)``: a started Worker. Whatever a test leaves running is terminated and
    joined, so that no connection outlives the test (the test database is dropped at the end)."""
    started: list[Worker] = []

    def start(work) -> Worker:
        worker = Worker(work).start()
        started.append(worker)
        return worker

    yield start
    for worker in started:
        if worker.running:
            try:
                worker.terminate()
            except AssertionError:
                pass
            worker.join()


@contextmanager
def chain_lock_held():
    """The audit chain's advisory lock, held by the test's connection: every ``audit.record``
    elsewhere waits for it, after its transaction's earlier writes."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [audit._CHAIN_LOCK_KEY])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [audit._CHAIN_LOCK_KEY])


@contextmanager
def table_locked(model):
    """``model``'s table locked in SHARE mode by the test's connection: reads go on, and whoever
    inserts into it waits."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f'LOCK TABLE "{table(model)}" IN SHARE MODE')
        yield


def cut_off(worker: Worker, wait_event: str) -> set[str]:
    """Terminate the worker's backend once it waits on the lock; returns the tables it had written."""
    worker.waits_on(wait_event)
    written = worker.tables_written()
    worker.terminate()
    return written


def assert_dropped(worker: Worker) -> None:
    """The work saw its connection go: an error reached the caller, nothing was swallowed."""
    worker.join()
    assert isinstance(worker.error, OperationalError | InterfaceError), (
        f"expected the dropped connection to raise, got {worker.error!r} (result {worker.result!r})"
    )


def serials(series: str) -> list[int]:
    return sorted(Document.objects.filter(reg_series=series).values_list("reg_serial", flat=True))


def assert_chain_whole() -> None:
    report = verify_chain()
    assert report.whole, f"broken at {report.broken_seq}: {report.problem}"
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1)), "a sequence number of the chain is missing"


# --- a registration ---------------------------------------------------------------------------


def test_a_registration_cut_off_before_its_audit_event_leaves_nothing_and_no_gap(workers, clerk):
    first = register_document(clerk, subject="演練前的登記")
    before = document_snapshot()

    with chain_lock_held():
        worker = workers(lambda: register_document(clerk, subject="斷線中的登記"))
        written = cut_off(worker, "advisory")
    assert_dropped(worker)

    # The drill cut it where it meant to: the number taken, the document and its step written.
    assert {table(RegistrationCounter), table(Document), table(HandlingStep)} <= written
    assert table(AuditEvent) not in written
    # None of it is kept: no document, no step, no event, and the counter did not move.
    assert document_snapshot() == before
    assert not Document.objects.filter(subject="斷線中的登記").exists()
    assert RegistrationCounter.objects.get(year=first.reg_year, series=first.reg_series).last == first.reg_serial
    # The next registration takes the very next number.
    after = register_document(clerk, subject="演練後的登記")
    assert (after.reg_year, after.reg_series) == (first.reg_year, first.reg_series)
    assert after.reg_serial == first.reg_serial + 1
    assert serials(first.reg_series) == [1, 2]
    assert HandlingStep.objects.filter(document=after, kind=StepKind.REGISTER).count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.DOCUMENT_REGISTER).count() == 2
    assert_chain_whole()


def test_the_first_registration_of_a_series_cut_off_leaves_no_counter(workers, clerk):
    with chain_lock_held():
        worker = workers(lambda: register_document(clerk, subject="斷線中的登記"))
        cut_off(worker, "advisory")
    assert_dropped(worker)

    assert not RegistrationCounter.objects.exists()
    assert not Document.objects.exists()
    assert register_document(clerk).reg_serial == 1
    assert_chain_whole()


# --- a distribution decision ------------------------------------------------------------------


@pytest.fixture
def pending_recipient(walk, handler, make_person, handling_unit):
    """A document in handling and a pending distribution request for one reader of the unit."""
    document = walk("handling", copies_count=2)
    reader = make_person(unit=handling_unit, username="drill-reader", full_name="演練讀者")
    request = distribution_request(document=document, actor=handler, recipients=[reader], reason="會辦")
    return request.recipients.get()


DISTRIBUTION_ROWS = (NeedToKnowGrant, DocumentUserObjectPermission, DocumentCopy, CopyCustody, AuditEvent)


@pytest.mark.parametrize(
    ("where", "wait_event", "written_first"),
    [
        # The chain's lock: the grant and its guardian row written, the grant's event not yet.
        ("chain", "advisory", {NeedToKnowGrant, DocumentUserObjectPermission}),
        # The copies' custody table: the grant, its row, its event and the numbered copy written.
        ("custody", "relation", {NeedToKnowGrant, DocumentUserObjectPermission, AuditEvent, DocumentCopy}),
    ],
)
def test_an_approval_cut_off_midway_leaves_no_grant_copy_or_event(
    workers, pending_recipient, supervisor, where, wait_event, written_first
):
    recipient = pending_recipient
    before = {model.__name__: model.objects.count() for model in DISTRIBUTION_ROWS}
    seq = head_seq()

    def approve():
        return distribution_decide(recipient=recipient, actor=supervisor, approve=True, reason="同意")

    with chain_lock_held() if where == "chain" else table_locked(CopyCustody):
        worker = workers(approve)
        written = cut_off(worker, wait_event)
    assert_dropped(worker)

    assert {table(model) for model in written_first} <= written
    assert {model.__name__: model.objects.count() for model in DISTRIBUTION_ROWS} == before
    assert head_seq() == seq
    recipient.refresh_from_db()
    assert (recipient.decision, recipient.grant_id, recipient.copy_id) == (Decision.PENDING, None, None)
    assert_chain_whole()
    # Decided again, it takes copy number 1: the cut-off approval took no number either.
    decided = distribution_decide(recipient=recipient, actor=supervisor, approve=True, reason="同意")
    assert decided.copy.number == 1
    assert DistributionRecipient.objects.get(pk=recipient.pk).decision == Decision.APPROVED
    assert_chain_whole()


# --- an audit append --------------------------------------------------------------------------


def append_after_a_write(code: str, actor):
    """Another write, then an audit event, in one transaction."""
    with transaction.atomic():
        unit = Unit.objects.create(code=code, name="演練單位")
        audit.record(action=AuditAction.GRANT_CREATE, actor=actor, details={"unit": unit.pk})
        return unit


def test_an_audit_append_cut_off_waiting_for_the_chain_leaves_neither_write(workers, clerk):
    register_document(clerk)
    seq = head_seq()

    with chain_lock_held():
        worker = workers(lambda: append_after_a_write("DRILL", clerk))
        written = cut_off(worker, "advisory")
    assert_dropped(worker)

    assert table(Unit) in written
    assert not Unit.objects.filter(code="DRILL").exists()
    assert head_seq() == seq
    assert_chain_whole()


def test_an_audit_append_cut_off_after_its_event_leaves_the_next_append_on_the_real_head(workers, clerk):
    register_document(clerk)
    head = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()

    def event_then_write():
        with transaction.atomic():
            event = audit.record(action=AuditAction.GRANT_CREATE, actor=clerk, details={"drill": "cut"})
            Unit.objects.create(code="DRILL", name="演練單位")  # waits: the table is locked
            return event

    def next_append():
        with transaction.atomic():
            return audit.record(action=AuditAction.GRANT_CREATE, actor=clerk, details={"drill": "next"})

    with table_locked(Unit):
        cut = workers(event_then_write)
        cut.waits_on("relation")
        # It holds the chain's lock and has appended its event; the next append waits behind it.
        assert table(AuditEvent) in cut.tables_written()
        waiting = workers(next_append)
        waiting.waits_on("advisory")
        cut.terminate()
        waiting.join()
    assert_dropped(cut)

    assert waiting.error is None, repr(waiting.error)
    event = AuditEvent.objects.get(pk=waiting.result.pk)
    # The next append links to the last committed event, not to the one that was dropped.
    assert (event.seq, event.prev_hash) == (head[0] + 1, head[1])
    assert not AuditEvent.objects.filter(details__contains='"drill":"cut"').exists()
    assert not Unit.objects.filter(code="DRILL").exists()
    assert_chain_whole()
