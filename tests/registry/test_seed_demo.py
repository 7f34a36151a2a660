"""The demo data that `make run` loads: every level in every state (the later life included), loaded once;
and the demo people who need a second factor have a device, so `demo_totp` codes let them in. The
demo is two years of an office's work a trainee can practise on: dates in order, something due or
overdue in every list."""

import itertools
import json
import re
from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from classification import Level
from registry.audit import verify_chain
from registry.auth.otp import needs_second_factor
from registry.management.commands.seed_demo import DEMO_PASSWORD
from registry.models import (
    AuditAction,
    AuditEvent,
    Direction,
    Dispatch,
    DispatchState,
    Document,
    DocumentCopy,
    DocumentState,
    Loan,
    LoanState,
    Meeting,
    MeetingState,
    PartyDecision,
    PartyRequest,
    User,
)

pytestmark = pytest.mark.django_db


def test_seed_demo_covers_every_level_and_state_and_runs_twice_without_adding(client, settings):
    call_command("seed_demo")
    first = Document.objects.count()
    call_command("seed_demo")

    # 5 levels x 12 states, and the materials of the two meetings.
    assert Document.objects.count() == first == 62
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


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo data, loaded once for the module's tests (and removed after them)."""
    with django_db_blocker.unblock():
        from django.db import transaction

        with transaction.atomic():
            call_command("seed_demo")
            yield
            transaction.set_rollback(True)


def test_the_demo_spans_two_years_with_every_documents_dates_in_order(demo):
    today = timezone.localdate()
    registered = [timezone.localtime(d.registered_at).date() for d in Document.objects.all()]
    assert min(registered) >= today - timedelta(days=731)
    assert min(registered) <= today - timedelta(days=600)
    assert max(timezone.localtime(e.at) for e in AuditEvent.objects.all()) <= timezone.localtime()
    for document in Document.objects.all():
        steps = [s.at for s in document.steps.all()]
        assert steps == sorted(steps) and steps[0] == document.registered_at, document.number
        if document.archived_at:
            assert document.archived_at > document.registered_at, document.number
        if document.destroyed_at:
            assert document.destroyed_at > document.archived_at, document.number
        events = list(AuditEvent.objects.filter(document=document).order_by("seq").values_list("at", flat=True))
        assert events == sorted(events), document.number
    # The registration numbers of a year follow the order of registration.
    for (year, series), rows in itertools.groupby(
        Document.objects.order_by("reg_year", "reg_series", "reg_serial").values_list(
            "reg_year", "reg_series", "registered_at"
        ),
        key=lambda row: row[:2],
    ):
        times = [row[2] for row in rows]
        assert times == sorted(times), (year, series)
    assert len({d.reg_year for d in Document.objects.all()}) >= 2


def test_the_demo_has_something_to_do_in_every_list(demo):
    from registry.selectors.declassification import declassification_due
    from registry.selectors.destruction import destructible

    today = timezone.localdate()
    assert declassification_due().count() >= 3
    assert len(destructible()) >= 2
    assert Meeting.objects.filter(state=MeetingState.PLANNED, starts_at__gt=timezone.now()).count() == 1
    assert Meeting.objects.filter(state=MeetingState.HELD, starts_at__lt=timezone.now()).count() == 1
    decisions = set(PartyRequest.objects.values_list("decision", flat=True))
    assert PartyDecision.PENDING in decisions and decisions - {PartyDecision.PENDING}
    assert Loan.objects.filter(state=LoanState.LENT, due_on__lt=today).count() == 5
    overdue = today - timedelta(days=settings.REGISTRY_RECEIPT_DUE_DAYS)
    late = Dispatch.objects.filter(state=DispatchState.SENT, dispatched_at__date__lt=overdue)
    assert late.count() >= 2
    assert Dispatch.objects.filter(state=DispatchState.RECEIVED).exists()
    # An outgoing document is never waiting to be opened, and a dispatched one says so.
    assert not Document.objects.filter(direction=Direction.OUTGOING, state=DocumentState.REGISTERED).exists()
    assert Document.objects.filter(direction=Direction.OUTGOING, state=DocumentState.DISPATCHED).count() == 5
    assert Document.objects.filter(state=DocumentState.DESTROYED).count() == 5
    assert verify_chain().whole
