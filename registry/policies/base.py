"""How a rule of the rule book is written: one ``require_<action>`` that refuses, and the ``can_``
that answers the same question with True or False."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.utils.translation import gettext as _

from classification import clearance_permits
from registry.errors import InvalidTransition, NotPermitted, RegistryError
from registry.models import DocumentState
from registry.roles import Role


def rule(name: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Mark ``require_*`` as the rule ``name``: a refusal it raises carries the rule's name."""

    def wrap(require: Callable[..., None]) -> Callable[..., None]:
        @wraps(require)
        def checked(*args: Any, **kwargs: Any) -> None:
            try:
                require(*args, **kwargs)
            except RegistryError as refusal:
                if not refusal.rule:
                    refusal.rule = name
                raise

        checked.rule = name  # type: ignore[attr-defined]
        return checked

    return wrap


def permits(require: Callable[..., None]) -> Callable[..., bool]:
    """The ``can_*`` of a ``require_*``: True where it lets the person through, False where it refuses."""

    @wraps(require)
    def can(*args: Any, **kwargs: Any) -> bool:
        try:
            require(*args, **kwargs)
        except RegistryError:
            return False
        return True

    can.__name__ = require.__name__.replace("require_", "can_", 1)
    can.__doc__ = f"Whether ``{require.__name__}`` lets the person through (the same rule, as True or False)."
    return can


def active(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def need_role(user, *roles: Role, doing: str) -> None:
    """Refuse a person who holds none of ``roles`` (an inactive person holds none)."""
    if not active(user) or not user.has_role(*roles):
        raise NotPermitted(
            _("Only a %(role)s may %(doing)s.") % {"role": _(" or ").join(r.value for r in roles), "doing": doing}
        )


def need_state(document, allowed: tuple[str, ...], doing: str) -> None:
    """Refuse a document whose state is not in ``allowed``, naming the states that are."""
    if document.state not in allowed:
        raise InvalidTransition(
            _("A document that is %(state)s cannot be %(doing)s; it must be %(allowed)s.")
            % {
                "state": document.get_state_display(),
                "doing": doing,
                "allowed": _(" or ").join(str(DocumentState(s).label) for s in allowed),
            }
        )


def need_clearance(person, level) -> None:
    """Refuse a person whose clearance is below ``level``: nobody is given anything above it."""
    from classification import Level

    level = Level(level)
    if not clearance_permits(person.clearance_level, level):
        raise NotPermitted(
            _(
                "%(person)s's clearance (%(clearance)s) is below the document's level %(level)s: "
                "nobody may be given a classified document above their clearance."
            )
            % {
                "person": person.display_name,
                "clearance": person.clearance_level.label if person.clearance_level else _("none"),
                "level": level.label,
            }
        )


def not_own(user, *people, doing: str) -> None:
    """Separation of duties (DESIGN rule 10): nobody decides a request they made, or one that
    benefits them. ``people`` are whoever made the request or would gain from it."""
    if user is not None and any(person is not None and getattr(person, "pk", person) == user.pk for person in people):
        raise NotPermitted(
            _("You may not %(doing)s: you asked for it or it is for you. Another person decides it (separation of duties).")
            % {"doing": doing},
            rule="separation_of_duties",
        )
