"""TOTP two-factor log-in (django-otp) for supervisors, ethics officers and administrators.

People log in through the pages here (never ``force_login``, which the shared conftest makes
pass the second step as a convenience for other tests). Enrolment needs a one-time enrolment code
(``test_auth_enrolment_code.py`` tests the codes themselves); ``give_code`` issues one as the
server's command does and types it in.
"""

from __future__ import annotations

import base64
import json
import re
import time
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from registry.auth import enrolment
from registry.auth.otp import current_token
from registry.models import AuditAction, AuditEvent
from tests.auth.conftest import log_in

VERIFY = "/login/second-factor/"
ENROL = "/login/second-factor/enrol/"
ENROL_DEVICE = "/login/second-factor/enrol/device/"

SECOND_FACTOR = ["supervisor", "ethics_officer", "administrator"]
PASSWORD_ONLY = ["clerk", "handler", "archivist", "outsider"]


def events(action, actor=None):
    qs = AuditEvent.objects.filter(action=action)
    if actor is not None:
        qs = qs.filter(actor=actor)
    return list(qs.order_by("seq"))


def secret_on(page: str) -> str:
    return re.search(r'id="otp-secret" data-secret="([A-Z2-7 ]+)"', page).group(1)


def token_for_secret(secret: str) -> str:
    raw = secret.replace(" ", "")
    key = base64.b32decode(raw + "=" * (-len(raw) % 8))
    return current_token(TOTPDevice(key=key.hex()))


def enrolled(person) -> TOTPDevice:
    return TOTPDevice.objects.create(user=person, name="TOTP", confirmed=True)


def give_code(client, person, next_url: str = ""):
    """Issue an enrolment code for ``person`` (as ``manage.py issue_enrolment_code`` does) and type it
    on the enrolment page; returns the response (a redirect to the device page)."""
    _code, text = enrolment.enrolment_code_issue(actor=None, person=person, via="test")
    data = {"enrolment_code": text, **({"next": next_url} if next_url else {})}
    return client.post(ENROL, data)


