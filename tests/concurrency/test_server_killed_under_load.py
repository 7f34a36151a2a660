"""Fault drill: the application server killed under load, and started again.

The registry runs as it does in production, under gunicorn (``config.wsgi``, two worker
processes), on the test database. Clerks register documents over HTTP from several threads; in
the middle of it the server's whole process group is killed with SIGKILL, at a moment when a
worker is inside a registration's transaction, and started again, twice. The load goes on
throughout.

Afterwards every registration that got its answer (302 to the document's page) is in the database
with its number; a registration cut off by the kill is either there whole (it had committed) or
not at all, so the numbers of each series are 1..n without a gap; every document has its REGISTER
step and its audit event; the chain verifies whole; and no answer was a 500, only the connection
errors of the killed server.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from classification.roc import format_roc
from registry.audit import verify_chain
from registry.models import AuditAction, AuditEvent, Document, HandlingStep, RegistrationCounter
from registry.models.documents import StepKind
from registry.roles import Role
from tests.factories import valid_registration

pytestmark = pytest.mark.django_db(transaction=True)

BASE_DIR = Path(settings.BASE_DIR)
CSRF = "d" * 32  # an unmasked CSRF secret: the same value in the cookie and in the form
CLERKS = 3
KILLS = 2
# Answers wanted before each kill, and after the last restart.
ANSWERS_PER_PHASE = 5
# Generous for a loaded two-core machine; a healthy run takes a few seconds per phase.
PATIENCE = 90
SUBJECT = "斷線演練"
DOCUMENT_PAGE = re.compile(r"^/documents/(\d+)/$")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_environment() -> dict[str, str]:
    """The test process's settings for the server: its test database, its audit key, its secret
    key (the sessions made here must be valid there)."""
    db = connection.settings_dict
    auth = db["USER"] + (f":{urllib.parse.quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else "")
    host = db["HOST"] or "localhost"
    port = f":{db['PORT']}" if db["PORT"] else ""
    keys = ",".join(f"{key_id}:{base64.b64encode(key).decode()}" for key_id, key in settings.REGISTRY_AUDIT_KEYS.items())
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{auth}@{host}{port}/{db['NAME']}",
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "REGISTRY_AUDIT_KEYS": keys,
        "REGISTRY_AUDIT_KEY_ID": settings.REGISTRY_AUDIT_KEY_ID,
    }
    env.pop("DATABASE_REPLICA_URL", None)  # the test settings read from the primary only
    return env


class Server:
    """gunicorn serving the registry on 127.0.0.1:port, in a process group of its own."""

    def __init__(self, port: int, log: Path):
        self.port = port
        self.log = log
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        command = [
            sys.executable, "-m", "gunicorn", "config.wsgi",
            "--bind", f"127.0.0.1:{self.port}",
            "--workers", "2",
            "--timeout", "60",
            "--graceful-timeout", "10",
            "--access-logfile", "-",
        ]  # fmt: skip
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                command,
                cwd=BASE_DIR,
                env=server_environment(),
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.wait_until_serving()

    def wait_until_serving(self) -> None:
        deadline = time.monotonic() + PATIENCE
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"the server exited with {self.process.returncode}:\n{self.tail()}")
            try:
                with urllib.request.urlopen(self.url + "/login/", timeout=10) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except (OSError, http.client.HTTPException):
                pass
            time.sleep(0.2)
        pytest.fail(f"the server did not answer on port {self.port}:\n{self.tail()}")

    def signal(self, signum: int) -> None:
        """``signum`` to the master and its workers alike (the whole process group)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signum)

    def kill(self) -> None:
        """As a crash: the master and every worker at once, mid-request."""
        self.signal(signal.SIGKILL)
        self.process.wait(timeout=PATIENCE)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()
        # A worker left behind by its master would hold a database connection.
        self.signal(signal.SIGKILL)

    def tail(self) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-30:])


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Clerk:
    """One clerk's HTTP session: their session cookie and a CSRF token."""

    def __init__(self, person, name: str):
        client = Client()
        client.force_login(person)
        self.cookie = f"sessionid={client.cookies['sessionid'].value}; csrftoken={CSRF}"
        self.name = name
        self.opener = urllib.request.build_opener(NoRedirect)

    def register(self, base: str, subject: str) -> tuple[int, str]:
        """Post a registration; (status, Location). Raises OSError/HTTPException when the server
        is not there or drops the connection."""
        fields = {k: v for k, v in valid_registration(subject=subject).items() if v is not None}
        fields.update(
            direction=str(fields["direction"]),
            level=int(fields["level"]),
            approval_date=format_roc(fields["approval_date"]),
            marking_position="top_left",
            pages=1,
            attachments=0,
            copies_count=1,
            csrfmiddlewaretoken=CSRF,
        )
        request = urllib.request.Request(  # noqa: S310 (the test's own server)
            base + "/documents/new/",
            data=urllib.parse.urlencode(fields).encode(),
            headers={"Cookie": self.cookie},
        )
        try:
            with self.opener.open(request, timeout=PATIENCE) as response:
                response.read()
                return response.status, response.headers.get("Location", "")
        except urllib.error.HTTPError as answer:
            answer.read()
            return answer.code, answer.headers.get("Location", "")


