"""What the distribution tests share: the arguments of a registration that meets every rule."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from classification import Level
from registry.models import Direction
from tests.factories import next_sender_ref


def registration(level: int, **overrides) -> dict:
    """Arguments for ``document_register`` that meet every rule for ``level``: a document registered
    in five copies, so that distributions have originals to hand out (§18)."""
    values = {
        "direction": Direction.INCOMING,
        "subject": f"分發測試公文（{Level(level).label}）",
        "level": level,
        "original_agency": "國防部",
        "approving_official": "王部長",
        "approval_date": timezone.localdate() - timedelta(days=30),
        "protection_years": 5,
        "sender": "國防部",
        "sender_ref": next_sender_ref(),
        "authorization_ref": "國密授字第1150000001號",
        "authorization_by": "國防部",
        "copies_count": 5,
    }
    values.update(overrides)
    return values
