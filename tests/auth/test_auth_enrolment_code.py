"""Enrolment of a first TOTP device only with a one-time enrolment code an administrator issues for
the person (or by the administrator at the desk): the password alone never shows a secret or makes
a device; a wrong, expired, used, revoked or someone else's code is refused and changes nothing but
the audit chain; the code is kept only as a hash; issuing, using, refusing and revoking are audited.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone, translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from registry.auth import enrolment
from registry.auth.models import EnrolmentCode
from registry.auth.otp import current_token
from registry.models import AuditAction, AuditEvent
from tests.auth.conftest import log_in
from tests.auth.test_auth_second_factor import (
    ENROL,
    ENROL_DEVICE,
    SECOND_FACTOR,
    VERIFY,
    events,
    secret_on,
    token_for_secret,
)

CODE = re.compile(r"\b([2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4})\b")


def issue(person, actor=None):
    _code, text = enrolment.enrolment_code_issue(actor=actor, person=person, via="test")
    return text


def snapshot():
    """What a refused code must leave as it was: devices, codes, and the audit chain's head."""
    return (
        list(TOTPDevice.objects.order_by("pk").values()),
        list(EnrolmentCode.objects.order_by("pk").values()),
        AuditEvent.objects.count(),
    )


def second_factor_url(person, view="second_factor"):
    return f"/admin/registry/user/{person.pk}/second-factor/" + {
        "second_factor": "",
        "issue": "issue/",
        "revoke": "revoke/",
        "desk": "desk/",
    }[view]


# --- the person, after the password -------------------------------------------------------------


@pytest.mark.parametrize("who", SECOND_FACTOR)
def test_the_password_alone_never_reaches_a_secret_or_makes_a_device(client, everyone, who):
    person = everyone[who]
    log_in(client, person.username)
    page = client.get(ENROL)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="enrolment_code"' in html
    for secret_sign in ("otp-secret", "otpauth://", "data:image/svg"):
        assert secret_sign not in html
    # The device page without a code in this session sends back to the code.
    assert client.get(ENROL_DEVICE)["Location"].startswith(ENROL)
    assert client.post(ENROL_DEVICE, {"token": "123456"})["Location"].startswith(ENROL)
    # An empty code is a form error, not a device.
    assert client.post(ENROL, {"enrolment_code": ""}).status_code == 200
    assert not TOTPDevice.objects.filter(user=person).exists()
    assert client.get("/")["Location"].startswith(ENROL)


def test_without_a_code_the_page_says_to_ask_the_system_administrator(client, supervisor):
    log_in(client, "supervisor")
    html = client.get(ENROL).content.decode()
    assert "系統管理者" in html and "啟用碼" in html  # zh-Hant, the default language
    response = client.post(ENROL, {"enrolment_code": "AAAA-BBBB-CCCC-DDDD"})
    assert response.status_code == 200
    assert "啟用碼無效" in response.content.decode() and "系統管理者" in response.content.decode()


def _wrong(person, other):
    issue(person)
    return "ABCD-EFGH-JKLM-NPQR"


def _expired(person, other):
    text = issue(person)
    return text  # the test travels past the expiry before logging in


def _used(person, other):
    text = issue(person)
    code = EnrolmentCode.objects.get(person=person)
    device = enrolment.enrolment_start(person=person)
    enrolment.enrolment_complete(person=person, code=code, device=device)
    device.delete()  # the device was lost and removed: the used code does not enrol a new one
    return text


def _revoked(person, other):
    text = issue(person)
    enrolment.enrolment_code_revoke(actor=None, code=EnrolmentCode.objects.get(person=person), via="test")
    return text


def _another_persons(person, other):
    issue(person)
    return issue(other)


@pytest.mark.parametrize(
    ("case", "make", "reason", "message"),
    [
        ("wrong", _wrong, "wrong", "That is not a valid enrolment code"),
        ("expired", _expired, "expired", "This enrolment code has expired"),
        ("used", _used, "used", "This enrolment code was already used"),
        ("revoked", _revoked, "revoked", "This enrolment code was revoked"),
        ("another person's", _another_persons, "another_person", "That is not a valid enrolment code"),
    ],
)
def test_a_refused_code_changes_nothing_but_the_audit_of_its_refusal(
    en_client, supervisor, ethics_officer, case, make, reason, message
):
    text = make(supervisor, ethics_officer)
    later = timezone.now() + timedelta(hours=73) if case == "expired" else None
    with time_machine.travel(later or timezone.now(), tick=True):
        log_in(en_client, "supervisor")
        before_devices, before_codes, before_events = snapshot()
        response = en_client.post(ENROL, {"enrolment_code": text})
        assert response.status_code == 200, case
        with translation.override("en"):
            page = response.content.decode()
        assert message in page, case
        assert "Ask the system administrator" in page or "ask the system administrator" in page
        after_devices, after_codes, after_events = snapshot()
        assert after_devices == before_devices and after_codes == before_codes, case
        assert after_events == before_events + 1
        (event,) = events(AuditAction.AUTH_ENROL_CODE_FAILED, supervisor)
        details = json.loads(event.details)
        assert details["reason"] == reason
        assert text not in event.details and text.replace("-", "") not in event.details
        # Still no page, no secret, no device.
        assert en_client.get(ENROL_DEVICE)["Location"].startswith(ENROL)
        assert en_client.get("/")["Location"].startswith(ENROL)
    assert not TOTPDevice.objects.filter(user=supervisor).exists()
    if case == "another person's":
        # The other person's code still works for them.
        assert enrolment.open_code(ethics_officer).state() == "open"