@pytest.mark.parametrize("who", SECOND_FACTOR)
def test_second_factor_is_required_for_supervisors_ethics_officers_and_administrators(client, everyone, who):
    person = everyone[who]
    response = log_in(client, person.username)
    assert response.status_code == 302
    # The password alone is a log-in, but no page opens: every one of them leads to enrolment.
    for path in ("/", "/register/", "/audit/", "/admin/", "/documents/new/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(ENROL), path
    assert not client.session.get(DEVICE_ID_SESSION_KEY)


@pytest.mark.parametrize("who", PASSWORD_ONLY)
def test_other_people_are_not_asked_for_a_second_factor(client, everyone, who):
    person = everyone[who]
    assert log_in(client, person.username)["Location"] == "/"
    assert client.get("/").status_code == 200
    # Even sent to the second-factor pages, they are sent on.
    assert client.get(VERIFY)["Location"] == "/"
    assert client.get(ENROL)["Location"] == "/"
    assert client.get(ENROL_DEVICE)["Location"] == "/"
    assert not TOTPDevice.objects.filter(user=person).exists()


@pytest.mark.parametrize("who", SECOND_FACTOR)
def test_enrolment_shows_secret_uri_and_qr_and_a_first_code_confirms_it(client, everyone, who):
    person = everyone[who]
    log_in(client, person.username)
    response = client.get("/register/")
    assert response["Location"] == f"{ENROL}?next=%2Fregister%2F"
    assert 'name="enrolment_code"' in client.get(response["Location"]).content.decode()
    response = give_code(client, person, "/register/")
    assert response["Location"] == f"{ENROL_DEVICE}?next=%2Fregister%2F"
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    secret = secret_on(html)
    assert len(secret.replace(" ", "")) == 32  # 20 random bytes
    assert f"otpauth://totp/{'%E6%A9%9F%E5%AF%86%E6%96%87%E6%9B%B8%E7%99%BB%E8%A8%98%E7%B3%BB%E7%B5%B1'}" in html
    assert f"secret={secret.replace(' ', '')}" in html
    assert re.search(r'<img class="otp-qr" src="data:image/svg\+xml;charset=utf-8,%3Csvg', html)
    assert "<script" not in html.split("<main", 1)[1]
    device = TOTPDevice.objects.get(user=person)
    assert not device.confirmed
    # Reloading shows the same secret until it is confirmed.
    assert secret_on(client.get(ENROL_DEVICE).content.decode()) == secret

    response = client.post(ENROL_DEVICE, {"token": token_for_secret(secret), "next": "/register/"})
    assert response.status_code == 302
    assert response["Location"] == "/register/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get("/").status_code == 200
    (event,) = events(AuditAction.AUTH_OTP_ENROL, person)
    assert json.loads(event.details)["device"] == "TOTP"


def test_enrolment_with_a_wrong_code_confirms_nothing_and_is_audited(en_client, supervisor):
    log_in(en_client, "supervisor")
    give_code(en_client, supervisor)
    en_client.get(ENROL_DEVICE)
    response = en_client.post(ENROL_DEVICE, {"token": "000000"})
    assert response.status_code == 200
    with translation.override("en"):
        assert "That code is not right" in response.content.decode()
    assert not TOTPDevice.objects.get(user=supervisor).confirmed
    assert en_client.get("/").status_code == 302
    (event,) = events(AuditAction.AUTH_OTP_FAILED, supervisor)
    assert json.loads(event.details)["enrolment"] is True


@pytest.mark.parametrize("who", SECOND_FACTOR)
def test_an_enrolled_person_passes_the_second_step_with_the_code(client, everyone, who):
    person = everyone[who]
    device = enrolled(person)
    assert log_in(client, person.username).status_code == 302
    response = client.get("/")
    assert response["Location"] == f"{VERIFY}?next=%2F"
    # No second device for someone who has one: enrolment sends them to the code.
    assert client.get(ENROL)["Location"].startswith(VERIFY)
    assert client.get(ENROL_DEVICE)["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=person).count() == 1
    session_key = client.session.session_key

    response = client.post(VERIFY, {"token": current_token(device), "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert client.session.session_key != session_key  # a new session key once verified
    (event,) = events(AuditAction.AUTH_OTP_VERIFIED, person)
    assert json.loads(event.details)["ip"] == "127.0.0.1"


def test_a_wrong_code_is_refused_audited_and_throttled(en_client, supervisor):
    device = enrolled(supervisor)
    log_in(en_client, "supervisor")
    response = en_client.post(VERIFY, {"token": "123456" if current_token(device) != "123456" else "654321"})
    assert response.status_code == 200
    with translation.override("en"):
        assert "That code is not right" in response.content.decode()
        # At once again, even with the right code: throttled (1 s, then 2, 4, ...).
        response = en_client.post(VERIFY, {"token": current_token(device)})
        assert "Too many wrong codes" in response.content.decode()
    assert en_client.get("/").status_code == 302
    first, second = events(AuditAction.AUTH_OTP_FAILED, supervisor)
    assert json.loads(first.details)["throttled"] is False
    assert json.loads(second.details)["throttled"] is True
    time.sleep(1.1)
    device.refresh_from_db()
    assert en_client.post(VERIFY, {"token": current_token(device)}).status_code == 302
    assert en_client.get("/").status_code == 200


def test_a_code_is_accepted_only_once(client, supervisor):
    device = enrolled(supervisor)
    log_in(client, "supervisor")
    token = current_token(device)
    assert client.post(VERIFY, {"token": token}).status_code == 302
    client.post("/logout/")
    log_in(client, "supervisor")
    assert client.post(VERIFY, {"token": token}).status_code == 200  # the same code again
    assert client.get("/").status_code == 302


def test_log_out_language_and_static_work_before_the_second_step(client, supervisor):
    log_in(client, "supervisor")
    assert client.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302
    assert client.get("/static/css/registry.css").status_code in (200, 404)  # not redirected
    response = client.post("/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert len(events(AuditAction.AUTH_LOGOUT, supervisor)) == 1


def test_the_admin_site_requires_the_second_step_of_administrators(client, administrator):
    device = enrolled(administrator)
    log_in(client, "admin")
    for path in ("/admin/", "/admin/registry/user/", "/admin/login/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(VERIFY), path
    client.post(VERIFY, {"token": current_token(device)})
    assert client.get("/admin/").status_code == 200


def test_an_administrator_removes_a_lost_device_without_seeing_its_secret(client, administrator, supervisor):
    lost = enrolled(supervisor)
    client.force_login(administrator)  # verified by the shared conftest's convenience
    change = client.get(f"/admin/registry_auth/secondfactordevice/{lost.pk}/change/")
    assert change.status_code == 200
    html = change.content.decode()
    assert lost.key not in html
    assert base64.b32encode(lost.bin_key).decode().rstrip("=") not in html
    # django-otp's own admin pages that show the key and its QR code are not there.
    for name in ("admin:otp_totp_totpdevice_config", "admin:otp_totp_totpdevice_qrcode"):
        with pytest.raises(NoReverseMatch):
            reverse(name, args=[lost.pk])
    assert lost.key not in client.get(f"/admin/otp_totp/totpdevice/{lost.pk}/qrcode/", follow=True).content.decode()
    assert client.get("/admin/registry_auth/secondfactordevice/add/").status_code == 403

    response = client.post(f"/admin/registry_auth/secondfactordevice/{lost.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(pk=lost.pk).exists()
    (event,) = events(AuditAction.AUTH_OTP_REMOVED, administrator)
    assert json.loads(event.details)["person"] == "supervisor"

    # The supervisor enrols again at the next log-in.
    client.logout()
    log_in(client, "supervisor")
    assert client.get("/")["Location"].startswith(ENROL)


def test_force_login_convenience_verifies_with_a_real_confirmed_device(client, supervisor, clerk):
    client.force_login(supervisor)
    device = TOTPDevice.objects.get(user=supervisor)
    assert device.confirmed
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get("/").status_code == 200
    client.force_login(clerk)
    assert not TOTPDevice.objects.filter(user=clerk).exists()


def test_demo_totp_prints_codes_that_pass_the_second_step(client, settings, supervisor, clerk):
    settings.DEBUG = True
    out = StringIO()
    call_command("demo_totp", stdout=out)
    assert "supervisor" in out.getvalue() and "no device" in out.getvalue()
    assert "clerk" not in out.getvalue()
    out = StringIO()
    call_command("demo_totp", "--enrol", stdout=out)
    code = re.search(r"supervisor\s+(\d{6})", out.getvalue()).group(1)
    assert "otpauth://totp/" in out.getvalue()
    (event,) = events(AuditAction.AUTH_OTP_DESK_ENROL)
    assert event.actor is None and json.loads(event.details) == {"device": "TOTP", "person": "supervisor", "via": "demo_totp"}
    log_in(client, "supervisor")
    assert client.post(VERIFY, {"token": code}).status_code == 302
    assert client.get("/").status_code == 200
    assert len(events(AuditAction.AUTH_OTP_VERIFIED, supervisor)) == 1


def test_demo_totp_refuses_without_debug(settings):
    settings.DEBUG = False
    settings.REGISTRY_DEVELOPMENT = False
    with pytest.raises(CommandError):
        call_command("demo_totp")


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example/"])
def test_the_second_step_does_not_send_anyone_off_site(client, supervisor, target):
    device = enrolled(supervisor)
    log_in(client, "supervisor")
    response = client.post(VERIFY, {"token": current_token(device), "next": target})
    assert response.status_code == 302
    assert response["Location"] == "/"
