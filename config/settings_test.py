"""Test settings: the real PostgreSQL database, and a flush that may empty the audit table."""

from config.settings import *  # noqa: F403
from config.settings import DATABASES

if DATABASES["default"]["ENGINE"] != "config.db.postgresql":
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "The test suite runs on PostgreSQL: set DATABASE_URL (make test starts a throwaway cluster)"
    )

# The live server answers each request on a thread of its own; a connection kept after the request
# would outlive the test and stop the test database from being dropped.
DATABASES["default"]["CONN_MAX_AGE"] = 0

AUDIT_ALLOW_TEST_FLUSH = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# A fixed audit key (not a secret: it signs nothing outside the test databases), and no anchor file
# unless a test names one.
REGISTRY_AUDIT_KEYS = {"test-1": b"registry-test-audit-key-0123456789abcdef"}
REGISTRY_AUDIT_KEY_ID = "test-1"
REGISTRY_AUDIT_ANCHOR_FILE = ""
REGISTRY_AUDIT_SYSLOG = None

# The suite's tests write and read inside one test transaction (or right after a commit, through
# the live server), so their reads stay on the primary. tests/scale/test_read_replica.py turns the
# replica on and proves, against the real streaming replica that scripts/with-postgres.sh starts,
# that the heavy reads land there and the writes and the audit chain on the primary.
REGISTRY_REPLICA_READS = False
if "replica" in DATABASES:
    DATABASES["replica"]["CONN_MAX_AGE"] = 0
