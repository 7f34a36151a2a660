"""Close need-to-know grants whose time has run out. Idempotent; safe to run every minute."""

from django.core.management.base import BaseCommand

from registry.services.grants import expire_grants


class Command(BaseCommand):
    help = "End every need-to-know grant past its end time and remove its object permission."

    def handle(self, *args, **options):
        count = expire_grants()
        self.stdout.write(f"{count} grant(s) expired")
