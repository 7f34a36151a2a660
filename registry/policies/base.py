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


def rule(name: str, *, present_state: bool = True) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Mark ``require_*`` as the rule ``name``: a refusal it raises carries the rule's name.

    Unless ``present_state`` is False (the register's handling metadata, which a clerk or the
    ethics office reads with the subject masked), a rule that lets a person through is checked
    once more against the person's present state: an inactive person, or one cleared below the
    level of the document or meeting the rule is about, is refused whatever else allows it.
    """

    def wrap(require: Callable[..., None]) -> Callable[..., None]:
        @wraps(require)
        def checked(*args: Any, **kwargs: Any) -> None:
            try:
                require(*args, **kwargs)
                if present_state and args:
                    need_present_state(args[0], args[1:])
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


def classified_level(obj) -> int | None:
    """The level of the document or meeting a rule is about (directly, or through the copy, loan,
    recipient, request, attendee or publication that belongs to it); None when there is none."""
    from registry.models import Document, Meeting

    for hop in (None, "document", "meeting", "request"):
        target = obj if hop is None else getattr(obj, hop, None)
        if isinstance(target, Document | Meeting):
            return target.level
        if hop == "request" and target is not None:
            return classified_level(target)
    return None


def need_present_state(user, objects) -> None:
    """The person's present state, whatever a rule allowed: active, and cleared to the level of
    the classified object the rule is about."""
    if user is None or not getattr(user, "is_authenticated", False):
        return
    if not user.is_active:
        raise NotPermitted(_("Your account is disabled."))
    for obj in objects:
        level = classified_level(obj)
        if level is not None:
            need_clearance(user, level)
            return


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
