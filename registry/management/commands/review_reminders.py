"""List the classified documents due for the yearly review. Idempotent: it only reads; run it daily."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from classification import format_roc
from registry.selectors.declassification import reviews_due


class Command(BaseCommand):
    help = (
        "List classified documents not reviewed in the last year (the yearly review). "
        "Registration numbers and dates only, never a subject."
    )

    def handle(self, *args, **options):
        today = timezone.localdate()
        documents = reviews_due(today=today).select_related("responsible_unit").order_by("last_reviewed_on", "pk")
        count = 0
        for document in documents.iterator():
            count += 1
            last = format_roc(document.last_reviewed_on) if document.last_reviewed_on else "never reviewed"
            self.stdout.write(f"{document.number}\t{document.level_label}\t{document.responsible_unit.code}\t{last}")
        self.stdout.write(f"{count} document(s) due for the yearly review on {format_roc(today)}")