def test_the_right_code_shows_the_secret_and_a_first_code_enrols_and_spends_it(client, supervisor):
    text = issue(supervisor)
    log_in(client, "supervisor")
    # Typed as people type: small letters, spaces instead of hyphens.
    response = client.post(ENROL, {"enrolment_code": f"  {text.replace('-', ' ').lower()} ", "next": "/register/"})
    assert response["Location"] == f"{ENROL_DEVICE}?next=%2Fregister%2F"
    secret = secret_on(client.get(response["Location"]).content.decode())
    device = TOTPDevice.objects.get(user=supervisor)
    assert not device.confirmed
    code = EnrolmentCode.objects.get(person=supervisor)
    assert code.used_at is None  # not spent before the device is confirmed

    response = client.post(ENROL_DEVICE, {"token": token_for_secret(secret), "next": "/register/"})
    assert response["Location"] == "/register/"
    device.refresh_from_db()
    code.refresh_from_db()
    assert device.confirmed and code.used_at is not None
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get("/").status_code == 200
    (used,) = events(AuditAction.AUTH_ENROL_CODE_USED, supervisor)
    assert json.loads(used.details)["code"] == code.pk
    assert len(events(AuditAction.AUTH_OTP_ENROL, supervisor)) == 1


def test_a_code_revoked_between_the_two_steps_enrols_nothing(en_client, supervisor):
    text = issue(supervisor)
    log_in(en_client, "supervisor")
    en_client.post(ENROL, {"enrolment_code": text})
    secret = secret_on(en_client.get(ENROL_DEVICE).content.decode())
    enrolment.enrolment_code_revoke(actor=None, code=EnrolmentCode.objects.get(person=supervisor), via="test")
    response = en_client.post(ENROL_DEVICE, {"token": token_for_secret(secret)})
    assert response["Location"].startswith(ENROL)
    assert not TOTPDevice.objects.filter(user=supervisor, confirmed=True).exists()
    assert en_client.get("/")["Location"].startswith(ENROL)


def test_a_new_session_gets_a_new_secret_and_the_old_one_enrols_nothing(client, supervisor):
    text = issue(supervisor)
    log_in(client, "supervisor")
    client.post(ENROL, {"enrolment_code": text})
    first_secret = secret_on(client.get(ENROL_DEVICE).content.decode())
    client.post("/logout/")
    log_in(client, "supervisor")
    assert client.get(ENROL_DEVICE)["Location"].startswith(ENROL)  # the code is asked for again
    client.post(ENROL, {"enrolment_code": text})
    second_secret = secret_on(client.get(ENROL_DEVICE).content.decode())
    assert second_secret != first_secret
    assert client.post(ENROL_DEVICE, {"token": token_for_secret(first_secret)}).status_code == 200
    assert TOTPDevice.objects.filter(user=supervisor).count() == 1
    assert not TOTPDevice.objects.get(user=supervisor).confirmed


def test_wrong_codes_count_toward_a_limit_that_revokes_the_code(en_client, settings, supervisor):
    settings.REGISTRY_ENROLMENT_CODE_ATTEMPTS = 3
    text = issue(supervisor)
    log_in(en_client, "supervisor")
    with translation.override("en"):
        for attempt in range(3):
            page = en_client.post(ENROL, {"enrolment_code": f"WRNG-CODE-{attempt}AAA-AAAA"}).content.decode()
        assert "Too many wrong enrolment codes" in page
        page = en_client.post(ENROL, {"enrolment_code": text}).content.decode()
        assert "This enrolment code was revoked" in page
    code = EnrolmentCode.objects.get(person=supervisor)
    assert code.revoked_at is not None and code.revoked_by is None
    (revoke,) = events(AuditAction.AUTH_ENROL_CODE_REVOKE)
    assert json.loads(revoke.details)["reason"] == "too_many_wrong_codes"
    assert len(events(AuditAction.AUTH_ENROL_CODE_FAILED, supervisor)) == 4
    assert not TOTPDevice.objects.filter(user=supervisor).exists()
    # A new code starts the count again.
    fresh = issue(supervisor)
    assert en_client.post(ENROL, {"enrolment_code": fresh})["Location"].startswith(ENROL_DEVICE)


