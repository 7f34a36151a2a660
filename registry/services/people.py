"""Changes to people: clearance, transfer, deactivation, roles, the agency head, passwords, and the
hand-over (移交) of everything a person holds to a named successor.

Each is one door: the rule book's ``require_*`` first, then the rows, then the audit event (with
the person changed as ``subject``, and ``before`` and ``after``), in one transaction. A refusal
raises before anything is written.
"""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from classification import Level
from registry import audit
from registry.errors import NotPermitted, ValidationFailed
from registry.models import (
    AuditAction,
    CopyCustody,
    CopyMovement,
    HandlingStep,
    Handover,
    HandoverItem,
    HandoverReason,
    ItemKind,
    NeedToKnowGrant,
    Unit,
    User,
)
from registry.models.documents import GrantBasis, StepKind
from registry.policies.people import (
    refuse_successor,
    require_change_person,
    require_designate_agency_head,
    require_handover,
    require_reactivate,
    require_sign_handover,
)
from registry.selectors.people import HeldItem, holdings
from registry.services.grants import grant_create, grant_end
from registry.services.locking import locked_documents


def _locked_person(person: User) -> User:
    return User.objects.select_for_update(no_key=True).get(pk=person.pk)


def _record(action, *, actor, person: User, before=None, after=None, **details) -> None:
    payload = {"subject": person.pk, "person": person.get_username(), **details}
    if before is not None or after is not None:
        payload["before"], payload["after"] = before, after
    audit.record(action=action, actor=actor, details=payload)


def _level_name(clearance) -> str | None:
    return Level(clearance).label if clearance else None


def _numbers(items: list[HeldItem]) -> list[str]:
    return [f"{item.kind}:{item.label}" for item in items]


# --- clearance, unit, active flag, roles, title ---------------------------------------------------


@transaction.atomic
def person_change_clearance(*, actor: User, person: User, clearance: int | None, reason: str) -> list[HeldItem]:
    """Set a person's clearance. Lowering it ends at once every grant above the new level; returns
    the items the person still holds above it (for the hand-over that must follow)."""
    require_change_person(actor, person)
    if not (reason or "").strip():
        raise ValidationFailed(_("Say why the clearance changes."), field_errors={"reason": [_("Required.")]})
    if clearance is not None and clearance not in {int(level) for level in Level}:
        raise ValidationFailed(_("No such level."), field_errors={"clearance": [_("No such level.")]})
    person = _locked_person(person)
    before = person.clearance
    if before == clearance:
        raise ValidationFailed(_("The clearance is unchanged."), field_errors={"clearance": [_("Unchanged.")]})
    person.clearance = clearance
    person.save(update_fields=["clearance"])
    above = NeedToKnowGrant.objects.filter(user=person, ended_at__isnull=True).select_related("document")
    if clearance:
        above = above.filter(document__level__gt=clearance)
    ended = []
    for grant in above.order_by("document_id", "pk"):
        grant_end(grant=grant, actor=actor, reason=_("Clearance lowered to %(level)s") % {"level": _level_name(clearance) or _("none")})
        ended.append(grant.document.number)
    held = [item for item in holdings(person) if item.level and (not clearance or item.level > clearance)]
    _record(
        AuditAction.PERSON_CLEARANCE,
        actor=actor,
        person=person,
        before=_level_name(before),
        after=_level_name(clearance),
        reason=reason.strip(),
        grants_ended=ended,
        still_held=_numbers(held),
    )
    return held


def _refuse_holdings(person: User, doing: str) -> None:
    items = holdings(person)
    if items:
        raise NotPermitted(
            _("%(person)s still holds %(count)s item(s) (%(items)s): hand them over first, or name a successor to %(doing)s.")
            % {"person": person.display_name, "count": len(items), "items": ", ".join(i.label for i in items[:10]), "doing": doing},
            field_errors={"successor": [_("Name a successor.")]},
            rule="holdings_handed_over",
        )


