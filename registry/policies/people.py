"""People: who may change a person's clearance, unit, active flag or title, and who hands over what.

The administrator (系統管理者) manages people; a unit supervisor hands over the items of a person of
their unit subtree. Nobody changes their own standing or hands over their own items (separation of
duties): another administrator or supervisor does it.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from registry.errors import InvalidTransition, NotPermitted
from registry.models import Handover, User
from registry.policies.base import active, not_own, permits, rule
from registry.policies.scope import UnitScope
from registry.roles import Role


def is_administrator(user) -> bool:
    """The 系統管理者 role, or the superuser made when the registry was installed."""
    return active(user) and (user.has_role(Role.ADMIN) or user.is_superuser)


def _need_administrator(user, doing: str) -> None:
    if not is_administrator(user):
        raise NotPermitted(_("Only a %(role)s may %(doing)s.") % {"role": Role.ADMIN.value, "doing": doing})


@rule("manage_people")
def require_manage_people(user: User) -> None:
    """The administrator reads the people page and its actions."""
    _need_administrator(user, _("manage people"))


can_manage_people = permits(require_manage_people)


@rule("change_person")
def require_change_person(user: User, person: User) -> None:
    """The administrator changes another person's clearance, unit, roles or account; never their own."""
    _need_administrator(user, _("change a person's standing"))
    not_own(user, person, doing=_("change your own clearance, unit, roles or account"))


can_change_person = permits(require_change_person)


@rule("reactivate_person")
def require_reactivate(user: User, person: User) -> None:
    """An inactive person is made active again by an administrator."""
    require_change_person(user, person)
    if person.is_active:
        raise InvalidTransition(_("%(person)s is active already.") % {"person": person.display_name})


can_reactivate = permits(require_reactivate)


@rule("designate_agency_head")
def require_designate_agency_head(user: User, person: User) -> None:
    """The administrator names the agency head (首長): an active person, not themselves."""
    require_change_person(user, person)
    if not person.is_active:
        raise InvalidTransition(_("%(person)s's account is disabled.") % {"person": person.display_name})
    if person.is_agency_head:
        raise InvalidTransition(_("%(person)s is the agency head already.") % {"person": person.display_name})


can_designate_agency_head = permits(require_designate_agency_head)


@rule("handover")
def require_handover(user: User, person: User) -> None:
    """The administrator (for anyone) or a supervisor of the person's unit or a unit above it
    hands over the person's items; nobody hands over their own."""
    if not is_administrator(user):
        if not active(user) or not user.has_role(Role.SUPERVISOR):
            raise NotPermitted(
                _("Only a %(role)s may %(doing)s.")
                % {"role": _(" or ").join((Role.SUPERVISOR.value, Role.ADMIN.value)), "doing": _("hand over a person's items")}
            )
        if person.unit_id not in UnitScope.of(user):
            raise NotPermitted(
                _("Only a supervisor of %(person)s's unit, or of a unit above it, may hand over their items.")
                % {"person": person.display_name}
            )
    not_own(user, person, doing=_("hand over your own items"))


can_handover = permits(require_handover)


def refuse_successor(user: User, person: User, successor: User) -> None:
    """The successor is another active person; a supervisor names one within their units."""
    if successor.pk == person.pk:
        raise NotPermitted(_("The successor must be someone else than %(person)s.") % {"person": person.display_name})
    if not successor.is_active:
        raise NotPermitted(_("%(person)s's account is disabled.") % {"person": successor.display_name})
    not_own(user, successor, doing=_("hand items over to yourself"))
    if not is_administrator(user) and successor.unit_id not in UnitScope.of(user):
        raise NotPermitted(
            _("%(person)s is not in your units: only an administrator hands over to another unit.")
            % {"person": successor.display_name}
        )


@rule("sign_handover")
def require_sign_handover(user: User, handover: Handover) -> None:
    """The successor signs for a hand-over (接交簽收), once."""
    if not active(user) or handover.successor_id != user.pk:
        raise NotPermitted(_("Only the successor signs for a hand-over."))
    if handover.signed_at is not None:
        raise InvalidTransition(_("This hand-over is signed for already."))


can_sign_handover = permits(require_sign_handover)


@rule("read_handover")
def require_read_handover(user: User, handover: Handover) -> None:
    """The hand-over list (numbers and levels, never subjects) is read by its predecessor, successor
    and supervisor, the administrator, the ethics office, and supervisors of either person's unit."""
    if not active(user):
        raise NotPermitted(_("No such hand-over."))
    if user.pk in (handover.predecessor_id, handover.successor_id, handover.by_id):
        return
    if is_administrator(user) or user.has_role(Role.ETHICS):
        return
    if user.has_role(Role.SUPERVISOR):
        scope = UnitScope.of(user)
        if handover.predecessor.unit_id in scope or handover.successor.unit_id in scope:
            return
    raise NotPermitted(_("No such hand-over."))


can_read_handover = permits(require_read_handover)
