"""Which database answers a query: the primary, or a streaming replica for the heavy reads.

With ``DATABASE_REPLICA_URL`` set, ``settings.DATABASES`` has a second alias, ``replica``: a
PostgreSQL hot standby fed by streaming replication. Everything goes to the primary (``default``)
except the reads marked heavy — the ethics review's reports and their totals, the trail search and
its CSV export, a person's activity, the inspection report's tables: reads over the whole trail
or every document, which need not be a millisecond fresh. Those are marked where they are built:

* ``heavy(queryset)`` binds a queryset to the database chosen now (``queryset.using(...)``). A
  queryset is lazy — a page evaluates it while rendering, a CSV export while streaming, after the
  view has returned — so the choice is made when the selector builds it, not when it is read.
* ``with heavy_read():`` (or ``@heavy_read()``) for code that runs its reads inside the block (a
  raw cursor, a command): the router sends the block's reads to the replica.

The replica is never chosen

* inside a transaction on the primary (``transaction.atomic``): a service reads what it is about
  to change, and the audit chain's head is read under its lock, so both must see the primary;
* for ``REGISTRY_REPLICA_PIN_SECONDS`` after the same person changed something (read-your-writes):
  ``PinAfterWriteMiddleware`` notes the time of every successful POST in the session, and that
  person's requests read from the primary until the replica has surely caught up;
* when ``DATABASE_REPLICA_READS`` is off (the replica lags, or is being rebuilt).

Writes always go to the primary, and migrations run only there. Nothing here keeps state between
requests in the process or on a database connection (PgBouncer in transaction pooling may hand each
transaction to another server connection): the pin lives in the session, the audit chain's lock is
``pg_advisory_xact_lock`` (transaction-scoped).
"""

from __future__ import annotations

import time
from contextlib import ContextDecorator
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet

REPLICA = "replica"
PIN_SESSION_KEY = "_registry_read_primary_until"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

_heavy: ContextVar[bool] = ContextVar("registry_heavy_read", default=False)
_pinned: ContextVar[bool] = ContextVar("registry_pinned_to_primary", default=False)


def replica_configured() -> bool:
    """A replica alias exists and heavy reads may use it."""
    return REPLICA in settings.DATABASES and getattr(settings, "REGISTRY_REPLICA_READS", False)


def heavy_read_alias() -> str:
    """The alias a heavy read should use now: the replica, unless one of the rules above says no."""
    if not replica_configured() or _pinned.get():
        return DEFAULT_DB_ALIAS
    if connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return DEFAULT_DB_ALIAS
    return REPLICA


def heavy(queryset: QuerySet) -> QuerySet:
    """``queryset`` bound to the database for heavy reads, chosen now (see the module's doc)."""
    return queryset.using(heavy_read_alias())


class heavy_read(ContextDecorator):
    """Within the block, the router sends reads to the replica when ``heavy_read_alias`` allows."""

    def __enter__(self):
        self._token = _heavy.set(True)
        return self

    def __exit__(self, *exc):
        _heavy.reset(self._token)
        return False


class pinned_to_primary(ContextDecorator):
    """Within the block, every read goes to the primary (read-your-writes)."""

    def __enter__(self):
        self._token = _pinned.set(True)
        return self

    def __exit__(self, *exc):
        _pinned.reset(self._token)
        return False


class PrimaryReplicaRouter:
    """``DATABASE_ROUTERS``: the primary for everything but reads inside ``heavy_read()``."""

    def db_for_read(self, model, **hints):
        return heavy_read_alias() if _heavy.get() else DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the same rows as the primary: a row read from one may refer to the other.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # A standby is read-only and follows the primary's schema by replication.
        return False if db == REPLICA else None


class PinAfterWriteMiddleware:
    """Read-your-writes: after a person's successful POST (or any unsafe method), their requests read
    from the primary for ``REGISTRY_REPLICA_PIN_SECONDS``, so a report they open next already shows
    what they just did, whatever the replica's lag. The time is kept in the session (any app
    server sees it), and only when a replica is configured. After the session middleware and the
    authentication middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replica_configured():
            return self.get_response(request)
        session = getattr(request, "session", None)
        until = session.get(PIN_SESSION_KEY) if session is not None else None
        pinned = isinstance(until, int | float) and until > time.time()
        token = _pinned.set(pinned)
        try:
            response = self.get_response(request)
        finally:
            _pinned.reset(token)
        user = getattr(request, "user", None)
        if (
            session is not None
            and request.method not in SAFE_METHODS
            and response.status_code < 500
            and user is not None
            and user.is_authenticated
        ):
            session[PIN_SESSION_KEY] = time.time() + settings.REGISTRY_REPLICA_PIN_SECONDS
        return response
