"""Parties' requests to read, copy or photograph files (行政程序法第46條; office rule 8)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from classification import RefusalGround
from registry.errors import InvalidTransition, NotPermitted
from registry.models import Document, PartyDecision, PartyRequest, User
from registry.policies.base import active, need_role, not_own, permits, rule
from registry.policies.scope import UnitScope
from registry.roles import Role

RELEASED = (PartyDecision.APPROVED, PartyDecision.PARTIAL)


@rule("record_party_request")
def require_record_party_request(user: User) -> None:
    """A clerk of a unit records a party's request."""
    need_role(user, Role.CLERK, doing=_("record parties' requests"))
    if user.unit_id is None:
        raise NotPermitted(_("You belong to no unit, so there is no register to write in."))


can_record_party_request = permits(require_record_party_request)


@rule("decide_party_request")
def require_decide_party_request(user: User, request: PartyRequest) -> None:
    """The supervisor of the unit that received a pending request decides it."""
    if not active(user) or not user.has_role(Role.SUPERVISOR) or request.unit_id not in UnitScope.of(user):
        raise NotPermitted(_("Only the supervisor of the unit that received the request may decide it."))
    not_own(user, request.recorded_by_id, doing=_("decide a request you recorded"))
    if request.decision != PartyDecision.PENDING:
        raise InvalidTransition(_("This request has already been decided."))


can_decide_party_request = permits(require_decide_party_request)


def need_releasable(document: Document | None) -> None:
    """§46 II: what a national secret (機密 and above) holds is not shown to a party while it is
    classified: ground 2, national defence, military, foreign affairs and official secrets."""
    if document is None or not document.level_enum.rule.is_national_secret or document.declassified_on:
        return
    raise NotPermitted(
        _(
            "%(number)s is a %(level)s national secret that has not been declassified: a party may not read "
            "or copy it (%(citation)s: %(ground)s)."
        )
        % {
            "number": document.number,
            "level": document.level_label,
            "citation": RefusalGround.OFFICIAL_SECRET.citation,
            "ground": RefusalGround.OFFICIAL_SECRET.text,
        }
    )


@rule("record_reading")
def require_record_reading(user: User, request: PartyRequest) -> None:
    """The unit that received an approved (or partly approved) request records a reading on site;
    never of an undeclassified national secret."""
    if (
        not active(user)
        or not user.has_role(Role.CLERK, Role.SUPERVISOR)
        or request.unit_id not in UnitScope.of(user)
    ):
        raise NotPermitted(_("Only the unit that received the request may record the reading."))
    if request.decision not in RELEASED:
        raise InvalidTransition(_("Only an approved or partly approved request may be read."))
    need_releasable(request.document)


can_record_reading = permits(require_record_reading)
