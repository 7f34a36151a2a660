"""Classified meetings (會議機密維護 rules 1–6).

1 held in secret, venue checked, staff chosen with care; 2 materials numbered and recalled after the
meeting; 3 attendees vetted; 4 the level announced at the meeting; 5 minutes only to the attending
units and the superior agency, each copy registered; 6 nothing published without the head's approval.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from classification import Level, clearance_permits
from registry import audit
from registry.errors import InvalidTransition, NotPermitted, ValidationFailed
from registry.models import (
    AuditAction,
    CopyCustody,
    CopyMovement,
    CopyState,
    Decision,
    Document,
    DocumentCopy,
    Meeting,
    MeetingAttendee,
    MeetingPublication,
    MeetingStaff,
    MeetingState,
    PublicationState,
    User,
    VenueCheck,
)
from registry.models.documents import GrantBasis
from registry.policies import (
    can_know,
    can_know_meeting,
    require_announce,
    require_close_meeting,
    require_decide_attendee,
    require_decide_publication,
    require_distribute_minutes,
    require_hand_out,
    require_organize,
    require_propose_attendee,
    require_publish,
    require_recall_materials,
    require_register_meeting,
    require_request_publication,
)
from registry.selectors.meetings import outstanding_materials
from registry.services.distribution import ACTIVE_STATES, issue_copy
from registry.services.grants import attending_units, grant_create, minutes_reach, minutes_refusal
from registry.services.locking import locked

__all__ = ["attending_units", "can_know_meeting"]

MATERIALS = "meeting"
MINUTES = "minutes"


def _check_cleared(person: User, meeting: Meeting) -> None:
    if not clearance_permits(person.clearance_level, meeting.level_enum):
        raise NotPermitted(
            _("%(person)s is not cleared for a %(level)s meeting (clearance: %(clearance)s).")
            % {
                "person": person.display_name,
                "level": meeting.level_label,
                "clearance": person.clearance_level.label if person.clearance_level else _("none"),
            }
        )


def _require_in_handling(document: Document) -> None:
    if document.state not in ACTIVE_STATES:
        raise InvalidTransition(
            _("Copies are handed out only of a document that is being handled; this one is %(state)s.")
            % {"state": document.get_state_display()}
        )


def _locked(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update(no_key=True).get(pk=meeting.pk)


def _record(action, actor, meeting: Meeting, document: Document | None = None, **details) -> None:
    audit.record(action=action, actor=actor, document=document, details={"meeting": meeting.pk, **details})


@transaction.atomic
def meeting_register(
    *, actor: User, subject: str, level: int, starts_at: datetime, place: str, chair: User
) -> Meeting:
    """A unit registers a meeting whose agenda touches classified matters."""
    require_register_meeting(actor)
    try:
        level_enum = Level(int(level))
    except (TypeError, ValueError):
        raise ValidationFailed(_("Unknown classification level."), field_errors={"level": [_("Unknown level.")]}) from None
    errors: dict[str, list[str]] = {}
    if not subject.strip():
        errors["subject"] = [_("Required.")]
    if not place.strip():
        errors["place"] = [_("Required.")]
    if starts_at is None:
        errors["starts_at"] = [_("Required.")]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], field_errors=errors)
    meeting = Meeting(
        subject=subject.strip(),
        level=level_enum,
        starts_at=starts_at,
        place=place.strip(),
        chair=chair,
        organizing_unit=actor.unit,
        organizer=actor,
    )
    _check_cleared(actor, meeting)
    _check_cleared(chair, meeting)
    meeting.save()
    _record(AuditAction.MEETING_REGISTER, actor, meeting, level=int(level_enum), chair=chair.pk)
    return meeting


@transaction.atomic
def venue_check_record(
    *, meeting: Meeting, actor: User, checked_at: datetime, no_eavesdropping: bool, no_recording: bool, note: str = ""
) -> VenueCheck:
    """Record the venue check before the meeting: who checked, when, and what was found."""
    meeting = _locked(meeting)
    require_organize(actor, meeting)
    if meeting.state != MeetingState.PLANNED:
        raise InvalidTransition(_("The venue is checked before the meeting."))
    if not (no_eavesdropping and no_recording) and not note.strip():
        raise ValidationFailed(
            _("A device was found: describe it and what was done (report it to the ethics office)."),
            field_errors={"note": [_("Required.")]},
        )
    check = VenueCheck.objects.create(
        meeting=meeting,
        checked_by=actor,
        checked_at=checked_at or timezone.now(),
        no_eavesdropping=no_eavesdropping,
        no_recording=no_recording,
        note=note.strip(),
    )
    _record(AuditAction.MEETING_VENUE_CHECK, actor, meeting, clear=check.clear, note=check.note)
    return check


@transaction.atomic
def staff_choose(*, meeting: Meeting, actor: User, person: User, duty: str) -> MeetingStaff:
    """Choose a member of the service staff; they are in the room, so they must be cleared."""
    meeting = _locked(meeting)
    require_organize(actor, meeting)
    if meeting.state != MeetingState.PLANNED:
        raise InvalidTransition(_("Service staff are chosen before the meeting."))
    if not duty.strip():
        raise ValidationFailed(_("Say what they will do."), field_errors={"duty": [_("Required.")]})
    _check_cleared(person, meeting)
    if MeetingStaff.objects.filter(meeting=meeting, person=person).exists():
        raise InvalidTransition(_("%(person)s is already on the staff.") % {"person": person.display_name})
    staff = MeetingStaff.objects.create(meeting=meeting, person=person, duty=duty.strip(), chosen_by=actor)
    _record(AuditAction.MEETING_STAFF, actor, meeting, person=person.pk, duty=staff.duty)
    return staff


@transaction.atomic
def attendee_propose(*, meeting: Meeting, actor: User, person: User, reason: str) -> MeetingAttendee:
    """Propose an attendee; someone not cleared for the level is refused at once."""
    meeting = _locked(meeting)
    require_propose_attendee(actor, meeting)
    if not reason.strip():
        raise ValidationFailed(_("Say why they must attend."), field_errors={"reason": [_("Required.")]})
    _check_cleared(person, meeting)
    if MeetingAttendee.objects.filter(meeting=meeting, user=person).exists():
        raise InvalidTransition(_("%(person)s has already been proposed.") % {"person": person.display_name})
    attendee = MeetingAttendee.objects.create(meeting=meeting, user=person, proposed_by=actor, reason=reason.strip())
    _record(AuditAction.MEETING_PROPOSE, actor, meeting, person=person.pk)
    return attendee


@transaction.atomic
def attendee_decide(*, attendee: MeetingAttendee, actor: User, approve: bool, reason: str) -> MeetingAttendee:
    """The organizer admits or refuses a proposed attendee (限制非法定人員參與)."""
    attendee = MeetingAttendee.objects.select_for_update(no_key=True, of=("self",)).select_related("user").get(pk=attendee.pk)
    meeting = _locked(attendee.meeting)
    attendee.meeting = meeting
    require_decide_attendee(actor, attendee)
    if not reason.strip():
        raise ValidationFailed(_("Give the reason for the decision."), field_errors={"reason": [_("Required.")]})
    if approve:
        _check_cleared(attendee.user, meeting)
    attendee.decision = Decision.APPROVED if approve else Decision.REFUSED
    attendee.decided_by = actor
    attendee.decided_at = timezone.now()
    attendee.decision_reason = reason.strip()
    attendee.save()
    _record(
        AuditAction.MEETING_APPROVE if approve else AuditAction.MEETING_REFUSE,
        actor,
        meeting,
        person=attendee.user_id,
        reason=attendee.decision_reason,
    )
    return attendee


@transaction.atomic
def materials_set(*, meeting: Meeting, actor: User, document: Document, minutes: bool = False) -> Meeting:
    """Name the registered document that holds the meeting's materials (or its minutes)."""
    meeting = _locked(meeting)
    require_organize(actor, meeting)
    if not can_know(actor, document):
        raise NotPermitted(_("You may name only a document you know."))
    if minutes:
        meeting.minutes = document
    else:
        if meeting.state != MeetingState.PLANNED:
            raise InvalidTransition(_("Materials are named before the meeting."))
        meeting.materials = document
    meeting.save(update_fields=["minutes" if minutes else "materials"])
    _record(AuditAction.MEETING_MATERIALS, actor, meeting, document, role=MINUTES if minutes else MATERIALS)
    return meeting