@transaction.atomic
def person_transfer(
    *, actor: User, person: User, unit: Unit, reason: str = "", successor: User | None = None
) -> Handover | None:
    """Move a person to another unit. What they hold stays behind: it is handed over to
    ``successor`` in the same step, and the transfer is refused while they hold anything and no
    successor is named."""
    require_change_person(actor, person)
    if unit is None or unit.pk == person.unit_id:
        raise ValidationFailed(_("Choose another unit."), field_errors={"unit": [_("Choose another unit.")]})
    handover = None
    if successor is not None:
        handover = handover_record(actor=actor, person=person, successor=successor, reason=HandoverReason.TRANSFER, note=reason)
    else:
        _refuse_holdings(person, _("transfer them"))
    person = _locked_person(person)
    before = person.unit
    person.unit = unit
    person.save(update_fields=["unit"])
    _record(
        AuditAction.PERSON_TRANSFER,
        actor=actor,
        person=person,
        before=before.code if before else None,
        after=unit.code,
        reason=(reason or "").strip(),
        handover=handover.pk if handover else None,
    )
    return handover


@transaction.atomic
def person_deactivate(*, actor: User, person: User, reason: str = "", successor: User | None = None) -> Handover | None:
    """Disable a person's account. Refused while they hold documents, copies, loans, meeting roles
    or pending requests, unless a successor is named: then the hand-over is done in the same step.
    Their remaining grants end."""
    require_change_person(actor, person)
    if not person.is_active:
        raise ValidationFailed(_("%(person)s is inactive already.") % {"person": person.display_name})
    handover = None
    if successor is not None:
        handover = handover_record(actor=actor, person=person, successor=successor, reason=HandoverReason.DEPARTURE, note=reason)
    else:
        _refuse_holdings(person, _("deactivate them"))
    person = _locked_person(person)
    _end_grants(person, actor=actor, reason=_("Account disabled"))
    person.is_active = False
    person.save(update_fields=["is_active"])
    _record(
        AuditAction.PERSON_ACTIVE,
        actor=actor,
        person=person,
        before=True,
        after=False,
        reason=(reason or "").strip(),
        handover=handover.pk if handover else None,
    )
    return handover


@transaction.atomic
def person_reactivate(*, actor: User, person: User, reason: str = "") -> User:
    """Enable a disabled account again (with no grants: need-to-know is approved afresh)."""
    require_reactivate(actor, person)
    person = _locked_person(person)
    person.is_active = True
    person.save(update_fields=["is_active"])
    _record(AuditAction.PERSON_ACTIVE, actor=actor, person=person, before=False, after=True, reason=(reason or "").strip())
    return person


@transaction.atomic
def person_set_roles(*, actor: User, person: User, roles) -> User:
    """Set the person's roles (Django groups, by role or group name), recorded as before → after."""
    require_change_person(actor, person)
    names = sorted({str(role) for role in roles})
    person = _locked_person(person)
    before = sorted(person.groups.values_list("name", flat=True))
    if before == names:
        return person
    person.groups.set(Group.objects.filter(name__in=names))
    person.__dict__.pop("role_names", None)
    _record(AuditAction.PERSON_ROLES, actor=actor, person=person, before=before, after=names)
    return person


