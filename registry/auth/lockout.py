"""The log-in name that django-axes counts failures against (``AXES_USERNAME_CALLABLE``)."""

from __future__ import annotations

from django.contrib.auth import get_user_model

# No user name is longer (AbstractUser.username), and axes keeps the name in a varchar(255): an
# overlong name posted to the log-in form must count as a failure, not fail the insert.
USERNAME_LENGTH = 150


def client_username(request, credentials: dict | None = None) -> str | None:
    """The name as typed (from the credentials, else the POST data), cut to ``USERNAME_LENGTH``."""
    field = get_user_model().USERNAME_FIELD
    if credentials:
        name = credentials.get(field)
    else:
        name = getattr(request, "data", request.POST).get(field)
    return None if name is None else str(name)[:USERNAME_LENGTH]