class Load:
    """Clerks registering documents from threads of their own, one after another, whatever the
    server's state: an answer or a connection error is noted for each attempt."""

    def __init__(self, clerks: list[Clerk], server: Server):
        self.clerks = clerks
        self.server = server
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.answers: list[tuple[str, int, str]] = []  # subject, status, Location
        self.cut: list[tuple[str, BaseException]] = []  # subject, the connection error
        self.failures: list[BaseException] = []
        self.threads = [threading.Thread(target=self.run, args=(clerk,), daemon=True) for clerk in clerks]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def run(self, clerk: Clerk) -> None:
        n = 0
        try:
            while not self.stop.is_set():
                n += 1
                subject = f"{SUBJECT}{clerk.name}-{n}"
                try:
                    status, location = clerk.register(self.server.url, subject)
                except (OSError, http.client.HTTPException) as error:
                    with self.lock:
                        self.cut.append((subject, error))
                    time.sleep(0.1)  # the server is down: try again shortly
                    continue
                with self.lock:
                    self.answers.append((subject, status, location))
        except BaseException as error:
            with self.lock:
                self.failures.append(error)

    def answered(self) -> int:
        with self.lock:
            return len(self.answers)

    def wait_for_answers(self, count: int) -> None:
        deadline = time.monotonic() + PATIENCE
        while self.answered() < count:
            assert time.monotonic() < deadline, f"only {self.answered()} answers, {count} wanted:\n{self.server.tail()}"
            assert not self.failures, self.failures
            time.sleep(0.05)

    def finish(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(PATIENCE)
        assert not any(thread.is_alive() for thread in self.threads), "a clerk's thread hung"


def refused(error: BaseException) -> bool:
    """The server was not listening (between a kill and the restart), as opposed to a request it
    had accepted and dropped."""
    return isinstance(error, ConnectionRefusedError) or isinstance(getattr(error, "reason", None), ConnectionRefusedError)


def others_on_the_database() -> list[int]:
    """Backends on the test database other than the test's own connection."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return [pid for (pid,) in cursor.fetchall()]


def wait_for_a_registration_midway(timeout: float = 10) -> bool:
    """Wait until a worker's transaction has taken a number and written a document it has not yet
    committed; False if none was seen in time (the kill then lands wherever it lands)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                "WHERE c.relname = %s AND l.mode = 'RowExclusiveLock' AND l.granted AND l.pid <> pg_backend_pid()",
                [Document._meta.db_table],
            )
            if cursor.fetchone()[0]:
                return True
        time.sleep(0.002)
    return False


