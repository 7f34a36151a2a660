"""Which units a person's authority reaches: their own unit and every unit below it.

One value (``UnitScope``) instead of a unit-subtree filter written in every module. It is computed
once per person object (so once per request for ``request.user``) and follows a change of the
person's unit, since it is kept beside the unit it was computed for.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from registry.models import Unit

_CACHE = "_unit_scope"


@dataclass(frozen=True)
class UnitScope:
    """``ids`` are the units reached; ``whole_office`` reaches every unit (the ethics office's review)."""

    ids: frozenset[int]
    whole_office: bool = False

    @classmethod
    def of(cls, user) -> UnitScope:
        """The person's unit and the units below it (nothing for a person without a unit)."""
        unit_id = getattr(user, "unit_id", None)
        cached = getattr(user, "__dict__", {}).get(_CACHE)
        if cached is not None and cached[0] == unit_id:
            return cached[1]
        scope = cls.below(unit_id) if unit_id else cls(frozenset())
        if hasattr(user, "__dict__"):
            user.__dict__[_CACHE] = (unit_id, scope)
        return scope

    @classmethod
    def below(cls, unit: Unit | int | None) -> UnitScope:
        """A unit and every unit below it."""
        if unit is None:
            return cls(frozenset())
        root = unit if isinstance(unit, Unit) else Unit(pk=unit)
        return cls(frozenset(root.descendant_ids()))

    @classmethod
    def everything(cls) -> UnitScope:
        return cls(frozenset(), whole_office=True)

    def __contains__(self, unit_id) -> bool:
        return self.whole_office or (unit_id is not None and unit_id in self.ids)

    def __bool__(self) -> bool:
        return self.whole_office or bool(self.ids)

    def _sorted(self) -> list[int]:
        return sorted(self.ids)

    def reaches_document(self, document) -> bool:
        """The document's receiving or handling unit is in the scope."""
        return document.responsible_unit_id in self or document.handling_unit_id in self

    def q(self, *fields: str) -> Q:
        """Rows any of whose ``fields`` (unit foreign keys, e.g. ``"unit_id"``) is in the scope.

        Never an empty ``Q()``: OR-ed with another condition, an empty Q would vanish.
        """
        if self.whole_office:
            return Q(pk__isnull=False)
        condition = Q(pk__in=[])
        for name in fields:
            condition |= Q(**{f"{name}__in": self._sorted()})
        return condition

    def documents_q(self, prefix: str = "") -> Q:
        """Documents whose receiving or handling unit is in the scope, behind ``prefix``."""
        return self.q(f"{prefix}responsible_unit_id", f"{prefix}handling_unit_id")

    def receiving_q(self, prefix: str = "") -> Q:
        """Documents whose receiving unit is in the scope."""
        return self.q(f"{prefix}responsible_unit_id")

    def people_q(self, prefix: str = "") -> Q:
        """People who belong to a unit of the scope, behind ``prefix`` (e.g. ``"actor__"``)."""
        return self.q(f"{prefix}unit_id")
