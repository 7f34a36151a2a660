"""List the loans out past their due date. Idempotent: it only reads; run it daily."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from classification import format_roc
from registry.selectors.archive import overdue_loans


class Command(BaseCommand):
    help = "List loans (借調) out past their due date: registration number, borrower, due date."

    def handle(self, *args, **options):
        today = timezone.localdate()
        count = 0
        for loan in overdue_loans(today=today).order_by("due_on", "pk").iterator():
            count += 1
            days = (today - loan.due_on).days
            self.stdout.write(
                f"{loan.document.number}\t{loan.borrower.username}\tdue {format_roc(loan.due_on)}\t{days} day(s) overdue"
            )
        self.stdout.write(f"{count} loan(s) overdue on {format_roc(today)}")
