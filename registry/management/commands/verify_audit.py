"""Re-compute the audit chain; exit 0 when whole, 1 naming the first broken link otherwise."""

import sys

from django.core.management.base import BaseCommand

from registry.audit import verify_chain


class Command(BaseCommand):
    help = "Re-compute the hash chain of the audit log and name the first broken sequence number."

    def handle(self, *args, **options):
        report = verify_chain()
        if report.whole:
            self.stdout.write(
                f"audit chain whole: {report.checked} events, head #{report.head_seq or 0} {report.head_hash or '-'}"
            )
            return
        self.stderr.write(
            f"audit chain BROKEN at sequence number {report.broken_seq}: {report.problem} "
            f"({report.checked} events verified before it)"
        )
        sys.exit(1)
