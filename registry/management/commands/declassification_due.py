"""List the documents whose declassification is due. Idempotent: it only reads; run it daily."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from classification import format_roc
from registry.selectors.declassification import declassification_due


def _roc(day) -> str:
    return format_roc(day) if day else "-"


class Command(BaseCommand):
    help = (
        "List documents due for declassification (their date has passed or their event is recorded). "
        "Registration numbers and dates only, never a subject."
    )

    def handle(self, *args, **options):
        today = timezone.localdate()
        documents = declassification_due(today=today).select_related("responsible_unit").order_by("declass_due_on", "pk")
        count = 0
        for document in documents.iterator():
            count += 1
            reason = (
                f"event recorded {_roc(document.declass_event_met_on)}"
                if document.declass_event_met_on
                else f"due {_roc(document.declass_due_on)}"
            )
            self.stdout.write(f"{document.number}\t{document.level_label}\t{document.responsible_unit.code}\t{reason}")
        self.stdout.write(f"{count} document(s) due for declassification on {_roc(today)}")