@pytest.fixture
def servers(transactional_db, tmp_path):
    """``servers()``: a Server on a free port (not started). Every server is killed at the end,
    and the test waits until its workers' database connections are gone, so that the test
    database can be flushed and dropped."""
    made: list[Server] = []

    def make() -> Server:
        server = Server(free_port(), tmp_path / f"gunicorn-{len(made)}.log")
        made.append(server)
        return server

    yield make
    for server in made:
        if server.process is not None and server.process.poll() is None:
            server.signal(signal.SIGKILL)
            server.process.wait(timeout=PATIENCE)
    deadline = time.monotonic() + 30
    while others_on_the_database() and time.monotonic() < deadline:
        time.sleep(0.1)
    with connection.cursor() as cursor:
        for pid in others_on_the_database():
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])


def test_a_server_killed_under_load_loses_no_answered_registration_and_leaves_no_gap(
    servers, make_person, receiving_unit
):
    people = [make_person(Role.CLERK, unit=receiving_unit, username=f"drill-clerk{n}") for n in range(CLERKS)]
    clerks = [Clerk(person, name=chr(ord("A") + n)) for n, person in enumerate(people)]
    server = servers()
    server.start()
    load = Load(clerks, server)
    caught_midway = 0
    try:
        load.start()
        for kill in range(KILLS):
            load.wait_for_answers((kill + 1) * ANSWERS_PER_PHASE)
            caught_midway += wait_for_a_registration_midway()
            server.kill()
            server.start()  # on the same port, as a supervisor (systemd) would
        load.wait_for_answers((KILLS + 1) * ANSWERS_PER_PHASE)
    finally:
        load.finish()
        server.stop()

    assert not load.failures, load.failures
    # Every answer was the document's page: no 500, no form sent back with an error.
    statuses = Counter(status for _, status, _ in load.answers)
    assert statuses == {302: len(load.answers)}, f"answers: {dict(statuses)}; server log:\n{server.tail()}"
    # Requests in flight were cut off by the kills (besides those refused while the server was
    # down); connection errors are the only failures allowed.
    in_flight = [error for _, error in load.cut if not refused(error)]
    assert in_flight, f"no request in flight was cut off: the kills did not land under load ({load.cut[:3]})"

    drill = Document.objects.filter(subject__startswith=SUBJECT)
    stored = dict(drill.values_list("subject", "pk"))
    # Every answered registration is there, under the number its page showed.
    for subject, _, location in load.answers:
        page = DOCUMENT_PAGE.match(location)
        assert page, f"{subject}: answered with {location!r}"
        assert stored.get(subject) == int(page[1]), f"{subject} was answered but is not stored as document {page[1]}"
    # A cut-off registration is there whole, or not at all; nothing else is there.
    cut_subjects = {subject for subject, _ in load.cut}
    answered_subjects = {subject for subject, _, _ in load.answers}
    assert set(stored) <= answered_subjects | cut_subjects
    assert drill.count() == len(stored), "a registration is stored twice"
    # Each series of each year is numbered 1..n, and its counter stands at n.
    for year, series in set(drill.values_list("reg_year", "reg_series")):
        numbers = sorted(drill.filter(reg_year=year, reg_series=series).values_list("reg_serial", flat=True))
        assert numbers == list(range(1, len(numbers) + 1)), f"{year}{series}: numbers {numbers}"
        assert RegistrationCounter.objects.get(year=year, series=series).last == len(numbers)
    # Every document has its REGISTER step and its audit event.
    steps = Counter(HandlingStep.objects.filter(kind=StepKind.REGISTER).values_list("document_id", flat=True))
    events = Counter(
        AuditEvent.objects.filter(action=AuditAction.DOCUMENT_REGISTER).values_list("document_id", flat=True)
    )
    for pk in stored.values():
        assert steps[pk] == 1, f"document {pk} has {steps[pk]} REGISTER steps"
        assert events[pk] == 1, f"document {pk} has {events[pk]} registration events"
    report = verify_chain()
    assert report.whole, f"broken at {report.broken_seq}: {report.problem}"
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    print(
        f"{len(load.answers)} answered, {len(in_flight)} cut off in flight, {len(load.cut) - len(in_flight)} refused "
        f"({len(cut_subjects & set(stored))} of them committed), "
        f"{caught_midway} of {KILLS} kills while a registration was midway"
    )
