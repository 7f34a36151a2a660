"""Every page carries ``X-Frame-Options: DENY`` and a Content-Security-Policy without inline
script or style; no template has an inline script or a style attribute."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

from registry.models import DocumentState
from tests.auth.conftest import log_in

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# WeasyPrint renders these to PDF on the server; they are never sent to a browser as HTML.
PDF_TEMPLATES = TEMPLATES / "pdf"


def policy(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def assert_hardened(response, what):
    assert response.headers.get("X-Frame-Options") == "DENY", what
    csp = policy(response)
    assert csp, f"{what}: no Content-Security-Policy"
    assert csp["script-src"] == ["'self'"], what
    assert csp["style-src"] == ["'self'"], what
    for sources in csp.values():
        assert "'unsafe-inline'" not in sources and "'unsafe-eval'" not in sources, what
    assert csp["frame-ancestors"] == ["'none'"], what
    assert response.headers.get("X-Content-Type-Options") == "nosniff", what


def assert_no_inline_script_or_style(html: str, what):
    for tag in re.findall(r"<script\b[^>]*>", html, flags=re.IGNORECASE):
        assert re.search(r"\bsrc=", tag) or re.search(r'type="application/(ld\+)?json"', tag), (what, tag)
    assert not re.search(r"\sstyle\s*=", html, flags=re.IGNORECASE), what
    assert not re.search(r"\son[a-z]+\s*=", html, flags=re.IGNORECASE), what  # no onclick= and the like


def plain_paths(patterns=None, prefix=""):
    """Every URL of the project that takes no argument (the admin's included)."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if "<" in route or "(?P" in route or route.endswith("$"):
            continue
        if isinstance(entry, URLResolver):
            yield from plain_paths(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield "/" + route.lstrip("^")


@pytest.fixture
def document(walk):
    return walk(DocumentState.IN_HANDLING)


def test_templates_have_no_inline_script_and_no_style_attribute():
    pages = [p for p in TEMPLATES.rglob("*.html") if PDF_TEMPLATES not in p.parents]
    assert len(pages) > 10
    for path in pages:
        text = path.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text, flags=re.IGNORECASE):
            assert "src=" in tag, f"{path}: inline <script> {tag}"
        assert ' style="' not in text and " style='" not in text, f"{path}: style attribute"
        assert not re.search(r"<style\b", text, flags=re.IGNORECASE), f"{path}: <style> element"


def test_every_page_for_every_role_has_frame_denial_and_a_strict_policy(client, everyone, document):
    paths = sorted(set(plain_paths()))
    assert "/" in paths and "/login/" in paths and "/admin/" in paths
    pages = [*paths, f"/documents/{document.pk}/", f"/documents/{document.pk}/trail/", "/no-such-page/"]
    for path in pages:
        assert_hardened(client.get(path), f"anonymous {path}")
    for name, person in everyone.items():
        client.force_login(person)
        for path in pages:
            response = client.get(path)
            assert_hardened(response, f"{name} {path}")
            if response.status_code == 200 and not path.startswith("/admin/") and "html" in response["Content-Type"]:
                assert_no_inline_script_or_style(response.content.decode(), f"{name} {path}")
        client.logout()


def test_log_in_second_factor_and_lockout_pages_are_hardened_too(client, supervisor, clerk):
    page = client.get("/login/")
    assert_hardened(page, "log-in")
    assert_no_inline_script_or_style(page.content.decode(), "log-in")
    redirect = log_in(client, "supervisor")
    assert_hardened(redirect, "log-in redirect")
    bounce = client.get("/")
    assert_hardened(bounce, "second-factor redirect")
    enrol = client.get(bounce["Location"])
    assert enrol.status_code == 200
    assert_hardened(enrol, "enrolment")
    assert_no_inline_script_or_style(enrol.content.decode(), "enrolment")
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        locked = log_in(client, "clerk", "wrong-password")
    assert locked.status_code == 429
    assert_hardened(locked, "lock-out")
    assert_no_inline_script_or_style(locked.content.decode(), "lock-out")
