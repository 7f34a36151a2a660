"""Who may review what.

Ethics officers (政風人員) review the whole office. A unit supervisor (單位主管) reviews their unit
and the units below it: the events whose actor belongs there, or whose document's receiving or
handling unit is there; the people of those units; the documents of those units. Everybody else
reviews nothing (the pages answer an audited 404).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from registry.policies.scope import UnitScope
from registry.roles import Role


@dataclass(frozen=True)
class ReviewScope:
    """``units`` is None for the whole office, else the ids of the units the reviewer may see."""

    units: frozenset[int] | None

    @property
    def whole_office(self) -> bool:
        return self.units is None

    def _ids(self) -> list[int]:
        return sorted(self.units or ())

    def documents_q(self, prefix: str = "") -> Q:
        """Documents of the scope's units (receiving or handling unit), behind ``prefix``."""
        if self.units is None:
            return Q()
        ids = self._ids()
        return Q(**{f"{prefix}responsible_unit_id__in": ids}) | Q(**{f"{prefix}handling_unit_id__in": ids})

    def people_q(self, prefix: str = "") -> Q:
        """People who belong to the scope's units, behind ``prefix`` (e.g. ``"actor__"``)."""
        if self.units is None:
            return Q()
        return Q(**{f"{prefix}unit_id__in": self._ids()})

    def events(self, queryset: QuerySet) -> QuerySet:
        """Audit events whose actor is in the units, or whose document belongs to them."""
        if self.units is None:
            return queryset
        return queryset.filter(self.people_q("actor__") | self.documents_q("document__"))

    def people(self, queryset: QuerySet) -> QuerySet:
        return queryset if self.units is None else queryset.filter(self.people_q())

    def covers_person(self, person) -> bool:
        return self.units is None or (person.unit_id is not None and person.unit_id in self.units)


def review_scope(user) -> ReviewScope | None:
    """The reviewer's scope, or None when the person reviews nothing."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.has_role(Role.ETHICS):
        return ReviewScope(units=None)
    if user.has_role(Role.SUPERVISOR) and user.unit_id:
        return ReviewScope(units=UnitScope.of(user).ids)
    return None
