"""Need-to-know grants and their mirror in guardian's direct-foreign-key permission table."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import Permission
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from registry import audit
from registry.errors import NotPermitted, ValidationFailed
from registry.models import (
    AuditAction,
    Document,
    DocumentUserObjectPermission,
    Meeting,
    MeetingAttendee,
    NeedToKnowGrant,
    Unit,
    User,
)
from registry.models.documents import VIEW_PERMISSION
from registry.policies.base import need_clearance


def view_permission() -> Permission:
    return Permission.objects.get(content_type__app_label="registry", codename=VIEW_PERMISSION)


def attending_units(meeting: Meeting) -> set[int]:
    """Units that attended a meeting: the organizing unit, the chair's, and those of attendees who
    came (marked present when they were handed their copy)."""
    units = set(MeetingAttendee.objects.filter(meeting=meeting, attended=True).values_list("user__unit_id", flat=True))
    units |= {meeting.organizing_unit_id, meeting.chair.unit_id}
    return units - {None}


def minutes_reach(meeting: Meeting) -> set[int]:
    """The units a meeting's minutes may reach (meeting rule 5): those that attended, and the
    superior agency."""
    return attending_units(meeting) | set(Unit.objects.filter(is_superior_agency=True).values_list("pk", flat=True))


def minutes_refusal(person: User) -> str:
    return _(
        "%(person)s's unit did not attend the meeting: minutes go only to the attending units and "
        "the superior agency (meeting rule 5)."
    ) % {"person": person.display_name}


def refuse_minutes_outside_attending_units(document: Document, user: User) -> None:
    """Meeting rule 5 whatever the path (distribution of the minutes, a distribution request, a
    loan, a meeting's materials): need-to-know of a meeting's minutes is granted to nobody whose
    unit did not attend, or is not the superior agency."""
    meetings = list(Meeting.objects.filter(minutes=document).select_related("chair"))
    if meetings and all(user.unit_id not in minutes_reach(meeting) for meeting in meetings):
        message = minutes_refusal(user)
        raise NotPermitted(message, field_errors={"recipients": [message]}, rule="minutes_to_attending_units")


def sync_permission(*, user: User, document: Document, now: datetime | None = None) -> None:
    """Make the guardian row agree with the person's live grants on the document."""
    now = now or timezone.now()
    live = NeedToKnowGrant.objects.filter(user=user, document=document, ended_at__isnull=True).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    )
    ends = list(live.values_list("expires_at", flat=True))
    rows = DocumentUserObjectPermission.objects.filter(user=user, content_object=document)
    if not ends:
        rows.delete()
        return
    expires_at = None if None in ends else max(ends)
    DocumentUserObjectPermission.objects.update_or_create(
        user=user, content_object=document, permission=view_permission(), defaults={"expires_at": expires_at}
    )


@transaction.atomic
def grant_create(
    *,
    document: Document,
    user: User,
    basis: str,
    reason: str,
    granted_by: User,
    expires_at: datetime | None = None,
) -> NeedToKnowGrant:
    """Record that a person may know a document, and mirror it into guardian."""
    if not reason.strip():
        raise ValidationFailed(_("A grant needs a reason."), field_errors={"reason": [_("Required.")]})
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationFailed(
            _("The end of a grant must lie in the future."), field_errors={"expires_at": [_("In the past.")]}
        )
    if not user.is_active:
        raise NotPermitted(_("%(person)s's account is disabled.") % {"person": user.display_name})
    need_clearance(user, document.level)
    refuse_minutes_outside_attending_units(document, user)
    grant = NeedToKnowGrant.objects.create(
        user=user,
        document=document,
        basis=basis,
        reason=reason.strip(),
        granted_by=granted_by,
        expires_at=expires_at,
    )
    sync_permission(user=user, document=document)
    audit.record(
        action=AuditAction.GRANT_CREATE,
        actor=granted_by,
        document=document,
        details={
            "grant": grant.pk,
            "user": user.pk,
            "basis": basis,
            "reason": grant.reason,
            "expires_at": expires_at.isoformat() if expires_at else None,
        },
    )
    return grant


@transaction.atomic
def grant_end(*, grant: NeedToKnowGrant, actor: User, reason: str) -> NeedToKnowGrant:
    """End a live grant (revocation, a loan returned); the guardian row follows at once."""
    grant = NeedToKnowGrant.objects.select_for_update(no_key=True).get(pk=grant.pk)
    if grant.ended_at is not None:
        return grant
    grant.ended_at = timezone.now()
    grant.ended_by = actor
    grant.end_reason = reason.strip()
    grant.save(update_fields=["ended_at", "ended_by", "end_reason"])
    sync_permission(user=grant.user, document=grant.document)
    audit.record(
        action=AuditAction.GRANT_END,
        actor=actor,
        document=grant.document,
        details={"grant": grant.pk, "user": grant.user_id, "reason": grant.end_reason},
    )
    return grant


def expire_grants(*, now: datetime | None = None) -> int:
    """Close every grant whose time has run out; running it again changes nothing."""
    now = now or timezone.now()
    count = 0
    due = NeedToKnowGrant.objects.filter(ended_at__isnull=True, expires_at__lte=now).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            grant = NeedToKnowGrant.objects.select_for_update(no_key=True, of=("self",)).select_related("user", "document").get(pk=pk)
            if grant.ended_at is not None:
                continue
            grant.ended_at = now
            grant.end_reason = "expired"
            grant.save(update_fields=["ended_at", "end_reason"])
            sync_permission(user=grant.user, document=grant.document, now=now)
            audit.record(
                action=AuditAction.GRANT_EXPIRE,
                actor=None,
                document=grant.document,
                details={"grant": grant.pk, "user": grant.user_id, "expired_at": grant.expires_at.isoformat()},
            )
            count += 1
    return count