def test_the_code_is_stored_only_as_its_hash(supervisor, administrator):
    code, text = enrolment.enrolment_code_issue(actor=administrator, person=supervisor)
    assert CODE.fullmatch(text)
    assert code.code_hash == hashlib.sha256(text.replace("-", "").encode()).hexdigest()
    # Neither the code nor any form of it is anywhere in the database.
    dump = StringIO()
    call_command("dumpdata", stdout=dump)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM registry_auth_enrolmentcode")
        rows = repr(cursor.fetchall())
    for form in (text, text.replace("-", ""), text.lower()):
        assert form not in dump.getvalue()
        assert form not in rows


def test_the_lifetime_comes_from_the_setting(settings, supervisor):
    settings.REGISTRY_ENROLMENT_CODE_HOURS = 5
    code, _text = enrolment.enrolment_code_issue(actor=None, person=supervisor, via="test")
    assert code.expires_at - code.issued_at == timedelta(hours=5)
    with time_machine.travel(code.issued_at + timedelta(hours=5, seconds=1)):
        assert code.state() == "expired"


# --- the administrator in the admin site ---------------------------------------------------------


def test_an_administrator_issues_a_code_shown_once_and_audited(client, administrator, supervisor):
    client.force_login(administrator)
    page = client.get(second_factor_url(supervisor))
    assert page.status_code == 200
    assert client.get(f"/admin/registry/user/{supervisor.pk}/change/").content.decode().count(
        second_factor_url(supervisor)
    )
    assert client.get(second_factor_url(supervisor, "issue")).status_code == 405

    response = client.post(second_factor_url(supervisor, "issue"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    text = CODE.search(response.content.decode()).group(1)
    (event,) = events(AuditAction.AUTH_ENROL_CODE_ISSUE, administrator)
    details = json.loads(event.details)
    assert details["person"] == "supervisor" and text not in event.details
    # Not shown again.
    assert text not in client.get(second_factor_url(supervisor)).content.decode()

    # A second code revokes the first.
    second = CODE.search(client.post(second_factor_url(supervisor, "issue")).content.decode()).group(1)
    (replaced,) = events(AuditAction.AUTH_ENROL_CODE_REVOKE, administrator)
    assert json.loads(replaced.details)["reason"] == "replaced"
    client.logout()

    log_in(client, "supervisor")
    assert client.post(ENROL, {"enrolment_code": text}).status_code == 200  # the first: revoked
    assert client.post(ENROL, {"enrolment_code": second})["Location"].startswith(ENROL_DEVICE)


def test_an_administrator_revokes_a_code(client, administrator, supervisor):
    text = issue(supervisor)
    client.force_login(administrator)
    assert client.get(second_factor_url(supervisor, "revoke")).status_code == 405
    response = client.post(second_factor_url(supervisor, "revoke"))
    assert response.status_code == 302
    code = EnrolmentCode.objects.get(person=supervisor)
    assert code.revoked_at is not None and code.revoked_by == administrator
    (event,) = events(AuditAction.AUTH_ENROL_CODE_REVOKE, administrator)
    assert json.loads(event.details) == {"code": code.pk, "person": "supervisor", "reason": "revoked"}
    client.logout()
    log_in(client, "supervisor")
    assert client.post(ENROL, {"enrolment_code": text}).status_code == 200
    assert not TOTPDevice.objects.filter(user=supervisor).exists()


@pytest.mark.parametrize("whom", ["themselves", "clerk", "enrolled", "inactive"])
def test_no_code_for_oneself_a_password_only_role_someone_enrolled_or_inactive(
    en_client, administrator, supervisor, clerk, whom
):
    person = {"themselves": administrator, "clerk": clerk, "enrolled": supervisor, "inactive": supervisor}[whom]
    if whom == "enrolled":
        TOTPDevice.objects.create(user=supervisor, name="TOTP", confirmed=True)
    if whom == "inactive":
        supervisor.is_active = False
        supervisor.save(update_fields=["is_active"])
    why = {
        "themselves": "Nobody issues an enrolment code for themselves",
        "clerk": "logs in with the password alone",
        "enrolled": "already has a device for the second step",
        "inactive": "is not active",
    }[whom]
    en_client.force_login(administrator)
    before = AuditEvent.objects.count()
    for view in ("issue", "desk"):
        data = {"start": "1"} if view == "desk" else {}
        response = en_client.post(second_factor_url(person, view), data, follow=True)
        assert response.status_code == 200
        messages = [str(m) for m in response.context["messages"]]
        assert len(messages) == 1 and why in messages[0], messages
    assert not EnrolmentCode.objects.exists()
    assert not TOTPDevice.objects.filter(user=person, confirmed=False).exists()
    assert AuditEvent.objects.filter(seq__gt=before).exclude(action=AuditAction.AUTH_LOGIN).count() == 0


def test_only_an_administrator_reaches_the_second_factor_pages(client, supervisor, clerk, administrator):
    for person in (supervisor, clerk):
        client.force_login(person)
        for view in ("second_factor", "issue", "revoke", "desk"):
            response = client.post(second_factor_url(administrator, view))
            assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
        client.logout()
    assert not EnrolmentCode.objects.exists()
    # A staff member without the right to change people is refused too.
    client.force_login(supervisor)
    supervisor.is_staff = True
    supervisor.save(update_fields=["is_staff"])
    assert client.post(second_factor_url(clerk, "issue")).status_code == 403
    assert enrolment.enrolment_refusal(supervisor, clerk)


def test_an_administrator_enrols_a_device_at_the_desk(en_client, client, administrator, supervisor):
    en_client.force_login(administrator)
    assert en_client.get(second_factor_url(supervisor, "desk"))["Location"] == second_factor_url(supervisor)
    response = en_client.post(second_factor_url(supervisor, "desk"), {"start": "1"})
    assert response["Location"] == second_factor_url(supervisor, "desk")
    page = en_client.get(second_factor_url(supervisor, "desk"))
    assert "no-store" in page["Cache-Control"]
    secret = secret_on(page.content.decode())
    wrong = en_client.post(second_factor_url(supervisor, "desk"), {"token": "000000"})
    with translation.override("en"):
        assert "That code is not right" in wrong.content.decode()
    (failed,) = events(AuditAction.AUTH_OTP_FAILED, administrator)
    assert json.loads(failed.details)["desk"] is True
    assert not TOTPDevice.objects.get(user=supervisor).confirmed

    time.sleep(1.1)  # the wrong code throttles the device for a second
    response = en_client.post(second_factor_url(supervisor, "desk"), {"token": token_for_secret(secret)})
    assert response["Location"] == second_factor_url(supervisor)
    device = TOTPDevice.objects.get(user=supervisor)
    assert device.confirmed
    (event,) = events(AuditAction.AUTH_OTP_DESK_ENROL, administrator)
    assert json.loads(event.details) == {"device": "TOTP", "person": "supervisor"}
    # The supervisor now passes the second step with that device, no enrolment code needed.
    log_in(client, "supervisor")
    assert client.get("/")["Location"].startswith(VERIFY)
    assert client.post(VERIFY, {"token": current_token(device)}).status_code == 302
    assert client.get("/").status_code == 200


# --- the command ---------------------------------------------------------------------------------


def test_the_command_prints_a_code_once_that_enrols_the_first_administrator(client, django_user_model):
    first = django_user_model.objects.create_superuser("root", password="correct-horse-battery-staple")
    out = StringIO()
    call_command("issue_enrolment_code", "root", stdout=out)
    codes = CODE.findall(out.getvalue())
    assert len(codes) == 1
    (event,) = events(AuditAction.AUTH_ENROL_CODE_ISSUE)
    assert event.actor is None
    details = json.loads(event.details)
    assert details["via"] == "command" and details["person"] == "root" and "server_account" in details
    assert codes[0] not in event.details

    log_in(client, "root")
    assert client.get("/admin/")["Location"].startswith(ENROL)
    client.post(ENROL, {"enrolment_code": codes[0]})
    secret = secret_on(client.get(ENROL_DEVICE).content.decode())
    assert client.post(ENROL_DEVICE, {"token": token_for_secret(secret)}).status_code == 302
    assert client.get("/admin/").status_code == 200
    assert TOTPDevice.objects.get(user=first).confirmed


def test_the_command_revokes_and_refuses_clearly(supervisor, clerk):
    out = StringIO()
    call_command("issue_enrolment_code", "supervisor", stdout=out)
    call_command("issue_enrolment_code", "supervisor", "--revoke", stdout=out)
    assert EnrolmentCode.objects.get(person=supervisor).revoked_at is not None
    with pytest.raises(CommandError):
        call_command("issue_enrolment_code", "supervisor", "--revoke")
    with pytest.raises(CommandError):
        call_command("issue_enrolment_code", "nobody")
    with pytest.raises(CommandError):
        call_command("issue_enrolment_code", "clerk")
    assert EnrolmentCode.objects.count() == 1
