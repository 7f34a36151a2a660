"""The database itself refuses to change or remove audit events."""

from django.db import migrations

PG_INSTALL = r"""
CREATE OR REPLACE FUNCTION registry_audit_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Only a test database's flush may empty the table, and only when it asks for it explicitly.
    IF TG_OP = 'TRUNCATE'
       AND coalesce(current_setting('registry.allow_audit_truncate', true), '') = 'on'
       AND current_database() LIKE 'test\_%' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'the audit log is append-only: % on registry_auditevent is refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER registry_auditevent_no_update_delete
    BEFORE UPDATE OR DELETE ON registry_auditevent
    FOR EACH ROW EXECUTE FUNCTION registry_audit_refuse();
CREATE TRIGGER registry_auditevent_no_truncate
    BEFORE TRUNCATE ON registry_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION registry_audit_refuse();
"""

PG_REMOVE = """
DROP TRIGGER IF EXISTS registry_auditevent_no_truncate ON registry_auditevent;
DROP TRIGGER IF EXISTS registry_auditevent_no_update_delete ON registry_auditevent;
DROP FUNCTION IF EXISTS registry_audit_refuse();
"""

SQLITE_INSTALL = [
    """CREATE TRIGGER registry_auditevent_no_update BEFORE UPDATE ON registry_auditevent
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: UPDATE on registry_auditevent is refused'); END""",
    """CREATE TRIGGER registry_auditevent_no_delete BEFORE DELETE ON registry_auditevent
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: DELETE on registry_auditevent is refused'); END""",
]

SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS registry_auditevent_no_update",
    "DROP TRIGGER IF EXISTS registry_auditevent_no_delete",
]


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_INSTALL, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_INSTALL:
            schema_editor.execute(statement)
    else:
        raise RuntimeError(f"the audit table has no append-only triggers for {vendor}")


def remove(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_REMOVE)
    elif vendor == "sqlite":
        for statement in SQLITE_REMOVE:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(install, remove)]
