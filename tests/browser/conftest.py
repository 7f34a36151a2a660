"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Playwright's sync API runs an event loop in this thread, and Django refuses synchronous database
access from inside one; these tests touch the database only from the test body, so the check is
switched off here and nowhere else.
"""

from __future__ import annotations

import os
import shutil

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("REGISTRY_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session (Debian's package; Playwright's download is not used)."""
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: `make test` installs Debian's chromium package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """Open a fresh browser context (its own cookies) per person; closed after the test."""
    contexts = []

    def make(username: str | None = None, password: str = "Test-Password-115"):  # noqa: S107 (test people only)
        context = browser.new_context(locale="zh-TW", base_url=live_server.url)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        if username:
            page.goto("/login/")
            page.fill("input[name=username]", username)
            page.fill("input[name=password]", password)
            page.press("input[name=password]", "Enter")
            page.wait_for_load_state("domcontentloaded")
            if "/login/second-factor/" in page.url:
                pass_second_factor(page, username)
            assert "/login/" not in page.url, f"log-in failed for {username}"
        return page

    yield make
    for context in contexts:
        context.close()


def pass_second_factor(page, username: str) -> None:
    """Supervisors, ethics officers and administrators meet the TOTP step after the password. A
    person with no device yet is asked for an enrolment code: one is issued for them here, as the
    server's command would (``manage.py issue_enrolment_code``), and typed in; on the enrolment page
    that follows, the code is computed from the secret the page shows, as an authenticator app
    would. On the verification page it comes from the person's device."""
    import base64
    from urllib.parse import urlparse

    from django_otp.plugins.otp_totp.models import TOTPDevice

    from registry.auth import enrolment
    from registry.auth.otp import current_token
    from registry.models import User

    if urlparse(page.url).path.endswith("/second-factor/enrol/"):
        _code, text = enrolment.enrolment_code_issue(
            actor=None, person=User.objects.get(username=username), via="browser test"
        )
        page.fill("input[name=enrolment_code]", text)
        page.press("input[name=enrolment_code]", "Enter")
        page.wait_for_load_state("domcontentloaded")
        assert urlparse(page.url).path.endswith("/enrol/device/"), f"enrolment code refused for {username}"
    if urlparse(page.url).path.endswith("/enrol/device/"):
        secret = page.locator("#otp-secret").get_attribute("data-secret").replace(" ", "")
        device = TOTPDevice(key=base64.b32decode(secret + "=" * (-len(secret) % 8)).hex())
    else:
        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
    page.fill("input[name=token]", current_token(device))
    page.press("input[name=token]", "Enter")
    page.wait_for_load_state("domcontentloaded")
