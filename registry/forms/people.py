"""Which people a form lists for a choice of person (reads of ``registry.selectors``), and how each
is shown."""

from __future__ import annotations

from registry.selectors import active_people, cleared_people, people_who_know
from registry.selectors import people_with_roles as people_in_roles

__all__ = [
    "active_people",
    "cleared_people",
    "distribution_candidates",
    "people_in_roles",
    "people_who_know",
    "person_label",
]


def person_label(user) -> str:
    """A person as a choice shows them: the name, and the unit in brackets."""
    unit = user.unit.name if user.unit_id else ""
    return f"{user.display_name}（{unit}）" if unit else user.display_name


def distribution_candidates(document, user=None):
    """Who may be named as a recipient of ``document``: active people cleared to its level, but
    the person asking (the distribution form and its picker's suggestions list the same)."""
    people = active_people().filter(clearance__gte=document.level)
    if user is not None:
        people = people.exclude(pk=user.pk)
    return people
