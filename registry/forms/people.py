"""Which people a form lists for a choice of person, and how each is shown."""

from __future__ import annotations

from registry.models import Document, User


def active_people():
    """Every active person, by unit and name."""
    return User.objects.filter(is_active=True).select_related("unit").order_by("unit__code", "full_name", "username")


def person_label(user) -> str:
    """A person as a choice shows them: the name, and the unit in brackets."""
    unit = user.unit.name if user.unit_id else ""
    return f"{user.display_name}（{unit}）" if unit else user.display_name


def people_who_know(document: Document):
    """Active people who may know the document now: its custodian and every live grant."""
    from django.db.models import Q
    from django.utils import timezone

    from registry.models import NeedToKnowGrant

    live = NeedToKnowGrant.objects.filter(document=document, ended_at__isnull=True).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now())
    )
    return active_people().filter(Q(pk=document.custodian_id) | Q(pk__in=live.values("user_id")))


def cleared_people(level: int):
    """Active people cleared to ``level`` (listed by unit and name)."""
    return active_people().filter(clearance__gte=int(level))


def people_in_roles(*roles):
    """Active people holding one of ``roles``, for a choice of who did something."""
    return active_people().filter(groups__name__in=[str(r) for r in roles]).distinct()
