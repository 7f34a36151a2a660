"""PostgreSQL backend that lets the test suite's flush empty the audit table.

The audit table's TRUNCATE trigger refuses every truncate unless the session setting
``registry.allow_audit_truncate`` is on *and* the database is a test database (its name starts
with ``test_``). This backend turns the setting on, for the flush's own transaction only, when
``settings.AUDIT_ALLOW_TEST_FLUSH`` is true (only the test settings set it).
"""

from django.conf import settings
from django.db.backends.postgresql import base
from django.db.backends.postgresql.operations import DatabaseOperations as PgOperations


class DatabaseOperations(PgOperations):
    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        statements = super().sql_flush(
            style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
        if statements and getattr(settings, "AUDIT_ALLOW_TEST_FLUSH", False):
            statements.insert(0, "SET LOCAL registry.allow_audit_truncate = 'on'")
        return statements


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
