"""Lock-out after repeated failed log-ins (django-axes), counted by log-in name, in the audit chain."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from registry.models import AuditAction
from tests.auth.conftest import PASSWORD, log_in
from tests.support import events_since, head_seq

ROOT = Path(__file__).resolve().parents[2]


def test_lockout_is_on_in_the_test_settings_with_the_configured_limit():
    assert settings.AXES_ENABLED is True
    assert settings.AXES_FAILURE_LIMIT == 5
    assert timedelta(minutes=30) == settings.AXES_COOLOFF_TIME
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"


def test_lockout_after_the_configured_number_of_failures(en_client, clerk):
    limit = settings.AXES_FAILURE_LIMIT
    start = head_seq()
    for attempt in range(1, limit):
        response = log_in(en_client, "clerk", "wrong-password")
        assert response.status_code == 200, attempt  # the form again, with its error
        assert not events_since(start, AuditAction.AUTH_LOCKOUT)

    response = log_in(en_client, "clerk", "wrong-password")  # the limit-th failure
    assert response.status_code == 429
    with translation.override("en"):
        text = response.content.decode()
        assert "Log-in locked" in text
        assert f"locked after {limit} failed log-ins in a row" in text
        assert "Try again in 30 minutes" in text

    # Locked: now even the right password is refused, and nobody is logged in.
    response = log_in(en_client, "clerk", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in en_client.session
    assert en_client.get("/").status_code == 302

    (lockout,) = events_since(start, AuditAction.AUTH_LOCKOUT)
    details = json.loads(lockout.details)
    assert lockout.actor_id is None
    assert details["username"] == "clerk"
    assert details["failures"] == limit
    assert details["limit"] == limit
    assert details["minutes"] == 30
    assert details["ip"] == "127.0.0.1"
    failed = events_since(start, AuditAction.AUTH_LOGIN_FAILED)
    assert len(failed) == limit + 1
    assert "locked_out" not in json.loads(failed[0].details)
    assert json.loads(failed[-1].details)["locked_out"] is True
    assert not events_since(start, AuditAction.AUTH_LOGIN)


def test_fewer_failures_than_the_limit_then_the_right_password_logs_in_and_starts_again(client, clerk):
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        assert log_in(client, "clerk", "wrong-password").status_code == 200
    response = log_in(client, "clerk", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    client.logout()
    # A success clears the count: limit - 1 more failures still do not lock.
    for _ in range(limit - 1):
        assert log_in(client, "clerk", "wrong-password").status_code == 200
    assert log_in(client, "clerk", PASSWORD).status_code == 302


def test_lockout_is_by_log_in_name_so_others_at_the_same_address_still_log_in(client, clerk, handler):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "clerk", "wrong-password")
    assert log_in(client, "clerk", PASSWORD).status_code == 429
    # The same machine, another person: not locked.
    assert log_in(client, "handler", PASSWORD).status_code == 302


def test_lockout_by_name_holds_from_any_address(client, clerk):
    for n in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "clerk", "wrong-password", REMOTE_ADDR=f"10.0.0.{n + 1}", HTTP_USER_AGENT=f"agent {n}")
    assert log_in(client, "clerk", PASSWORD, REMOTE_ADDR="10.0.9.9").status_code == 429


def test_lockout_ends_after_the_cool_off(client, clerk):
    from axes.models import AccessAttempt

    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "clerk", "wrong-password")
    assert log_in(client, "clerk", PASSWORD).status_code == 429
    # Half an hour and a minute later (moved back in the table rather than waited for).
    past = settings.AXES_COOLOFF_TIME + timedelta(minutes=1)
    for attempt in AccessAttempt.objects.all():
        AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=attempt.attempt_time - past)
    assert log_in(client, "clerk", PASSWORD).status_code == 302


def test_lockout_limit_and_cool_off_come_from_the_environment(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "REGISTRY_LOGIN_FAILURE_LIMIT": "3",
        "REGISTRY_LOCKOUT_MINUTES": "15",
        "REGISTRY_VAR_DIR": str(tmp_path),
    }
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.AXES_FAILURE_LIMIT, int(s.AXES_COOLOFF_TIME.total_seconds()))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["3", "900"]


@pytest.mark.parametrize("who", ["supervisor", "ethics_officer", "administrator"])
def test_people_with_a_second_factor_are_locked_out_at_the_password_too(client, everyone, who):
    person = everyone[who]
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, person.username, "wrong-password")
    assert log_in(client, person.username, PASSWORD).status_code == 429


def test_a_lockout_is_lifted_at_once_with_the_axes_reset_command(client, clerk):
    from django.core.management import call_command

    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "clerk", "wrong-password")
    assert log_in(client, "clerk", PASSWORD).status_code == 429
    call_command("axes_reset_username", "clerk", stdout=StringIO())
    assert log_in(client, "clerk", PASSWORD).status_code == 302


def test_an_overlong_log_in_name_is_a_failure_not_a_server_error(client, clerk):
    name = "x" * 1000
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, name, "wrong-password").status_code == 200
    # Counted against its first 150 characters, the longest a user name can be.
    assert log_in(client, name[:150] + "y", "wrong-password").status_code == 429
    assert log_in(client, "clerk", PASSWORD).status_code == 302