@transaction.atomic
def meeting_announce(*, meeting: Meeting, actor: User) -> Meeting:
    """At the meeting the chair announces its level and the duty of secrecy; it is then held."""
    meeting = _locked(meeting)
    require_announce(actor, meeting)
    meeting.state = MeetingState.HELD
    meeting.announced_at = timezone.now()
    meeting.announced_by = actor
    meeting.save(update_fields=["state", "announced_at", "announced_by"])
    _record(AuditAction.MEETING_ANNOUNCE, actor, meeting, level=meeting.level)
    return meeting


@transaction.atomic
def materials_hand_out(*, meeting: Meeting, actor: User, attendee: MeetingAttendee) -> DocumentCopy:
    """Hand one numbered copy of the materials to an admitted attendee, and mark them present."""
    meeting = _locked(meeting)
    attendee = MeetingAttendee.objects.select_for_update(no_key=True, of=("self",)).select_related("user").get(pk=attendee.pk)
    require_organize(actor, meeting)
    if attendee.meeting_id != meeting.pk:
        raise ValidationFailed(_("That person is not on this meeting's list."))
    attendee.meeting = meeting
    require_hand_out(actor, attendee)
    document = locked(meeting.materials_id)
    if not can_know(actor, document):
        raise NotPermitted(_("You do not hold the materials."))
    _require_in_handling(document)
    grant = grant_create(
        document=document,
        user=attendee.user,
        basis=GrantBasis.MEETING,
        reason=_("Attending %(meeting)s") % {"meeting": meeting.subject},
        granted_by=actor,
    )
    copy = issue_copy(document=document, holder=attendee.user, actor=actor, grant=grant, reproduction=False, purpose=MATERIALS)
    attendee.copy = copy
    attendee.attended = True
    attendee.save(update_fields=["copy", "attended"])
    _record(AuditAction.MEETING_HAND_OUT, actor, meeting, document, person=attendee.user_id, copy=copy.number)
    return copy


