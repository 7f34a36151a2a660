"""The second factor for the demo: the current code of each demo person who needs one.

Supervisors, ethics officers and administrators enrol a TOTP device at their first log-in (the
page shows a QR code and the secret). For trying the registry without an authenticator app:

    manage.py demo_totp            current codes of everyone who has enrolled
    manage.py demo_totp --enrol    first give a device to each of them who has none, and print its
                                   secret and otpauth:// address as well

Only with DJANGO_DEBUG on: a production registry never prints anyone's codes.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from registry.auth import otp
from registry.models import User


class Command(BaseCommand):
    help = "Print the current TOTP codes of the demo people who need a second factor (development only)."

    def add_arguments(self, parser):
        parser.add_argument("--enrol", action="store_true", help="give a confirmed device to those who have none")

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("demo_totp is for development only (DJANGO_DEBUG is off)")
        people = [p for p in User.objects.filter(is_active=True).order_by("username") if otp.needs_second_factor(p)]
        if not people:
            self.stdout.write("Nobody needs a second factor (load the demo data with seed_demo first).")
            return
        self.stdout.write("Second-factor codes (a new one every 30 seconds; run again for fresh ones):")
        for person in people:
            device = otp.confirmed_device(person)
            new = False
            if device is None and options["enrol"]:
                with transaction.atomic():
                    device = otp.pending_device(person)
                    device.confirmed = True
                    device.save(update_fields=["confirmed"])
                new = True
            if device is None:
                self.stdout.write(f"  {person.username:<14} not enrolled: the QR code is shown at the first log-in")
                continue
            self.stdout.write(f"  {person.username:<14} {otp.current_token(device)}")
            if new:
                self.stdout.write(f"  {'':<14} secret {otp.secret_base32(device)}")
                self.stdout.write(f"  {'':<14} {device.config_url}")
