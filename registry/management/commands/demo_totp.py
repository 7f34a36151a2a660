"""The second factor for the demo: the current code of each demo person who needs one.

Supervisors, ethics officers and administrators give a code from an authenticator app after the
password. ``seed_demo`` enrols a device for each demo person who needs one (as an administrator
would at the desk), so the demo needs no app:

    manage.py demo_totp            current codes of everyone who has a device
    manage.py demo_totp --enrol    first enrol a device (audited, as at the desk) for each of them
                                   who has none, and print its secret and otpauth:// address too

Only on a development install (make run): a production registry never prints anyone's codes.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from registry.auth import enrolment, otp
from registry.models import User


class Command(BaseCommand):
    help = "Print the current TOTP codes of the demo people who need a second factor (development only)."

    def add_arguments(self, parser):
        parser.add_argument("--enrol", action="store_true", help="enrol a device for those who have none")

    def handle(self, *args, **options):
        if not (settings.DEBUG or settings.REGISTRY_DEVELOPMENT):
            raise CommandError("demo_totp is for development only (make run; DJANGO_DEBUG and REGISTRY_DEVELOPMENT are off)")
        people = [p for p in User.objects.filter(is_active=True).order_by("username") if otp.needs_second_factor(p)]
        if not people:
            self.stdout.write("Nobody needs a second factor (load the demo data with seed_demo first).")
            return
        self.stdout.write("Second-factor codes (a new one every 30 seconds; run again for fresh ones):")
        for person in people:
            device = otp.confirmed_device(person)
            new = False
            if device is None and options["enrol"]:
                device = enrolment.enrolment_start(person=person)
                device = enrolment.device_enrol_at_desk(actor=None, person=person, device=device, via="demo_totp")
                new = True
            if device is None:
                self.stdout.write(
                    f"  {person.username:<14} no device: run demo_totp --enrol, or issue an enrolment code "
                    f"(manage.py issue_enrolment_code {person.username})"
                )
                continue
            self.stdout.write(f"  {person.username:<14} {otp.current_token(device)}")
            if new:
                self.stdout.write(f"  {'':<14} secret {otp.secret_base32(device)}")
                self.stdout.write(f"  {'':<14} {device.config_url}")
