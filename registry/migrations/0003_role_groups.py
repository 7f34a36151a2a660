"""The six roles of the registry, as Django groups."""

from django.db import migrations

ROLES = ["收發人員", "單位主管", "密件承辦人", "檔案管理人員", "政風人員", "系統管理者"]


def create(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("registry", "0002_audit_append_only"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
