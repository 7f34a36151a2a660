"""Backup and restore: a ``pg_dump -Fc`` of the registry restored into a new database keeps the
audit chain whole (``manage.py verify_audit`` on the copy agrees with the original, head hash and
all), keeps the append-only triggers, and the copy's chain still names a row changed behind its
back.

This is the README's backup procedure, run end to end against the test database: the dump is
taken with the same client tools an operator uses, and ``verify_audit`` runs in a subprocess with
``DATABASE_URL`` pointing at the copy, as it would on the restore machine.
"""

from __future__ import annotations

import base64
import glob
import os
import re
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings
from django.db import connection

from classification import Level
from registry.audit import verify_chain
from registry.models import AuditEvent
from registry.roles import Role
from registry.services import documents as doc_svc
from tests.security.conftest import _person, registration

pytestmark = pytest.mark.django_db(transaction=True)

BASE_DIR = Path(settings.BASE_DIR)


def server_major() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        return int(cursor.fetchone()[0]) // 10000


def client_tool(name: str) -> str:
    """``pg_dump``/``pg_restore`` of the server's major version (or the newest newer one): an older
    ``pg_dump`` refuses a newer server."""
    major = server_major()
    candidates = []
    for path in glob.glob(f"/usr/lib/postgresql/*/bin/{name}"):
        version = Path(path).parent.parent.name
        if version.isdigit() and int(version) >= major and os.access(path, os.X_OK):
            candidates.append((int(version) != major, int(version), path))
    if candidates:
        return min(candidates)[2]
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed (Debian: postgresql-client-{major})")
    return found


def libpq_env(database: str) -> tuple[list[str], dict]:
    """Connection arguments and environment for the client tools, from Django's settings."""
    db = connection.settings_dict
    args = ["--dbname", database]
    if db["HOST"]:
        args += ["--host", db["HOST"]]
    if db["PORT"]:
        args += ["--port", str(db["PORT"])]
    if db["USER"]:
        args += ["--username", db["USER"]]
    env = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
    if db["PASSWORD"]:
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def database_url(database: str) -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    host = db["HOST"] or "localhost"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{auth}@{host}{port}/{database}"


def connect(database: str):
    db = connection.settings_dict
    return psycopg2.connect(
        dbname=database, host=db["HOST"] or None, port=db["PORT"] or None, user=db["USER"] or None,
        password=db["PASSWORD"] or None,
    )


def verify_audit(database: str) -> subprocess.CompletedProcess:
    """``manage.py verify_audit --no-anchor`` in its own process, against ``database``, with the
    audit key the chain was made with (the test settings' key) given as the environment gives it."""
    keys = ",".join(f"{key_id}:{base64.b64encode(key).decode()}" for key_id, key in settings.REGISTRY_AUDIT_KEYS.items())
    env = {
        **os.environ,
        "DATABASE_URL": database_url(database),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_SECRET_KEY": "backup-restore-test",
        "DJANGO_DEBUG": "false",
        "REGISTRY_AUDIT_KEYS": keys,
        "REGISTRY_AUDIT_KEY_ID": settings.REGISTRY_AUDIT_KEY_ID,
    }
    return subprocess.run(
        [sys.executable, str(BASE_DIR / "manage.py"), "verify_audit", "--no-anchor"],
        check=False, cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
    )


@pytest.fixture
def office_with_history(transactional_db):
    """A few documents walked through the services: registrations, openings, routings, sign-fors,
    a cancellation, a refused read — each an audit event."""
    from registry.models import Unit
    from registry.policies import record_denied

    sec = Unit.objects.create(code="B-SEC", name="秘書處")
    conf = Unit.objects.create(code="B-SEC-CONF", name="機要科", parent=sec)
    clerk = _person("b-clerk", sec, Role.CLERK)
    supervisor = _person("b-supervisor", sec, Role.SUPERVISOR)
    handler = _person("b-handler", conf, Role.HANDLER)
    for n, level in enumerate([Level.CONFIDENTIAL, Level.SECRET, Level.OFFICIAL_SECRET]):
        document = doc_svc.document_register(actor=clerk, **registration(subject=f"備份測試{n}", level=level))
        document = doc_svc.document_open(document=document, actor=supervisor, instruction="請辦", handling_unit=conf)
        document = doc_svc.document_route(document=document, actor=clerk, handler=handler)
        doc_svc.document_sign_for(document=document, actor=handler)
    cancelled = doc_svc.document_register(actor=clerk, **registration(subject="誤登"))
    doc_svc.document_cancel(document=cancelled, actor=clerk, reason="誤登")
    record_denied(handler, cancelled.pk, purpose="view")
    return AuditEvent.objects.count()


@pytest.fixture
def restored_copy(office_with_history, tmp_path):
    """The test database dumped with ``pg_dump -Fc`` and restored into a new database; dropped
    afterwards."""
    original = connection.settings_dict["NAME"]
    copy = f"{original}_restore_{uuid.uuid4().hex[:8]}"
    dump = tmp_path / "registry.dump"
    args, env = libpq_env(original)
    subprocess.run([client_tool("pg_dump"), "--format=custom", "--file", str(dump), *args],
                   env=env, check=True, capture_output=True, timeout=120)
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{copy}"')
    try:
        args, env = libpq_env(copy)
        subprocess.run([client_tool("pg_restore"), "--exit-on-error", "--no-owner", *args, str(dump)],
                       env=env, check=True, capture_output=True, timeout=120)
        yield copy
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')


def head_of(output: str) -> tuple[int, str]:
    match = re.search(r"head #(\d+) ([0-9a-f]{64})", output)
    assert match, output
    return int(match[1]), match[2]


def test_a_restored_copy_verifies_whole_with_the_same_head(restored_copy, office_with_history):
    original = verify_chain()
    assert original.whole and original.checked == office_with_history

    result = verify_audit(restored_copy)

    assert result.returncode == 0, result.stderr
    assert f"{office_with_history} events" in result.stdout
    assert head_of(result.stdout) == (original.head_seq, original.head_hash)


def test_the_copy_keeps_the_append_only_triggers_and_names_a_tampered_row(restored_copy):
    target = 3
    with connect(restored_copy) as conn, conn.cursor() as cursor:
        # The triggers came back with the restore: the copy refuses a change as the original does.
        with pytest.raises(psycopg2.Error, match="append-only"):
            cursor.execute("UPDATE registry_auditevent SET details = '{}' WHERE seq = %s", [target])
        conn.rollback()
        with pytest.raises(psycopg2.Error, match="append-only"):
            cursor.execute("TRUNCATE registry_auditevent")
        conn.rollback()
        # The table's owner can still switch them off: the chain is what tells.
        cursor.execute("ALTER TABLE registry_auditevent DISABLE TRIGGER USER")
        cursor.execute(
            "UPDATE registry_auditevent SET details = %s WHERE seq = %s", ['{"tampered":true}', target]
        )
        cursor.execute("ALTER TABLE registry_auditevent ENABLE TRIGGER USER")
    conn.close()

    result = verify_audit(restored_copy)

    assert result.returncode == 1, result.stdout
    assert f"BROKEN at sequence number {target}:" in result.stderr
    # The original is untouched.
    assert verify_chain().whole
