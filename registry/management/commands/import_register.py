"""manage.py import_register FILE --user CLERK [--commit]: bring a paper register (CSV or XLSX in
the template's layout, ``registry.imports.COLUMNS``) into the registry as that clerk.

Without --commit it only checks (a dry run) and prints each row's errors; with --commit and no
error it imports every row in one transaction, or nothing. Exit code 1 when a row has an error."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from registry.errors import NotPermitted
from registry.imports import TableError, read_table
from registry.models import User
from registry.services.imports import import_register


class Command(BaseCommand):
    help = "Check (and with --commit import) a paper register from a CSV or XLSX file."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the register as CSV (UTF-8) or XLSX, in the template's layout")
        parser.add_argument("--user", required=True, help="log-in name of the clerk who imports (their units)")
        parser.add_argument("--commit", action="store_true", help="import when every row is correct (default: check only)")

    def handle(self, *args, file, user, commit, **options):
        try:
            actor = User.objects.get(username=user)
        except User.DoesNotExist:
            raise CommandError(f"no person has the log-in name {user!r}") from None
        path = Path(file)
        try:
            table = read_table(path.read_bytes(), path.name)
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror}") from None
        except TableError as exc:
            raise CommandError(str(exc)) from None
        try:
            report = import_register(actor=actor, rows=table.rows, commit=commit)
        except NotPermitted as exc:
            raise CommandError(str(exc)) from None
        for error in report.errors:
            column = f" [{error.column}]" if error.column else ""
            self.stdout.write(f"第 {error.row} 列{column}：{error.message}")
        if report.errors:
            self.stdout.write(f"{report.rows} 列中有 {len({e.row for e in report.errors})} 列有誤；未匯入任何一列。")
            raise SystemExit(1)
        if report.committed:
            self.stdout.write(f"已匯入 {len(report.created)} 筆（{report.created[0].number}～{report.created[-1].number}）。")
        else:
            self.stdout.write(f"{report.rows} 列皆無誤（僅檢查，未匯入；加上 --commit 以匯入）。")
