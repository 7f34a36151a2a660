"""The bench's offices, each in a database of its own, built once and kept.

A bench office's database is named ``bench_office_<size>_<key>``: ``key`` hashes the schema's migration state (every
migration of every app), the builder's version and a fingerprint of the chain's hashing, so a new
migration, a changed builder or a changed hash (a keyed one) builds the office anew, and anything
else reuses it. A database counts as built only once its comment says so (written last): a build
that was interrupted is dropped and started again. Databases of other keys are dropped.

``make bench`` keeps the cluster itself under ``var/bench/`` (scripts/with-postgres.sh with
``PG_DATA_DIR``), so the second run starts it and finds the offices there.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.migrations.loader import MigrationLoader

from registry.bench import dataset

COMPLETE = "registry bench office, complete"


def dataset_key() -> str:
    """What the cached offices depend on, as 10 hex digits."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    names = sorted(f"{app}.{name}" for app, name in loader.disk_migrations)
    fingerprint = dataset.chain_hash(
        seq=1, at=datetime(2000, 1, 1, tzinfo=UTC), actor_id=1, action="bench", document_id=1, details="{}",
        prev_hash="0" * 64,
    )
    text = "\n".join([*names, f"builder {dataset.BUILDER_VERSION}", f"hash {fingerprint}"])
    return hashlib.sha256(text.encode()).hexdigest()[:10]


def size_label(documents: int) -> str:
    if documents % 1_000_000 == 0:
        return f"{documents // 1_000_000}m"
    if documents % 1000 == 0:
        return f"{documents // 1000}k"
    return str(documents)


def database_name(documents: int, key: str) -> str:
    return f"bench_office_{size_label(documents)}_{key}"


def wrapper_for(name: str):
    """A new connection (Django's DatabaseWrapper) to database ``name`` beside the default one."""
    settings_dict = {**connections[DEFAULT_DB_ALIAS].settings_dict, "NAME": name}
    backend = connections[DEFAULT_DB_ALIAS].__class__
    return backend(settings_dict, DEFAULT_DB_ALIAS)


@contextmanager
def using(wrapper) -> Iterator[None]:
    """Within the block, this thread's default database is ``wrapper``'s (views, services, ORM)."""
    previous = connections[DEFAULT_DB_ALIAS]
    connections[DEFAULT_DB_ALIAS] = wrapper
    try:
        yield
    finally:
        connections[DEFAULT_DB_ALIAS] = previous


def _admin(statement: str, params=None):
    """A statement on the cluster through the default connection (outside any transaction)."""
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else None


def existing() -> dict[str, str]:
    rows = _admin(
        "SELECT datname, coalesce(shobj_description(oid, 'pg_database'), '') FROM pg_database WHERE datname LIKE 'bench\\_office\\_%'"
    )
    return dict(rows)


def drop(name: str) -> None:
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def create(name: str, *, template: str | None = None) -> None:
    suffix = f' TEMPLATE "{template}" STRATEGY FILE_COPY' if template else ""
    _admin(f'CREATE DATABASE "{name}"{suffix}')


def ensure_office(documents: int, key: str, out: Callable[[str], None]) -> tuple[str, bool]:
    """The name of the built office of ``documents`` (building it if need be), and whether it was built now."""
    name = database_name(documents, key)
    found = existing()
    if found.get(name, "").startswith(COMPLETE):
        return name, False
    if name in found:
        out(f"  {name} was left half-built: dropping it")
        drop(name)
    started = time.perf_counter()
    out(f"  building {name}: {documents:,} documents (once; kept for the next runs)…")
    create(name)
    wrapper = wrapper_for(name)
    try:
        with using(wrapper):
            call_command("migrate", verbosity=0, interactive=False)
            built = dataset.build(dataset.Shape(documents=documents), out=out)
            out("    vacuum and analyze…")
            with wrapper.cursor() as cursor:
                cursor.execute("VACUUM (ANALYZE)")
                cursor.execute("CHECKPOINT")
    finally:
        wrapper.close()
    seconds = time.perf_counter() - started
    counts = ", ".join(f"{table.removeprefix('registry_')} {n:,}" for table, n in built.counts.items())
    _admin(f"COMMENT ON DATABASE \"{name}\" IS '{COMPLETE}: built in {seconds:.0f} s; {counts}'")
    out(f"  built {name} in {seconds:.0f} s ({counts})")
    return name, True


def drop_stale(key: str, keep: set[str], out: Callable[[str], None]) -> None:
    """Drop bench offices of another key (an older schema or builder)."""
    for name in existing():
        if name.rsplit("_", 1)[-1] != key and name not in keep:
            out(f"  dropping {name}: built for another schema, builder or hashing")
            drop(name)
