"""Re-compute the audit chain; exit 0 when whole, 1 naming the first broken link otherwise.

    manage.py verify_audit [--incremental] [--since-anchor FILE] [--no-anchor]

Every run is recorded (``ChainVerification``): the review page shows through which sequence
number the chain was last verified, when, and the head hash for the paper inspection record.
A whole chain's head is anchored outside the database: appended to ``REGISTRY_AUDIT_ANCHOR_FILE``
and/or sent to ``REGISTRY_AUDIT_SYSLOG`` (exit 2 when that fails).

``--incremental`` verifies from the head of the last whole verification onwards only.
``--since-anchor FILE`` verifies the whole chain and then holds every anchor of FILE against it:
the event at each anchored sequence number must carry the anchored hash (exit 1 naming the first
anchor that does not).
"""

import sys

from django.core.management.base import BaseCommand, CommandError

from registry.audit import AuditKeyError, verify_chain
from registry.models import VerificationSource
from registry.review.anchors import AnchorFileError, anchor_of, check_anchors, read_anchors, write_anchor
from registry.review.chain import incremental_start, record_verification


class Command(BaseCommand):
    help = "Re-compute the hash chain of the audit log, name the first broken sequence number, anchor the head."

    def add_arguments(self, parser):
        parser.add_argument(
            "--incremental",
            action="store_true",
            help="verify only from the head of the last whole verification onwards",
        )
        parser.add_argument(
            "--since-anchor",
            metavar="FILE",
            help="verify the whole chain and check that each anchor in FILE still holds",
        )
        parser.add_argument(
            "--no-anchor", action="store_true", help="do not anchor the verified head (e.g. on a restored copy)"
        )

    def handle(self, *args, incremental, since_anchor, no_anchor, **options):
        if incremental and since_anchor:
            raise CommandError("--since-anchor verifies the whole chain; it cannot be --incremental")
        anchors = None
        if since_anchor:
            try:
                anchors = read_anchors(since_anchor)
            except AnchorFileError as exc:
                raise CommandError(f"{since_anchor}: {exc}") from exc
        try:
            report = verify_chain(since=incremental_start() if incremental else None)
        except AuditKeyError as exc:
            raise CommandError(str(exc)) from exc

        anchored, anchor_failures = [], []
        anchor = None if no_anchor else anchor_of(report)
        if anchor is not None:
            anchored, anchor_failures = write_anchor(anchor)
        result = record_verification(report, source=VerificationSource.COMMAND, anchored_to="; ".join(anchored))

        failed = False
        if result.whole:
            start = f" from #{result.from_seq}" if result.from_seq else ""
            self.stdout.write(
                f"audit chain whole: {result.checked} events{start}, head #{result.through_seq or 0} "
                f"{result.head_hash or '-'} key {result.head_key_id or '-'}"
            )
        else:
            self.stderr.write(
                f"audit chain BROKEN at sequence number {result.broken_seq}: {result.problem} "
                f"({result.checked} events verified before it)"
            )
            failed = True
        if anchors is not None:
            checked = check_anchors(anchors, report)
            if checked.failed is None:
                self.stdout.write(f"anchors: all {checked.checked} of {since_anchor} hold")
            else:
                bad = checked.failed
                self.stderr.write(
                    f"anchor of {bad.at.isoformat()} (line {bad.line} of {since_anchor}, sequence number {bad.seq}, "
                    f"hash {bad.hash}) does NOT hold: {checked.problem}"
                )
                failed = True
        if anchored:
            self.stdout.write(f"anchored head #{anchor.seq} to {'; '.join(anchored)}")
        if anchor is not None and not anchored and not anchor_failures:
            self.stdout.write("head not anchored: REGISTRY_AUDIT_ANCHOR_FILE and REGISTRY_AUDIT_SYSLOG are both off")
        if anchor_failures:
            self.stderr.write(f"the head could NOT be anchored to {'; '.join(anchor_failures)}")
        if failed:
            sys.exit(1)
        if anchor_failures:
            sys.exit(2)
