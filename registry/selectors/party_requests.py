"""Reads of parties' requests (行政程序法第46條)."""

from __future__ import annotations

from django.db.models import QuerySet

from registry.models import PartyRequest, User
from registry.policies import UnitScope
from registry.roles import Role


def party_requests_for(user: User) -> QuerySet:
    """Requests a person may see: their unit's (clerks, supervisors), all for the ethics office."""
    if user.has_role(Role.ETHICS):
        return PartyRequest.objects.all()
    if user.has_role(Role.CLERK, Role.SUPERVISOR):
        units = UnitScope.of(user)
        if units:
            return PartyRequest.objects.filter(units.q("unit_id"))
    return PartyRequest.objects.none()
