"""The audit chain's configuration: its secret keys and where its head is anchored.

Each audit event's hash is an HMAC-SHA256 under one of these keys; the key's id is stored with the
event, so older events keep verifying after a new key becomes current. The keys live outside the
database: whoever can write to the database but does not hold a key cannot make an event that
verifies.

    REGISTRY_AUDIT_KEYS       "id1:base64key,id2:base64key"
    REGISTRY_AUDIT_KEY_FILE   a file of lines "id base64key" (blank lines and # comments ignored)
    REGISTRY_AUDIT_KEY_ID     the id of the key new events are made with (default: the last listed,
                              the file's keys first, then REGISTRY_AUDIT_KEYS)

A development install without either variable gets a random key of its own under ``var/``
(``audit_key``), made once, never in the repository; with DEBUG off a key is required.

    REGISTRY_AUDIT_SYSLOG     where ``verify_audit`` also sends each anchor: a Unix socket path
                              (``/dev/log``), ``udp://host:514`` or ``tcp://host:514``
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import secrets
import socket
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

# The id that marks events hashed with plain SHA-256 before the chain was keyed. No key may use it.
LEGACY_KEY_ID = "sha256"
KEY_ID = re.compile(r"^[A-Za-z0-9._-]{1,16}$")
MIN_KEY_BYTES = 32
DEVELOPMENT_KEY_FILE = "audit_key"


def new_key_line(key_id: str) -> str:
    """One line of a key file with a fresh random 256-bit key: ``id base64key``."""
    return f"{key_id} {base64.b64encode(secrets.token_bytes(MIN_KEY_BYTES)).decode('ascii')}\n"


def _decode(source: str, key_id: str, text: str) -> bytes:
    if not KEY_ID.match(key_id):
        raise ImproperlyConfigured(
            f"{source}: the audit key id {key_id!r} must be 1–16 letters, digits, '.', '_' or '-'"
        )
    if key_id == LEGACY_KEY_ID:
        raise ImproperlyConfigured(f"{source}: the audit key id {LEGACY_KEY_ID!r} is reserved for unkeyed events")
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ImproperlyConfigured(f"{source}: the audit key {key_id!r} is not valid base64") from exc
    if len(key) < MIN_KEY_BYTES:
        raise ImproperlyConfigured(
            f"{source}: the audit key {key_id!r} is {len(key)} bytes; at least {MIN_KEY_BYTES} are required, e.g. "
            'python3 -c "import base64, secrets; print(base64.b64encode(secrets.token_bytes(32)).decode())"'
        )
    return key


def parse_key_list(raw: str, source: str = "REGISTRY_AUDIT_KEYS") -> list[tuple[str, bytes]]:
    """ "id1:base64key,id2:base64key" → [(id, key), ...] in the order given."""
    keys = []
    for item in raw.split(","):
        if not item.strip():
            continue
        key_id, sep, text = item.strip().partition(":")
        if not sep:
            raise ImproperlyConfigured(f"{source} must look like id1:base64key,id2:base64key")
        keys.append((key_id.strip(), _decode(source, key_id.strip(), text)))
    return keys


def parse_key_file(path: Path) -> list[tuple[str, bytes]]:
    """Lines ``id base64key`` → [(id, key), ...] in the order of the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ImproperlyConfigured(f"cannot read the audit key file {path}: {exc.strerror}") from exc
    keys = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        if len(parts) != 2:
            raise ImproperlyConfigured(f"{path}:{number}: a line of the audit key file is 'id base64key'")
        keys.append((parts[0], _decode(f"{path}:{number}", parts[0], parts[1])))
    return keys


def audit_keys(*, var_dir: Path, development: bool, environ=os.environ) -> tuple[dict[str, bytes], str]:
    """The audit keys by id and the id of the current one, from the environment (see above)."""
    listed: list[tuple[str, bytes]] = []
    if environ.get("REGISTRY_AUDIT_KEY_FILE", "").strip():
        listed += parse_key_file(Path(environ["REGISTRY_AUDIT_KEY_FILE"].strip()))
    if environ.get("REGISTRY_AUDIT_KEYS", "").strip():
        listed += parse_key_list(environ["REGISTRY_AUDIT_KEYS"])
    if not listed:
        if not development:
            raise ImproperlyConfigured(
                "REGISTRY_AUDIT_KEYS or REGISTRY_AUDIT_KEY_FILE must be set when DJANGO_DEBUG is off: "
                "the audit chain's HMAC key is kept outside the database"
            )
        # A development install keeps a random key of its own under var/, never in the repository.
        var_dir.mkdir(parents=True, exist_ok=True)
        path = var_dir / DEVELOPMENT_KEY_FILE
        if not path.exists():
            path.write_text(new_key_line("dev"))
            path.chmod(0o600)
        listed = parse_key_file(path)
    keys: dict[str, bytes] = {}
    for key_id, key in listed:
        if keys.get(key_id, key) != key:
            raise ImproperlyConfigured(f"the audit key id {key_id!r} is given twice with different keys")
        keys[key_id] = key
    current = environ.get("REGISTRY_AUDIT_KEY_ID", "").strip() or listed[-1][0]
    if current not in keys:
        raise ImproperlyConfigured(
            f"REGISTRY_AUDIT_KEY_ID names the audit key {current!r}, which is not among the keys given "
            f"({', '.join(keys)})"
        )
    return keys, current


def syslog_address(raw: str) -> tuple[str | tuple[str, int], int] | None:
    """REGISTRY_AUDIT_SYSLOG → (address, socket type) for ``logging.handlers.SysLogHandler``."""
    raw = raw.strip()
    if not raw:
        return None
    if raw.startswith("/"):
        return raw, socket.SOCK_DGRAM
    scheme, sep, rest = raw.partition("://")
    if not sep:
        scheme, rest = "udp", raw
    host, colon, port = rest.rpartition(":")
    if scheme not in {"udp", "tcp"} or not colon or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ImproperlyConfigured(
            f"REGISTRY_AUDIT_SYSLOG must be a socket path (/dev/log), udp://host:port or tcp://host:port, not {raw!r}"
        )
    return (host.strip("[]"), int(port)), socket.SOCK_STREAM if scheme == "tcp" else socket.SOCK_DGRAM
