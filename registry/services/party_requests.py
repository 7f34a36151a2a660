"""Parties' requests to read, copy or photograph files (行政程序法第46條; office rule 8)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from classification import RefusalGround
from registry import audit
from registry.errors import InvalidTransition, NotPermitted, ValidationFailed
from registry.models import (
    ApplicantKind,
    AuditAction,
    Document,
    OnSiteReading,
    PartyDecision,
    PartyRequest,
    User,
)
from registry.roles import Role
from registry.services.checks import require_role


@transaction.atomic
def party_request_record(
    *,
    actor: User,
    applicant: str,
    applicant_kind: str,
    files_described: str,
    legal_interest: str,
    wants_read: bool = True,
    wants_copy: bool = False,
    wants_photo: bool = False,
    applicant_address: str = "",
    document: Document | None = None,
    received_on: date | None = None,
) -> PartyRequest:
    """A clerk records a request, with the legal interest the applicant claims."""
    require_role(actor, Role.CLERK, _("record parties' requests"))
    if actor.unit_id is None:
        raise NotPermitted(_("You belong to no unit, so there is no register to write in."))
    errors: dict[str, list[str]] = {}
    if not applicant.strip():
        errors["applicant"] = [_("Required.")]
    if applicant_kind not in ApplicantKind.values:
        errors["applicant_kind"] = [_("Only a party or an interested person may ask (行政程序法第46條第1項).")]
    if not files_described.strip():
        errors["files_described"] = [_("Required.")]
    if not legal_interest.strip():
        errors["legal_interest"] = [
            _("A request is admissible only as far as needed to assert or protect a legal interest: state it.")
        ]
    if not (wants_read or wants_copy or wants_photo):
        errors["wants_read"] = [_("Say whether the applicant asks to read, copy or photograph.")]
    if received_on is not None and received_on > timezone.localdate():
        errors["received_on"] = [_("The day of receipt cannot lie in the future.")]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], field_errors=errors)
    request = PartyRequest.objects.create(
        applicant=applicant.strip(),
        applicant_kind=applicant_kind,
        applicant_address=applicant_address.strip(),
        document=document,
        files_described=files_described.strip(),
        wants_read=wants_read,
        wants_copy=wants_copy,
        wants_photo=wants_photo,
        legal_interest=legal_interest.strip(),
        received_on=received_on or timezone.localdate(),
        unit=actor.unit,
        recorded_by=actor,
    )
    audit.record(
        action=AuditAction.PARTY_REQUEST,
        actor=actor,
        document=document,
        details={"request": request.pk, "applicant_kind": applicant_kind},
    )
    return request


def _require_unit_supervisor(request: PartyRequest, actor: User) -> None:
    if not actor.has_role(Role.SUPERVISOR) or actor.unit_id is None or request.unit_id not in actor.unit.descendant_ids():
        raise NotPermitted(_("Only the supervisor of the unit that received the request may decide it."))


@transaction.atomic
def party_request_decide(
    *,
    request: PartyRequest,
    actor: User,
    decision: str,
    reasons: str,
    grounds: Sequence[int] = (),
    conditions: str = "",
    released_part: str = "",
) -> PartyRequest:
    """Approve (with conditions), refuse citing §46 grounds, or release part (§46 III)."""
    request = PartyRequest.objects.select_for_update(no_key=True).get(pk=request.pk)
    _require_unit_supervisor(request, actor)
    if request.decision != PartyDecision.PENDING:
        raise InvalidTransition(_("This request has already been decided."))
    try:
        cited = sorted({RefusalGround(int(g)) for g in grounds})
    except (TypeError, ValueError):
        raise ValidationFailed(_("Cite grounds 1 to 5 of Article 46."), field_errors={"grounds": [_("Unknown ground.")]}) from None
    errors: dict[str, list[str]] = {}
    if decision not in (PartyDecision.APPROVED, PartyDecision.PARTIAL, PartyDecision.REFUSED):
        errors["decision"] = [_("Choose the decision.")]
    if decision in (PartyDecision.REFUSED, PartyDecision.PARTIAL) and not cited:
        errors["grounds"] = [_("A refusal must cite at least one ground of Administrative Procedure Act Article 46.")]
    if decision == PartyDecision.APPROVED and cited:
        errors["grounds"] = [_("An approval cites no ground of refusal.")]
    if decision == PartyDecision.PARTIAL and not released_part.strip():
        errors["released_part"] = [_("Describe the part that is released.")]
    if decision == PartyDecision.REFUSED and any(g.allows_partial_release for g in cited) and not reasons.strip():
        errors["reasons"] = [
            _("Grounds 2 and 3 cover only what needs secrecy (Article 46 III): say why nothing can be released.")
        ]
    if not reasons.strip() and "reasons" not in errors:
        errors["reasons"] = [_("Give the reasons for the decision.")]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], field_errors=errors)
    request.decision = decision
    request.grounds = [int(g) for g in cited]
    request.conditions = conditions.strip()
    request.released_part = released_part.strip() if decision == PartyDecision.PARTIAL else ""
    request.decision_reason = reasons.strip()
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.save()
    audit.record(
        action=AuditAction.PARTY_DECIDE,
        actor=actor,
        document=request.document,
        details={"request": request.pk, "decision": decision, "grounds": request.grounds},
    )
    return request


@transaction.atomic
def party_reading_record(
    *, request: PartyRequest, actor: User, read_on: date, supervised_by: User, note: str = ""
) -> OnSiteReading:
    """Record a reading on site under supervision."""
    request = PartyRequest.objects.select_for_update(no_key=True).get(pk=request.pk)
    if not actor.has_role(Role.CLERK, Role.SUPERVISOR) or actor.unit_id is None or request.unit_id not in actor.unit.descendant_ids():
        raise NotPermitted(_("Only the unit that received the request may record the reading."))
    if request.decision not in (PartyDecision.APPROVED, PartyDecision.PARTIAL):
        raise InvalidTransition(_("Only an approved or partly approved request may be read."))
    if read_on is None or read_on > timezone.localdate() or read_on < request.received_on:
        raise ValidationFailed(_("Give the day of the reading; not in the future nor before the request."), field_errors={"read_on": [_("Invalid date.")]})
    reading = OnSiteReading.objects.create(
        request=request, read_on=read_on, supervised_by=supervised_by, note=note.strip(), recorded_by=actor
    )
    audit.record(
        action=AuditAction.PARTY_READING,
        actor=actor,
        document=request.document,
        details={"request": request.pk, "read_on": read_on.isoformat(), "supervised_by": supervised_by.pk},
    )
    return reading


def party_requests_for(user: User):
    """Requests a person may see: their unit's (clerks, supervisors), all for the ethics office."""
    if user.has_role(Role.ETHICS):
        return PartyRequest.objects.all()
    if user.unit_id and user.has_role(Role.CLERK, Role.SUPERVISOR):
        return PartyRequest.objects.filter(Q(unit_id__in=user.unit.descendant_ids()))
    return PartyRequest.objects.none()
