"""The audit chain becomes keyed: each event stores the id of the key its HMAC was made with.

Events already in the chain were hashed with plain SHA-256: they get the key id "sha256" (the
column is added with that default, which PostgreSQL writes into the existing rows without an
UPDATE, so the append-only trigger is not involved; the default is dropped again at once). Every
event appended from now on is keyed (``registry.audit.record``). A verification also notes the
key id of the head it verified, where it started and where the head was anchored.

On SQLite, adding the column may rebuild the table, which drops its triggers: they are put back.
"""

from django.db import migrations, models

SQLITE_TRIGGERS = [
    "DROP TRIGGER IF EXISTS registry_auditevent_no_update",
    "DROP TRIGGER IF EXISTS registry_auditevent_no_delete",
    """CREATE TRIGGER registry_auditevent_no_update BEFORE UPDATE ON registry_auditevent
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: UPDATE on registry_auditevent is refused'); END""",
    """CREATE TRIGGER registry_auditevent_no_delete BEFORE DELETE ON registry_auditevent
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: DELETE on registry_auditevent is refused'); END""",
]


def sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_TRIGGERS:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("registry", "0010_enrolment_code_actions")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="key_id",
            field=models.CharField(default="sha256", max_length=16, verbose_name="key id"),
            preserve_default=False,
        ),
        migrations.RunPython(sqlite_triggers, migrations.RunPython.noop),
        migrations.AddField(
            model_name="chainverification",
            name="head_key_id",
            field=models.CharField(blank=True, max_length=16, verbose_name="key id of that event"),
        ),
        migrations.AddField(
            model_name="chainverification",
            name="from_seq",
            field=models.BigIntegerField(blank=True, null=True, verbose_name="verified from sequence number"),
        ),
        migrations.AddField(
            model_name="chainverification",
            name="anchored_to",
            field=models.CharField(blank=True, max_length=300, verbose_name="anchored to"),
        ),
    ]
