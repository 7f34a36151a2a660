"""Fixtures shared by the registry's tests: an office with its units and people, and a helper
that walks a document through its states.

Nothing here switches a security feature off: the audit triggers come from the migrations (never
run the suite with ``--nomigrations``), every document is made through the services, and the
only allowance for tests is the one ``config.settings_test`` makes (a flush may empty the audit
table of a ``test_`` database).

Models are imported inside the fixtures: ``tests/classification`` also runs without Django's
database (``-p no:django``), and this file must not need one to be imported.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

TAIPEI = ZoneInfo("Asia/Taipei")
# The hours at which every test marked ``any_hour`` runs besides the present one: after midnight,
# before the office opens, and late in the evening, before the date turns.
CLOCKS = ("02:00", "23:30")


def next_taipei(clock: str, *, now: datetime | None = None) -> datetime:
    """The next moment (today or tomorrow) at which Taipei's clocks show ``clock`` ("HH:MM").

    Always ahead of the present, so that rows made earlier in the session (a module's world) are
    never dated in the clock's future.
    """
    hours, minutes = (int(part) for part in clock.split(":"))
    now = (now or datetime.now(TAIPEI)).astimezone(TAIPEI)
    moment = now.replace(hour=hours, minute=minutes, second=0, microsecond=0)
    return moment if moment > now else moment + timedelta(days=1)


def pytest_addoption(parser):
    parser.addoption(
        "--taipei-clock",
        default=os.environ.get("REGISTRY_TEST_CLOCK", ""),
        metavar="HH:MM",
        help="run the whole session from the next HH:MM in Asia/Taipei on (the clock then runs on); "
        "also REGISTRY_TEST_CLOCK",
    )


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        f"any_hour: the test depends on the time of day; it runs now and at each of {', '.join(CLOCKS)} Taipei time",
    )


def pytest_generate_tests(metafunc):
    if metafunc.definition.get_closest_marker("any_hour"):
        if "taipei_clock" not in metafunc.fixturenames:
            metafunc.fixturenames.append("taipei_clock")
        metafunc.parametrize("taipei_clock", ["now", *CLOCKS], indirect=True)


@pytest.fixture(scope="session", autouse=True)
def _session_clock(request):
    """``--taipei-clock HH:MM`` (or REGISTRY_TEST_CLOCK): the whole session from that hour on."""
    clock = request.config.getoption("--taipei-clock")
    if not clock:
        yield
        return
    import time_machine

    with time_machine.travel(next_taipei(clock), tick=True):
        yield


@pytest.fixture
def taipei_clock(request):
    """The clock of an ``any_hour`` test: "now", or the next given hour of Taipei (time then runs on)."""
    clock = getattr(request, "param", "now")
    if clock == "now":
        yield clock
        return
    import time_machine

    with time_machine.travel(next_taipei(clock), tick=True):
        yield clock


@pytest.fixture(autouse=True)
def _any_hour_clock_first(request):
    """An ``any_hour`` test's clock is set before any of its other function fixtures run."""
    if request.node.get_closest_marker("any_hour"):
        request.getfixturevalue("taipei_clock")


@pytest.fixture(autouse=True)
def _force_login_passes_the_second_factor(request, monkeypatch):
    """Test convenience, in tests only: ``client.force_login(person)`` also passes the TOTP step
    for a person who needs one (supervisors, ethics officers, administrators).

    force_login skips the log-in page, so it skips the second step as well: after Django's own
    force_login this gives the person a real confirmed TOTP device (made on the fly if they have
    none) and records it in the session under django-otp's key, exactly as the second-factor page
    does after a right code. Nothing in the application is changed or switched off; log-ins
    through the log-in page (``client.post("/login/", ...)``, the browser tests) still meet the
    real second step, and ``tests/auth`` tests that step through the pages.
    """
    from django.conf import settings

    if not settings.configured or "django_otp" not in getattr(settings, "INSTALLED_APPS", ()):
        return  # tests/classification also runs without the project's settings
    from django.test import Client

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        from django_otp import DEVICE_ID_SESSION_KEY

        from registry.auth.otp import confirmed_device, needs_second_factor

        if not needs_second_factor(user):
            return
        device = confirmed_device(user)
        if device is None:
            from django_otp.plugins.otp_totp.models import TOTPDevice

            device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture
def receiving_unit(db):
    """The unit whose clerk receives and registers documents (收文單位): 秘書處."""
    from tests.factories import UnitFactory

    return UnitFactory(code="SEC", name="秘書處")


@pytest.fixture
def handling_unit(receiving_unit):
    """A unit below the receiving unit that the supervisor instructs to handle documents: 機要科."""
    from tests.factories import UnitFactory

    return UnitFactory(code="SEC-CONF", name="機要科", parent=receiving_unit)


@pytest.fixture
def other_unit(db):
    """A unit outside the receiving unit's tree: 政風室 (the ethics office)."""
    from tests.factories import UnitFactory

    return UnitFactory(code="ETH", name="政風室")


@pytest.fixture
def make_person(db):
    """``make_person(*roles, **fields)``: a person with those roles (cleared to 絕對機密 unless told)."""
    from tests.factories import UserFactory

    def make(*roles, **fields):
        return UserFactory(roles=list(roles), **fields)

    return make


@pytest.fixture
def clerk(make_person, receiving_unit):
    """收發人員 of the receiving unit, cleared to 絕對機密: registers and routes."""
    from registry.roles import Role

    return make_person(Role.CLERK, unit=receiving_unit, username="clerk", full_name="收發陳")


@pytest.fixture
def supervisor(make_person, receiving_unit):
    """單位主管 of the receiving unit (above the handling unit), cleared to 絕對機密: opens."""
    from registry.roles import Role

    return make_person(Role.SUPERVISOR, unit=receiving_unit, username="supervisor", full_name="主管林")


@pytest.fixture
def handler(make_person, handling_unit):
    """密件承辦人 of the handling unit, cleared to 絕對機密: the one documents are routed to."""
    from registry.roles import Role

    return make_person(Role.HANDLER, unit=handling_unit, username="handler", full_name="承辦張")


@pytest.fixture
def second_handler(make_person, handling_unit):
    """Another 密件承辦人 of the same handling unit, to whom the document was NOT routed."""
    from registry.roles import Role

    return make_person(Role.HANDLER, unit=handling_unit, username="handler2", full_name="承辦李")


@pytest.fixture
def archivist(make_person, receiving_unit):
    """檔案管理人員, cleared to 絕對機密; keeps the register but knows no document by role."""
    from registry.roles import Role

    return make_person(Role.ARCHIVIST, unit=receiving_unit, username="archivist", full_name="檔管黃")


@pytest.fixture
def ethics_officer(make_person, other_unit):
    """政風人員 of the ethics office, cleared to 絕對機密; reviews trails, sees no content by role."""
    from registry.roles import Role

    return make_person(Role.ETHICS, unit=other_unit, username="ethics", full_name="政風吳")


@pytest.fixture
def administrator(make_person, receiving_unit):
    """系統管理者 with is_staff and is_superuser: manages people, never reads a document by role."""
    from registry.roles import Role

    return make_person(
        Role.ADMIN,
        unit=receiving_unit,
        username="admin",
        full_name="管理蔡",
        is_staff=True,
        is_superuser=True,
    )


@pytest.fixture
def outsider(make_person, handling_unit):
    """A person of the handling unit, cleared to 絕對機密, with no role and no need-to-know."""
    return make_person(unit=handling_unit, username="outsider", full_name="局外周")


@pytest.fixture
def everyone(clerk, supervisor, handler, second_handler, archivist, ethics_officer, administrator, outsider):
    """Every person of the office fixtures by name."""
    return {
        "clerk": clerk,
        "supervisor": supervisor,
        "handler": handler,
        "second_handler": second_handler,
        "archivist": archivist,
        "ethics_officer": ethics_officer,
        "administrator": administrator,
        "outsider": outsider,
    }


@pytest.fixture
def walk(clerk, supervisor, handler, handling_unit, archivist, ethics_officer):
    """``walk(state, **registration)``: register a document and take it, through the services, to
    ``state`` (registered → opened → routed → signed → handling → to the archive → archived →
    on loan or destroyed; or cancelled from registered; an outgoing one drafted → dispatched).

    The clerk registers and routes, the supervisor opens and instructs the handling unit, the
    handler signs for it and begins handling and hands it to the archive; the archivist files it
    for one year; a loan goes to the clerk, approved by the supervisor; destruction first declassifies the document, moves
    its filing date two years back (the only direct write here: retention cannot be waited out in
    a test) and is witnessed by the ethics officer. Returns the document as stored.
    """
    from datetime import timedelta

    from django.utils import timezone

    from registry.models import Document, DocumentState, StorageLocation
    from registry.services import archive as archive_svc
    from registry.services import declassification as declass_svc
    from registry.services import destruction as destruction_svc
    from registry.services import documents as svc
    from tests.factories import AGENCY_DECISION, register_document

    def file_it(d):
        zone = archive_svc.zone_for(d)
        location, _ = StorageLocation.objects.get_or_create(
            code=f"W-{zone}", defaults={"name": "walk", "zone": zone}
        )
        return archive_svc.archive_receive(document=d, actor=archivist, location=location, retention_years=1)

    def lend(d):
        # The clerk borrows and the supervisor approves: nobody approves their own loan.
        loan = archive_svc.loan_request(document=d, actor=clerk, reason="查考")
        archive_svc.loan_decide(
            loan=loan, actor=supervisor, approve=True, reason="准", due_on=timezone.localdate() + timedelta(days=7)
        )
        archive_svc.loan_lend(loan=loan, actor=archivist)
        return d

    def destroy(d):
        if d.level_enum.rule.is_national_secret:
            declass_svc.reclassify(document=d, actor=supervisor, kind="declassify", reason="解密", **AGENCY_DECISION)
        Document.objects.filter(pk=d.pk).update(archived_at=timezone.now() - timedelta(days=800))
        inventory = destruction_svc.destruction_draft(actor=archivist, documents=[d])
        destruction_svc.destruction_approve(destruction_list=inventory, actor=supervisor)
        destruction_svc.destruction_record(
            destruction_list=inventory,
            actor=ethics_officer,
            destroyed_by=archivist,
            witness=ethics_officer,
            method="shred",
            destroyed_on=timezone.localdate(),
        )
        return d

    path = [
        DocumentState.REGISTERED,
        DocumentState.OPENED,
        DocumentState.ROUTED,
        DocumentState.SIGNED,
        DocumentState.IN_HANDLING,
        DocumentState.TO_ARCHIVE,
        DocumentState.ARCHIVED,
    ]
    steps = {
        DocumentState.OPENED: lambda d: svc.document_open(
            document=d, actor=supervisor, instruction="請機要科辦理", handling_unit=handling_unit
        ),
        DocumentState.ROUTED: lambda d: svc.document_route(document=d, actor=clerk, handler=handler),
        DocumentState.SIGNED: lambda d: svc.document_sign_for(document=d, actor=handler),
        DocumentState.IN_HANDLING: lambda d: svc.document_begin_handling(document=d, actor=handler),
        DocumentState.TO_ARCHIVE: lambda d: archive_svc.archive_handover(document=d, actor=handler),
        DocumentState.ARCHIVED: file_it,
    }
    after_archive = {DocumentState.ON_LOAN: lend, DocumentState.DESTROYED: destroy}

    def send(d):
        from registry.services.dispatch import dispatch_record

        dispatch_record(
            document=d, actor=clerk, recipient="國防部", address="臺北市中正區", method="hand", carrier="陳承辦"
        )
        return d

    outgoing = {DocumentState.DRAFTED: None, DocumentState.DISPATCHED: send}

    def walk_to(state, **registration):
        state = DocumentState(state)
        if state in outgoing:
            registration = {"direction": "out", "authorization_ref": "", "authorization_by": "", **registration}
        document = register_document(clerk, **registration)
        if state in outgoing:
            if outgoing[state]:
                outgoing[state](document)
        elif state == DocumentState.CANCELLED:
            document = svc.document_cancel(document=document, actor=clerk, reason="誤登")
        else:
            target = DocumentState.ARCHIVED if state in after_archive else state
            for next_state in path[1 : path.index(target) + 1]:
                document = steps[next_state](document)
            if state in after_archive:
                document = after_archive[state](document)
        document.refresh_from_db()
        assert document.state == state
        return document

    return walk_to