@transaction.atomic
def person_update(*, actor: User, person: User, changes: dict) -> User:
    """Change a person's name, e-mail, log-in name or staff flag, recorded as before → after."""
    allowed = {"full_name", "email", "username", "first_name", "last_name", "is_staff"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationFailed(_("These fields change through their own step: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    own_details = actor.pk == person.pk and set(changes) <= {"full_name", "email", "first_name", "last_name"}
    if not own_details:  # a person corrects their own name or e-mail; the rest is another's to change
        require_change_person(actor, person)
    person = _locked_person(person)
    before = {name: getattr(person, name) for name in changes if getattr(person, name) != changes[name]}
    if not before:
        return person
    for name in before:
        setattr(person, name, changes[name])
    person.save(update_fields=sorted(before))
    _record(AuditAction.PERSON_CHANGE, actor=actor, person=person, before=before, after={n: changes[n] for n in before})
    return person


@transaction.atomic
def person_created(*, actor: User | None, person: User) -> None:
    """Record a person added (by the admin or a command)."""
    _record(
        AuditAction.PERSON_CREATE,
        actor=actor,
        person=person,
        after={
            "unit": person.unit.code if person.unit_id else None,
            "clearance": _level_name(person.clearance),
            "roles": sorted(person.groups.values_list("name", flat=True)),
            "active": person.is_active,
        },
    )


@transaction.atomic
def person_set_password(*, actor: User | None, person: User, password: str | None) -> None:
    """Set a person's password (an administrator's reset, or the person's own change), audited;
    the password itself is never recorded. ``None`` records a change already saved."""
    if actor is not None and actor.pk != person.pk:
        require_change_person(actor, person)
    if password is not None:
        person.set_password(password)
        person.save(update_fields=["password"])
    _record(AuditAction.PERSON_PASSWORD, actor=actor, person=person, own=actor is not None and actor.pk == person.pk)


@transaction.atomic
def designate_agency_head(*, actor: User, person: User) -> User:
    """Make ``person`` the agency head (首長); whoever held the title gives it up in the same step."""
    require_designate_agency_head(actor, person)
    previous = list(User.objects.select_for_update(no_key=True).filter(is_agency_head=True))
    User.objects.filter(pk__in=[p.pk for p in previous]).update(is_agency_head=False)
    person = _locked_person(person)
    person.is_agency_head = True
    person.save(update_fields=["is_agency_head"])
    _record(
        AuditAction.PERSON_AGENCY_HEAD,
        actor=actor,
        person=person,
        before=[p.get_username() for p in previous],
        after=[person.get_username()],
    )
    return person


# --- the hand-over ---------------------------------------------------------------------------------


def _end_grants(person: User, *, actor: User, reason: str) -> list[str]:
    ended = []
    for grant in NeedToKnowGrant.objects.filter(user=person, ended_at__isnull=True).select_related("document").order_by("document_id", "pk"):
        grant_end(grant=grant, actor=actor, reason=reason)
        ended.append(grant.document.number)
    return ended


def refuse_uncleared_items(items: list[HeldItem], successor: User) -> None:
    """The successor must be cleared for every item; a refusal names each one that is not."""
    clearance = successor.clearance or 0
    over = [item for item in items if item.level and item.level > clearance]
    if over:
        names = ", ".join(f"{item.label} ({item.level_label})" for item in over)
        message = _(
            "%(person)s's clearance (%(clearance)s) is below these items, so they cannot be handed over to them: %(items)s."
        ) % {"person": successor.display_name, "clearance": _level_name(successor.clearance) or _("none"), "items": names}
        raise NotPermitted(message, field_errors={"successor": [message]}, rule="handover_clearance")


@transaction.atomic
def handover_record(
    *, actor: User, person: User, successor: User, reason: str = HandoverReason.OTHER, note: str = ""
) -> Handover:
    """Hand over everything ``person`` holds to ``successor`` (移交): custody (with a handling step
    and a need-to-know grant), documents routed to them, numbered copies, loans, meeting roles and
    pending requests. Refused, naming the items, where the successor is not cleared; the
    predecessor's grants end."""
    require_handover(actor, person)
    refuse_successor(actor, person, successor)
    if reason not in HandoverReason.values:
        raise ValidationFailed(_("Choose a reason."), field_errors={"reason": [_("Choose a reason.")]})
    items = holdings(person)
    refuse_uncleared_items(items, successor)
    if not items:
        raise ValidationFailed(_("%(person)s holds nothing to hand over.") % {"person": person.display_name})
    locked_documents({item.document.pk for item in items if item.document is not None})
    items = holdings(person)  # again, under the documents' locks
    refuse_uncleared_items(items, successor)
    handover = Handover.objects.create(predecessor=person, successor=successor, by=actor, reason=reason, note=(note or "").strip()[:300])
    ending = _end_grants(person, actor=actor, reason=_("Handed over to %(person)s (hand-over #%(id)s)") % {"person": successor.display_name, "id": handover.pk})
    for item in items:
        _move(item, handover=handover, actor=actor, person=person, successor=successor)
    _record(
        AuditAction.HANDOVER,
        actor=actor,
        person=person,
        handover=handover.pk,
        successor=successor.pk,
        reason=reason,
        items=_numbers(items),
        grants_ended=ending,
    )
    return handover


def _grant_successor(document, successor: User, actor: User, handover: Handover):
    return grant_create(
        document=document,
        user=successor,
        basis=GrantBasis.HANDOVER,
        reason=_("Taken over from %(person)s (hand-over #%(id)s)") % {"person": handover.predecessor.display_name, "id": handover.pk},
        granted_by=actor,
    )


def _step(document, kind, *, actor: User, successor: User, handover: Handover) -> None:
    HandlingStep.objects.create(document=document, kind=kind, actor=actor, to_user=successor, note=f"#{handover.pk}")


def _move(item: HeldItem, *, handover: Handover, actor: User, person: User, successor: User) -> None:
    """Move one item to the successor and write its line of the hand-over list."""
    obj, kind = item.obj, item.kind
    if kind == ItemKind.CUSTODY:
        obj.custodian = successor
        obj.save(update_fields=["custodian"])
        _grant_successor(obj, successor, actor, handover)
    elif kind == ItemKind.ROUTED:
        obj.routed_to = successor
        obj.save(update_fields=["routed_to"])
    elif kind == ItemKind.COPY:
        obj.grant = _grant_successor(obj.document, successor, actor, handover)
        obj.holder, obj.signed_at = successor, None
        obj.save(update_fields=["holder", "signed_at", "grant"])
        CopyCustody.objects.create(
            copy=obj, movement=CopyMovement.PASS, from_user=person, to_user=successor, by=actor, note=f"#{handover.pk}"
        )
    elif kind == ItemKind.LOAN:
        obj.grant = _grant_successor(obj.document, successor, actor, handover)
        obj.borrower = successor
        obj.save(update_fields=["borrower", "grant"])
        obj.document.custodian = successor
        obj.document.save(update_fields=["custodian"])
    elif kind == ItemKind.MEETING_CHAIR:
        obj.chair = successor
        obj.save(update_fields=["chair"])
    elif kind == ItemKind.MEETING_ORGANIZER:
        obj.organizer = successor
        obj.save(update_fields=["organizer"])
    elif kind == ItemKind.LOAN_REQUEST:
        obj.borrower = successor
        obj.save(update_fields=["borrower"])
    elif kind == ItemKind.PARTY_REQUEST:
        obj.recorded_by = successor
        obj.save(update_fields=["recorded_by"])
    else:  # distribution, reproduction and publication requests
        obj.requested_by = successor
        obj.save(update_fields=["requested_by"])
    HandoverItem.objects.create(
        handover=handover,
        kind=kind,
        document=item.document,
        object_id=obj.pk,
        label=item.label[:120],
        level=item.level,
    )
    if item.document is not None and kind in (ItemKind.CUSTODY, ItemKind.ROUTED, ItemKind.COPY, ItemKind.LOAN):
        _step(item.document, StepKind.HANDOVER, actor=actor, successor=successor, handover=handover)
        audit.record(
            action=AuditAction.HANDOVER_ITEM,
            actor=actor,
            document=item.document,
            details={"handover": handover.pk, "item": kind, "from": person.pk, "to": successor.pk},
        )


@transaction.atomic
def handover_sign(*, actor: User, handover: Handover) -> Handover:
    """The successor signs for a hand-over (接交簽收): each document taken over gets a step."""
    handover = Handover.objects.select_for_update(no_key=True).get(pk=handover.pk)
    require_sign_handover(actor, handover)
    items = list(handover.items.select_related("document"))
    locked_documents({item.document_id for item in items if item.document_id})
    handover.signed_at = timezone.now()
    handover.save(update_fields=["signed_at"])
    for item in items:
        if item.document_id and item.kind in (ItemKind.CUSTODY, ItemKind.COPY, ItemKind.LOAN):
            HandlingStep.objects.create(
                document=item.document, kind=StepKind.HANDOVER_SIGN, actor=actor, to_user=actor, note=f"#{handover.pk}"
            )
    _record(
        AuditAction.HANDOVER_SIGN,
        actor=actor,
        person=handover.predecessor,
        handover=handover.pk,
        successor=actor.pk,
        items=[item.label for item in items],
    )
    return handover
