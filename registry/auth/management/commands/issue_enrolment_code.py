"""Issue a one-time enrolment code for a person, on the server: how the first administrator of a
fresh install enrols their second factor (after ``createsuperuser``), and how any person is given a
code when no administrator can log in.

    manage.py issue_enrolment_code <username>             print a new code, once
    manage.py issue_enrolment_code <username> --revoke    revoke the person's open code

The code is printed once and kept nowhere (only its hash is stored); issuing a new one revokes the
earlier one. Issue and revocation are audit events with no actor, naming the server account.
"""

from __future__ import annotations

import getpass

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from registry.auth import enrolment
from registry.errors import RegistryError
from registry.models import User


def _server_account() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for the process's user id (some containers)
        return ""


class Command(BaseCommand):
    help = "Issue a one-time second-factor enrolment code for a person and print it once (or --revoke it)."

    def add_arguments(self, parser):
        parser.add_argument("username", help="the person's log-in name")
        parser.add_argument("--revoke", action="store_true", help="revoke the person's open code instead")

    def handle(self, *args, **options):
        person = User.objects.filter(username=options["username"]).first()
        if person is None:
            raise CommandError(f"No person has the log-in name {options['username']!r}.")
        if options["revoke"]:
            code = enrolment.open_code(person)
            if code is None:
                raise CommandError(f"{person.username} has no enrolment code to revoke.")
            enrolment.enrolment_code_revoke(actor=None, code=code, via="command")
            self.stdout.write(f"The enrolment code of {person.username} is revoked.")
            return
        try:
            code, text = enrolment.enrolment_code_issue(
                actor=None, person=person, via="command", note={"server_account": _server_account()}
            )
        except RegistryError as refusal:
            raise CommandError(str(refusal.message)) from refusal
        expires = timezone.localtime(code.expires_at).strftime("%Y-%m-%d %H:%M %Z")
        self.stdout.write(f"Enrolment code for {person.username}: {text}")
        self.stdout.write(
            f"Valid once, for {person.username} only, until {expires} ({settings.REGISTRY_ENROLMENT_CODE_HOURS} hours). "
            "It is not shown again: after the password, the person types it and sets up an authenticator app."
        )
