"""The registry's own zh-Hant error pages, also with DEBUG off (``make run``): a refused document
answers the 404 page, never Django's debug page with the URL table; a stale form the 403 page; a
bad request a page that says what to change; static files are served by the application."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import register_document

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
DEBUG_WORDS = ("Traceback", "URLconf", "DEBUG = True", "Django tried these URL patterns", "Using the URLconf")


def assert_no_debug_information(html: str) -> None:
    for words in DEBUG_WORDS:
        assert words not in html


def test_a_refused_document_answers_the_zh_hant_404_page_with_debug_off(client, settings, clerk, outsider):
    settings.DEBUG = False
    document = register_document(clerk, subject="不得外洩的主旨")
    client.force_login(outsider)

    response = client.get(reverse("registry:document_detail", args=[document.pk]))

    html = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="zh-Hant-TW">' in html
    assert "<h1>查無資料</h1>" in html
    assert "回到待辦事項" in html
    assert "不得外洩的主旨" not in html
    assert_no_debug_information(html)


def test_an_unknown_address_answers_the_zh_hant_404_page(client, settings, clerk):
    settings.DEBUG = False
    client.force_login(clerk)

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "<h1>查無資料</h1>" in response.content.decode()
    assert_no_debug_information(response.content.decode())


def test_a_stale_form_answers_the_zh_hant_403_page(settings, clerk):
    settings.DEBUG = False
    client = Client(enforce_csrf_checks=True)
    client.force_login(clerk)

    response = client.post(reverse("registry:document_register"), {"subject": "主旨"})

    assert response.status_code == 403
    assert "表單已失效" in response.content.decode()
    assert_no_debug_information(response.content.decode())


def test_the_500_page_is_zh_hant_and_says_nothing_of_the_server(rf):
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))

    html = response.content.decode()
    assert response.status_code == 500
    assert "系統發生錯誤" in html and "資料未做任何變更" in html
    assert_no_debug_information(html)


def test_static_files_are_served_with_debug_off(settings):
    settings.DEBUG = False
    settings.WHITENOISE_USE_FINDERS = True

    response = Client().get("/" + settings.STATIC_URL.strip("/") + "/css/registry.css")

    assert response.status_code == 200
    assert b"{" in b"".join(response.streaming_content)


def test_make_run_serves_with_debug_off_unless_asked(tmp_path):
    """The settings ``make run`` starts with (DJANGO_DEBUG defaulted to false, a development install)
    load without a secret key in the environment, with DEBUG off and the static files served."""
    makefile = (ROOT / "Makefile").read_text()
    run_target = makefile.split("\nrun: install\n", 1)[1].split("\n\n", 1)[0]
    assert 'export DJANGO_DEBUG="$${DJANGO_DEBUG:-false}" REGISTRY_DEVELOPMENT=true' in run_target

    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "REGISTRY_", "DATABASE_"))}
    env.update(DJANGO_DEBUG="false", REGISTRY_DEVELOPMENT="true", REGISTRY_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="config.settings")
    probe = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.WHITENOISE_USE_FINDERS, 'whitenoise.middleware.WhiteNoiseMiddleware' in s.MIDDLEWARE)"
    )
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "True", "True"]

    env["DJANGO_DEBUG"] = "true"
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert result.stdout.split()[0] == "True"


def test_the_inspection_report_takes_roc_dates(client, ethics_officer):
    from django.utils import timezone

    from classification import format_roc

    client.force_login(ethics_officer)
    today = format_roc(timezone.localdate())

    assert client.get(reverse("print:inspection_report"), {"from": today, "to": today}).status_code == 200


def test_a_bad_inspection_period_answers_a_page_not_bare_text(client, ethics_officer):
    client.force_login(ethics_officer)

    response = client.get(reverse("print:inspection_report"), {"from": "115/13/40"})

    html = response.content.decode()
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "請以民國日期輸入期間" in html and "<h1>無法處理的要求</h1>" in html


def test_the_review_page_offers_roc_dates_for_the_inspection_report(client, ethics_officer):
    client.force_login(ethics_officer)

    html = client.get(reverse("registry:review_home")).content.decode()

    assert 'type="date"' not in html
    assert 'id="inspection-from" name="from" type="text"' in html
