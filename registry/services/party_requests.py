"""Parties' requests to read, copy or photograph files (行政程序法第46條; office rule 8)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from classification import RefusalGround
from registry import audit
from registry.errors import ValidationFailed
from registry.models import (
    ApplicantKind,
    AuditAction,
    Document,
    OnSiteReading,
    PartyDecision,
    PartyRequest,
    User,
)
from registry.policies import require_decide_party_request, require_record_party_request, require_record_reading
from registry.policies.party_requests import RELEASED, need_releasable


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
    require_record_party_request(actor)
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
    release_basis: str = "",
) -> PartyRequest:
    """Approve (with conditions), refuse citing §46 grounds, or release part (§46 III).

    What a party is shown of a classified document must no longer need protecting: an
    undeclassified national secret is never released (§46 II, ground 2), and releasing any of a 密
    document, or part of anything (§46 III), records why what is shown needs no protection.
    """
    request = PartyRequest.objects.select_for_update(no_key=True, of=("self",)).select_related("document").get(pk=request.pk)
    require_decide_party_request(actor, request)
    if decision in RELEASED:
        need_releasable(request.document)
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
    classified = request.document is not None and request.document.level_enum.rule.is_classified
    if decision in RELEASED and (decision == PartyDecision.PARTIAL or classified) and not release_basis.strip():
        errors["release_basis"] = [
            _(
                "Say why what the applicant is shown no longer needs protecting (Administrative Procedure Act "
                "Article 46 III): a classified document, or part of one, is released only for that reason."
            )
        ]
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
    request.release_basis = release_basis.strip() if decision in RELEASED else ""
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
    request = PartyRequest.objects.select_for_update(no_key=True, of=("self",)).select_related("document").get(pk=request.pk)
    require_record_reading(actor, request)
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
