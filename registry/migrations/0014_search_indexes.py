"""Trigram indexes for the register's search on PostgreSQL: a sender's 文號 and the agencies,
searched as "contains", are found through the index instead of reading every document. SQLite
(the zero-set-up default of ``make run``) searches the same columns without an index."""

from django.db import migrations

COLUMNS = ("sender_ref", "sender", "original_agency")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner may create it.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS document_{column}_trgm ON registry_document USING gin ({column} gin_trgm_ops)"  # nosec B608: fixed column names
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS document_{column}_trgm")  # nosec B608: fixed column names


class Migration(migrations.Migration):
    dependencies = [("registry", "0013_list_indexes")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
