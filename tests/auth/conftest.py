"""Log-in through the pages: the password form, the lock-out, the TOTP step.

Every person made by the shared fixtures has the factories' password; these helpers post it to
the real log-in page (django-axes and django-otp in the way, as in production) and never use
``force_login``.
"""

from __future__ import annotations

import pytest

PASSWORD = "correct-horse-battery-staple"  # tests.factories.UserFactory's


def log_in(client, username: str, password: str = PASSWORD, **extra):
    """POST the log-in form as a browser would; returns the response (not followed)."""
    return client.post("/login/", {"username": username, "password": password}, **extra)


@pytest.fixture
def en_client(client):
    """A client whose pages come in English (the msgids), for checking message text."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client