@transaction.atomic
def materials_recall(*, meeting: Meeting, actor: User) -> list[DocumentCopy]:
    """After the meeting, ask every attendee to return their copy (this meeting's copies only)."""
    meeting = _locked(meeting)
    require_recall_materials(actor, meeting)
    handed = MeetingAttendee.objects.filter(meeting=meeting, copy__isnull=False).values("copy_id")
    copies = list(
        DocumentCopy.objects.select_for_update(no_key=True).filter(pk__in=handed, state=CopyState.HELD, recalled_at__isnull=True)
    )
    if not copies:
        raise InvalidTransition(_("No copy of this meeting's materials is out."))
    now = timezone.now()
    for copy in copies:
        copy.recalled_at = now
        copy.save(update_fields=["recalled_at"])
        CopyCustody.objects.create(
            copy=copy, movement=CopyMovement.RECALL, from_user=copy.holder, by=actor, note=meeting.subject[:300]
        )
    _record(AuditAction.COPY_RECALL, actor, meeting, meeting.materials, copies=[c.number for c in copies])
    return copies


@transaction.atomic
def meeting_close(*, meeting: Meeting, actor: User) -> Meeting:
    """Close the meeting once every copy of its materials is back."""
    meeting = _locked(meeting)
    require_close_meeting(actor, meeting)
    missing = list(outstanding_materials(meeting))
    if missing:
        raise InvalidTransition(
            _("Copies still out: %(copies)s. Recall them before closing the meeting.")
            % {"copies": "、".join(f"第{c.number}份（{c.holder.display_name if c.holder else '-'}）" for c in missing)}
        )
    meeting.state = MeetingState.CLOSED
    meeting.save(update_fields=["state"])
    _record(AuditAction.MEETING_CLOSE, actor, meeting)
    return meeting


