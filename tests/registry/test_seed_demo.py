"""The demo data that `make run` loads: every level in every state (the later life included), loaded once;
and the demo people who need a second factor have a device, so `demo_totp` codes let them in."""

import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from classification import Level
from registry.audit import verify_chain
from registry.auth.otp import needs_second_factor
from registry.management.commands.seed_demo import DEMO_PASSWORD
from registry.models import AuditAction, AuditEvent, Document, DocumentCopy, DocumentState, User

pytestmark = pytest.mark.django_db


def test_seed_demo_covers_every_level_and_state_and_runs_twice_without_adding(client, settings):
    call_command("seed_demo")
    first = Document.objects.count()
    call_command("seed_demo")

    assert Document.objects.count() == first == 50  # 5 levels x 10 states
    pairs = set(Document.objects.values_list("level", "state"))
    assert pairs == {(int(level), state) for level in Level for state in DocumentState.values}
    assert DocumentCopy.objects.filter(holder__username="lawhandler").count() == 2
    assert User.objects.filter(username__in=["clerk", "supervisor", "handler", "archivist", "ethics", "admin"]).count() == 6
    assert verify_chain().whole
    # One agency head (首長), designated by the administrator through the people service, once.
    assert list(User.objects.filter(is_agency_head=True).values_list("username", flat=True)) == ["head"]
    assert AuditEvent.objects.filter(action=AuditAction.PERSON_AGENCY_HEAD).count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.PERSON_CREATE).count() == User.objects.count()

    # Supervisors, the ethics officer and the administrator have a device enrolled as at the desk
    # (audited once each), and log in with the code demo_totp prints, no enrolment code needed.
    second_factor = sorted(p.username for p in User.objects.all() if needs_second_factor(p))
    assert second_factor == ["admin", "ethics", "lawsupervisor", "supervisor"]
    assert TOTPDevice.objects.filter(confirmed=True).count() == 4
    assert not TOTPDevice.objects.filter(confirmed=False).exists()
    desk = AuditEvent.objects.filter(action=AuditAction.AUTH_OTP_DESK_ENROL)
    assert sorted(json.loads(e.details)["person"] for e in desk) == second_factor
    assert {json.loads(e.details)["via"] for e in desk} == {"seed_demo"}
    settings.DEBUG = True
    out = StringIO()
    call_command("demo_totp", stdout=out)
    code = re.search(r"^\s+supervisor\s+(\d{6})$", out.getvalue(), re.MULTILINE).group(1)
    client.post("/login/", {"username": "supervisor", "password": DEMO_PASSWORD})
    assert client.post("/login/second-factor/", {"token": code}).status_code == 302
    assert client.get("/").status_code == 200
