"""Reading configuration from the environment, loudly."""

from __future__ import annotations

import os
import re
from urllib.parse import parse_qs, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def database_from_url(url: str) -> dict:
    """Turn postgres://user:pass@host:port/name or sqlite:///path into a DATABASES entry."""
    parsed = urlparse(url)
    scheme = parsed.scheme.lower()
    if scheme in {"postgres", "postgresql", "pgsql"}:
        options = {k: v[-1] for k, v in parse_qs(parsed.query).items()}
        options["options"] = _with_jit_off(options.get("options", ""))
        return {
            "ENGINE": "config.db.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": unquote(parsed.hostname or ""),
            "PORT": str(parsed.port or ""),
            "OPTIONS": options,
            "CONN_MAX_AGE": env_int("DATABASE_CONN_MAX_AGE", 60),
            "CONN_HEALTH_CHECKS": True,
            # PgBouncer in transaction pooling hands each transaction to any server connection: a
            # server-side cursor (QuerySet.iterator) kept open between transactions would be lost.
            "DISABLE_SERVER_SIDE_CURSORS": env_bool("DATABASE_DISABLE_SERVER_SIDE_CURSORS", False),
        }
    if scheme == "sqlite":
        path = unquote(parsed.path)
        if url.startswith("sqlite:////"):
            path = "/" + path.lstrip("/")
        else:
            path = path.lstrip("/")
        return sqlite_database(path)
    raise ImproperlyConfigured(
        f"DATABASE_URL must start with postgres:// or sqlite:///, not {scheme or '(nothing)'}://"
    )


def _with_jit_off(options: str) -> str:
    """The libpq ``options`` of the URL with ``-c jit=off`` added, unless the URL sets jit itself.

    The register's need-to-know filter (``scope OR EXISTS(grant)``) is estimated so costly at a
    million documents that PostgreSQL switches on its JIT compiler, which then spends 150–190 ms
    compiling every such query before running it (measured with ``manage.py bench``, where
    ``--explain`` shows the JIT timing). The application's queries are short OLTP queries that
    never repay compilation, so JIT is off for its connections. PgBouncer refuses a start-up
    ``-c jit`` it does not track: behind it, list ``options`` in its ``ignore_startup_parameters``
    and set the same on the role instead (``ALTER ROLE registry_app SET jit = off``).
    """
    if re.search(r"(^|\s)(-c\s*|--)jit\s*=", options):
        return options
    return f"{options} -c jit=off".strip()


def sqlite_database(path: str) -> dict:
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        # IMMEDIATE takes the write lock when a transaction begins, which serializes the
        # read-then-append of the audit chain and the registration counter on SQLite.
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
    }
