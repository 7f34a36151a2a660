"""Log the load test's people in: one session each, written as the log-in pages would write it.

    DJANGO_SETTINGS_MODULE=config.settings_production python loadtest/sessions.py OUT.json [COUNT]

Run against the database the server uses, with the same DJANGO_SECRET_KEY (a session carries a hash
made with it). For COUNT people of the office — the bench office's five designated people first,
then people who know documents — it creates a database session with Django's own keys (user,
backend, password hash) and, for those who need the second step (supervisors, ethics officers),
a confirmed TOTP device recorded in the session under django-otp's key, exactly as the
second-factor page does after a right code: the load test measures the pages, not the log-in
form. It writes the session keys, and for each person a few documents they may know and the
registration numbers to search for. Only the load test uses it; it creates sessions for whoever
it is pointed at, so never run it against a registry in use.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_production")

import django

django.setup()

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db.models import Count  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from registry.auth.otp import confirmed_device, needs_second_factor  # noqa: E402
from registry.bench.dataset import DESIGNATED  # noqa: E402
from registry.models import Document, DocumentUserObjectPermission, User  # noqa: E402

DEMO = ["handler", "clerk", "supervisor", "archivist", "ethics", "handler2", "lawhandler", "lawsupervisor"]


def people(count: int) -> list[User]:
    chosen = list(User.objects.filter(username__in=DESIGNATED.values(), is_active=True))
    if not chosen:
        chosen = list(User.objects.filter(username__in=DEMO, is_active=True))
    knowing = (
        DocumentUserObjectPermission.objects.values("user_id")
        .annotate(n=Count("id"))
        .filter(n__gte=5)
        .order_by("user_id")
        .values_list("user_id", flat=True)[: count * 3]
    )
    extra = User.objects.filter(pk__in=list(knowing), is_active=True).exclude(pk__in=[p.pk for p in chosen])
    chosen += list(extra.order_by("pk")[: max(0, count - len(chosen))])
    return chosen[:count] if len(chosen) >= count else chosen


def session_for(user: User) -> str:
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    if needs_second_factor(user):
        device = confirmed_device(user) or TOTPDevice.objects.create(user=user, name="loadtest", confirmed=True)
        store[DEVICE_ID_SESSION_KEY] = device.persistent_id
    store.create()
    return store.session_key


def main() -> None:
    out, count = Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 50
    rows = []
    for user in people(count):
        known = list(
            Document.objects.visible_to(user).order_by("-registered_at").values_list("pk", "reg_year", "reg_series", "reg_serial")[:20]
        )
        rows.append(
            {
                "username": user.username,
                "session": session_for(user),
                "documents": [pk for pk, *_ in known],
                "numbers": [f"{y}{s}{n:06d}" for _, y, s, n in known[:5]],
            }
        )
    out.write_text(json.dumps(rows, ensure_ascii=False))
    print(f"loadtest: {len(rows)} people logged in ({sum(bool(r['documents']) for r in rows)} know documents)")


if __name__ == "__main__":
    main()
