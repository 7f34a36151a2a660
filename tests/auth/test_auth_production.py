"""The production settings: HTTPS only, HSTS, secure cookies, and ``check --deploy`` clean."""

from __future__ import annotations

import base64
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run(args, tmp_path, **env_overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "REGISTRY_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings_production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
            "DJANGO_ALLOWED_HOSTS": "registry.example.gov.tw",
            "REGISTRY_VAR_DIR": str(tmp_path),
            "REGISTRY_AUDIT_KEYS": "prod-1:" + base64.b64encode(secrets.token_bytes(32)).decode(),
        }
    )
    for key, value in env_overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run(args, check=False, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_check_deploy_with_the_production_settings_reports_nothing(tmp_path):
    result = run([sys.executable, "manage.py", "check", "--deploy"], tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in result.stdout, output
    assert "WARNING" not in output and "ERROR" not in output, output


SHOW = (
    "import django, json; django.setup(); from django.conf import settings as s; print(json.dumps({"
    "'DEBUG': s.DEBUG, 'SSL': s.SECURE_SSL_REDIRECT, 'SESSION': s.SESSION_COOKIE_SECURE, "
    "'CSRF': s.CSRF_COOKIE_SECURE, 'HSTS': s.SECURE_HSTS_SECONDS, 'SUB': s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
    "'PRELOAD': s.SECURE_HSTS_PRELOAD, 'FRAME': s.X_FRAME_OPTIONS, "
    "'PROXY': getattr(s, 'SECURE_PROXY_SSL_HEADER', None)}))"
)


def test_production_settings_are_https_only_with_a_year_of_hsts(tmp_path):
    result = run([sys.executable, "-c", SHOW], tmp_path)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values == {
        "DEBUG": False,
        "SSL": True,
        "SESSION": True,
        "CSRF": True,
        "HSTS": 31536000,
        "SUB": True,
        "PRELOAD": True,
        "FRAME": "DENY",
        "PROXY": None,
    }


def test_the_proxy_header_is_trusted_only_when_set(tmp_path):
    result = run([sys.executable, "-c", SHOW], tmp_path, DJANGO_SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO")
    assert json.loads(result.stdout)["PROXY"] == ["HTTP_X_FORWARDED_PROTO", "https"]


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"DJANGO_SECRET_KEY": None}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_SECRET_KEY": ""}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_SECRET_KEY": "short"}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_DEBUG": "true"}, "DJANGO_DEBUG"),
        ({"REGISTRY_AUDIT_KEYS": None}, "REGISTRY_AUDIT_KEYS"),
        ({"REGISTRY_AUDIT_KEYS": "prod-1:c2hvcnQ="}, "at least 32"),
    ],
)
def test_production_settings_refuse_a_missing_key_and_debug(tmp_path, overrides, named):
    result = run([sys.executable, "manage.py", "check"], tmp_path, **overrides)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert named in result.stderr
    assert not (tmp_path / "secret_key").exists()
    assert not (tmp_path / "audit_key").exists()  # production never invents an audit key
