"""The forms of a classified meeting: the attendance sheet and the recall list."""

from __future__ import annotations

from django.utils import timezone

from classification import Level, format_roc
from registry.printing.common import _printing, roc_stamp


def _meeting_head(meeting) -> dict:
    """What both meeting forms print at the top: level, subject, time, place, chair."""
    level = Level(meeting.level)
    local = timezone.localtime(meeting.starts_at)
    chair = meeting.chair
    return {
        "meeting": meeting,
        "level_label": level.label,
        "level_colour": level.rule.colour,
        "starts_roc": f"{format_roc(local.date())} {local:%H:%M}",
        "starts_day_roc": format_roc(local.date()),
        "chair_name": chair.display_name,
        "chair_unit": chair.unit.name if chair.unit_id else "",
        "organizing_unit": meeting.organizing_unit.name,
        "announced": roc_stamp(meeting.announced_at),
        "materials_number": meeting.materials.number if meeting.materials_id else "",
    }


def meeting_attendance_context(meeting, *, printed_by=None) -> dict:
    """簽到表: every admitted attendee with their unit and the number of the copy handed to them,
    and a column to sign in. One query for the attendees, their units and copies."""
    from registry.models import Decision, MeetingAttendee

    attendees = (
        MeetingAttendee.objects.filter(meeting=meeting, decision=Decision.APPROVED)
        .select_related("user__unit", "copy")
        .order_by("user__unit__code", "user__full_name", "user__username", "pk")
    )
    rows = [
        {
            "name": a.user.display_name,
            "unit": a.user.unit.name if a.user.unit_id else "",
            "copy_number": a.copy.number if a.copy_id else None,
        }
        for a in attendees
    ]
    return {**_meeting_head(meeting), "rows": rows, **_printing(printed_by)}


def meeting_recall_context(meeting, *, printed_by=None) -> dict:
    """回收清單: every copy of the materials handed out at the meeting, to whom, and whether it is
    back. The holder is the attendee it was handed to (a returned copy has no holder any more)."""
    from registry.models import CopyState, MeetingAttendee

    handed = (
        MeetingAttendee.objects.filter(meeting=meeting, copy__isnull=False)
        .select_related("user__unit", "copy")
        .order_by("copy__number")
    )
    rows, returned = [], 0
    for a in handed:
        copy = a.copy
        back = copy.state == CopyState.RETURNED
        returned += back
        rows.append(
            {
                "number": copy.number,
                "holder": a.user.display_name,
                "unit": a.user.unit.name if a.user.unit_id else "",
                "issued": roc_stamp(copy.issued_at),
                "recalled": roc_stamp(copy.recalled_at),
                "returned": roc_stamp(copy.returned_at),
                "back": back,
            }
        )
    summary = {"total": len(rows), "returned": returned, "outstanding": len(rows) - returned}
    return {**_meeting_head(meeting), "rows": rows, "summary": summary, **_printing(printed_by)}
