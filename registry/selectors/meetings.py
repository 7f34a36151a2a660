"""Reads of classified meetings."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from registry.models import CopyState, DocumentCopy, Meeting, MeetingAttendee, MeetingState, User
from registry.policies import UnitScope
from registry.roles import Role


def meetings_for(user: User) -> QuerySet:
    """The meetings a person may know; the ethics office sees all of them, ``known`` annotated
    (the subject withheld unless known)."""
    if user.has_role(Role.ETHICS):
        meetings = Meeting.objects.with_knowledge(user)
    else:
        meetings = Meeting.objects.visible_to(user).with_knowledge(user)
    return meetings.select_related("organizing_unit", "chair").order_by("-starts_at", "-pk")


def outstanding_materials(meeting: Meeting) -> QuerySet:
    """Copies of the materials handed out at this meeting and not yet back."""
    if meeting.materials_id is None:
        return DocumentCopy.objects.none()
    handed = MeetingAttendee.objects.filter(meeting=meeting, copy__isnull=False).values("copy_id")
    return DocumentCopy.objects.filter(pk__in=handed, state=CopyState.HELD).select_related("holder")


def meetings_with_outstanding_materials(user: User) -> QuerySet:
    """Held meetings this person organizes (or supervises) with copies of the materials still out,
    each with ``outstanding_count``."""
    if not user.is_authenticated or not user.is_active:
        return Meeting.objects.none()
    organizing = Q(organizer_id=user.pk)
    if user.has_role(Role.SUPERVISOR):
        units = UnitScope.of(user)
        if units:
            organizing |= units.q("organizing_unit_id")
    out = Q(attendees__copy__isnull=False, attendees__copy__state=CopyState.HELD)
    return (
        Meeting.objects.visible_to(user)
        .filter(organizing, state=MeetingState.HELD)
        .annotate(outstanding_count=Count("attendees", filter=out))
        .filter(outstanding_count__gt=0)
        .order_by("starts_at", "pk")
    )
