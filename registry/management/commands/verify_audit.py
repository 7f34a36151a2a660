"""Re-compute the audit chain; exit 0 when whole, 1 naming the first broken link otherwise.

Every run is recorded (``ChainVerification``): the review page shows through which sequence
number the chain was last verified, when, and the head hash for the paper inspection record.
"""

import sys

from django.core.management.base import BaseCommand

from registry.models import VerificationSource
from registry.review.chain import verify_and_record


class Command(BaseCommand):
    help = "Re-compute the hash chain of the audit log and name the first broken sequence number."

    def handle(self, *args, **options):
        result = verify_and_record(source=VerificationSource.COMMAND)
        if result.whole:
            self.stdout.write(
                f"audit chain whole: {result.checked} events, head #{result.through_seq or 0} {result.head_hash or '-'}"
            )
            return
        self.stderr.write(
            f"audit chain BROKEN at sequence number {result.broken_seq}: {result.problem} "
            f"({result.checked} events verified before it)"
        )
        sys.exit(1)