@transaction.atomic
def minutes_distribute(*, meeting: Meeting, actor: User, recipients: Sequence[User], reason: str) -> list[DocumentCopy]:
    """Distribute the minutes: only to the attending units and the superior agency, each copy numbered."""
    meeting = _locked(meeting)
    require_distribute_minutes(actor, meeting)
    if not reason.strip():
        raise ValidationFailed(_("Say why they receive the minutes."), field_errors={"reason": [_("Required.")]})
    document = locked(meeting.minutes_id)
    if not can_know(actor, document):
        raise NotPermitted(_("You do not hold the minutes."))
    _require_in_handling(document)
    allowed = minutes_reach(meeting)
    people = list(dict.fromkeys(recipients))
    if not people:
        raise ValidationFailed(_("Name at least one recipient."), field_errors={"recipients": [_("Required.")]})
    for person in people:
        if person.unit_id not in allowed:
            message = minutes_refusal(person)
            raise ValidationFailed(message, field_errors={"recipients": [message]})
    copies = []
    for person in people:
        grant = grant_create(
            document=document, user=person, basis=GrantBasis.DISTRIBUTION, reason=reason.strip(), granted_by=actor
        )
        copies.append(
            issue_copy(document=document, holder=person, actor=actor, grant=grant, reproduction=False, purpose=MINUTES)
        )
    _record(AuditAction.MEETING_MINUTES, actor, meeting, document, recipients=[p.pk for p in people])
    return copies


@transaction.atomic
def publication_request(*, meeting: Meeting, actor: User, text: str) -> MeetingPublication:
    """Propose publishing something about the meeting; it goes to the head (簽陳首長)."""
    require_request_publication(actor, meeting)
    if not text.strip():
        raise ValidationFailed(_("Write what would be published."), field_errors={"text": [_("Required.")]})
    publication = MeetingPublication.objects.create(meeting=meeting, text=text.strip(), requested_by=actor)
    _record(AuditAction.MEETING_PUBLICATION, actor, meeting, publication=publication.pk, state="requested")
    return publication


@transaction.atomic
def publication_decide(*, publication: MeetingPublication, actor: User, approve: bool, reason: str) -> MeetingPublication:
    """The head of the agency approves (奉核) or refuses the publication."""
    publication = MeetingPublication.objects.select_for_update(no_key=True).get(pk=publication.pk)
    require_decide_publication(actor, publication)
    if not reason.strip():
        raise ValidationFailed(_("Give the reason for the decision."), field_errors={"reason": [_("Required.")]})
    publication.state = PublicationState.APPROVED if approve else PublicationState.REFUSED
    publication.decided_by = actor
    publication.decided_at = timezone.now()
    publication.decision_reason = reason.strip()
    publication.save()
    _record(AuditAction.MEETING_PUBLICATION, actor, publication.meeting, publication=publication.pk, state=publication.state)
    return publication


@transaction.atomic
def publication_publish(*, publication: MeetingPublication, actor: User) -> MeetingPublication:
    """Record that an approved text was published; without the head's approval it is refused."""
    publication = MeetingPublication.objects.select_for_update(no_key=True).get(pk=publication.pk)
    require_publish(actor, publication)
    publication.state = PublicationState.PUBLISHED
    publication.published_at = timezone.now()
    publication.save(update_fields=["state", "published_at"])
    _record(AuditAction.MEETING_PUBLICATION, actor, publication.meeting, publication=publication.pk, state="published")
    return publication
