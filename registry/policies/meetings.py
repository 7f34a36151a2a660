"""Classified meetings (會議機密維護 rules 1–6): who knows a meeting, who runs its paperwork, who
announces, vets, hands out, recalls, distributes minutes and approves a publication."""

from __future__ import annotations

from django.utils.translation import gettext as _

from registry.errors import InvalidTransition, NotPermitted
from registry.models import (
    Decision,
    Meeting,
    MeetingAttendee,
    MeetingPublication,
    MeetingState,
    PublicationState,
    User,
)
from registry.policies.base import active, not_own, permits, rule
from registry.policies.scope import UnitScope
from registry.roles import Role


@rule("know_meeting")
def require_know_meeting(user: User, meeting: Meeting) -> None:
    """The one object check for meetings: organizer, chair, an admitted attendee, or a supervisor
    of the organizing unit."""
    if not active(user) or not Meeting.objects.visible_to(user).filter(pk=meeting.pk).exists():
        raise NotPermitted(_("No such meeting, or you have no need to know it."))


can_know_meeting = permits(require_know_meeting)


@rule("register_meeting")
def require_register_meeting(user: User) -> None:
    """A supervisor or designated handler of a unit registers a classified meeting."""
    if not active(user) or not user.has_role(Role.SUPERVISOR, Role.HANDLER) or user.unit_id is None:
        raise NotPermitted(_("Only a supervisor or a designated handler of a unit may register a classified meeting."))


can_register_meeting = permits(require_register_meeting)


@rule("organize")
def require_organize(user: User, meeting: Meeting) -> None:
    """The organizer, or a supervisor of the organizing unit, runs the meeting's paperwork."""
    if active(user) and user.pk == meeting.organizer_id:
        return
    if active(user) and user.has_role(Role.SUPERVISOR) and meeting.organizing_unit_id in UnitScope.of(user):
        return
    raise NotPermitted(_("Only the organizer or a supervisor of the organizing unit may do this."))


can_organize = permits(require_organize)


def _need_planned(meeting: Meeting, message) -> None:
    if meeting.state != MeetingState.PLANNED:
        raise InvalidTransition(message)


@rule("prepare_meeting")
def require_prepare_meeting(user: User, meeting: Meeting) -> None:
    """Before the meeting: the venue check, the service staff, the materials (rule 1, 2)."""
    require_organize(user, meeting)
    _need_planned(meeting, _("This is done before the meeting."))


can_prepare_meeting = permits(require_prepare_meeting)


@rule("propose_attendee")
def require_propose_attendee(user: User, meeting: Meeting) -> None:
    """Whoever knows a planned meeting proposes attendees (rule 3)."""
    if not can_know_meeting(user, meeting):
        raise NotPermitted(_("Only those who know the meeting may propose attendees."))
    _need_planned(meeting, _("Attendees are vetted before the meeting."))


can_propose_attendee = permits(require_propose_attendee)


@rule("decide_attendee")
def require_decide_attendee(user: User, attendee: MeetingAttendee) -> None:
    """The organizer admits or refuses a proposed attendee before the meeting (rule 3)."""
    require_organize(user, attendee.meeting)
    not_own(user, attendee.user_id, doing=_("admit yourself to a meeting"))
    _need_planned(attendee.meeting, _("Attendees are vetted before the meeting."))
    if attendee.decision != Decision.PENDING:
        raise InvalidTransition(_("This attendee has already been decided."))


can_decide_attendee = permits(require_decide_attendee)


@rule("announce")
def require_announce(user: User, meeting: Meeting) -> None:
    """The chair or the organizer announces the level at the meeting, once the venue was found
    clear (rules 1 and 4)."""
    if not active(user) or user.pk not in (meeting.chair_id, meeting.organizer_id):
        raise NotPermitted(_("The chair or the organizer announces the classification."))
    _need_planned(meeting, _("This meeting has already been held."))
    last_check = meeting.venue_checks.order_by("-checked_at").first()
    if last_check is None or not last_check.clear:
        raise InvalidTransition(_("The venue must be checked and found clear before the meeting (rule 1)."))


can_announce = permits(require_announce)


@rule("hand_out")
def require_hand_out(user: User, attendee: MeetingAttendee) -> None:
    """At the held meeting, the organizer hands one numbered copy of the named materials to each
    admitted attendee (rule 2)."""
    meeting = attendee.meeting
    require_organize(user, meeting)
    if meeting.state != MeetingState.HELD:
        raise InvalidTransition(_("Materials are handed out at the meeting, once its level has been announced."))
    if attendee.decision != Decision.APPROVED:
        raise NotPermitted(
            _("%(person)s was not admitted to this meeting (%(decision)s).")
            % {"person": attendee.user.display_name, "decision": attendee.get_decision_display()}
        )
    if attendee.copy_id is not None:
        raise InvalidTransition(_("%(person)s already has a copy.") % {"person": attendee.user.display_name})
    if meeting.materials_id is None:
        raise InvalidTransition(_("No materials document has been named for this meeting."))


can_hand_out = permits(require_hand_out)


@rule("recall_materials")
def require_recall_materials(user: User, meeting: Meeting) -> None:
    """After the meeting the organizer recalls the copies handed out (rule 2)."""
    require_organize(user, meeting)
    if meeting.state != MeetingState.HELD:
        raise InvalidTransition(_("Materials are recalled after the meeting has been held."))


can_recall_materials = permits(require_recall_materials)


@rule("close_meeting")
def require_close_meeting(user: User, meeting: Meeting) -> None:
    """The organizer closes a held meeting (the service checks every copy is back)."""
    require_organize(user, meeting)
    if meeting.state != MeetingState.HELD:
        raise InvalidTransition(_("Only a meeting that has been held can be closed."))


can_close_meeting = permits(require_close_meeting)


@rule("name_minutes")
def require_name_minutes(user: User, meeting: Meeting) -> None:
    """The organizer names the document that holds the meeting's minutes (at any time)."""
    require_organize(user, meeting)


can_name_minutes = permits(require_name_minutes)


@rule("distribute_minutes")
def require_distribute_minutes(user: User, meeting: Meeting) -> None:
    """After the meeting, the organizer distributes the named minutes, only to attending units and
    the superior agency (rule 5; the service checks each recipient)."""
    require_organize(user, meeting)
    if meeting.state == MeetingState.PLANNED:
        raise InvalidTransition(_("Minutes exist only after the meeting."))
    if meeting.minutes_id is None:
        raise InvalidTransition(_("Register the minutes as a document and name them first."))


can_distribute_minutes = permits(require_distribute_minutes)


@rule("request_publication")
def require_request_publication(user: User, meeting: Meeting) -> None:
    """Whoever knows the meeting proposes a publication; it goes to the head (rule 6)."""
    if not can_know_meeting(user, meeting):
        raise NotPermitted(_("Only those who know the meeting may propose a publication."))


can_request_publication = permits(require_request_publication)


@rule("decide_publication")
def require_decide_publication(user: User, publication: MeetingPublication) -> None:
    """The head of the agency (首長) approves or refuses a pending publication (rule 6)."""
    if not active(user) or not user.is_agency_head:
        raise NotPermitted(
            _("Only the head of the agency (首長) decides whether anything about a classified meeting is published.")
        )
    not_own(user, publication.requested_by_id, doing=_("decide this publication"))
    if publication.state != PublicationState.PENDING:
        raise InvalidTransition(_("This publication has already been decided."))


can_decide_publication = permits(require_decide_publication)


@rule("publish")
def require_publish(user: User, publication: MeetingPublication) -> None:
    """Whoever knows the meeting records that an approved text was published; never without the
    head's approval (rule 6)."""
    if not can_know_meeting(user, publication.meeting):
        raise NotPermitted(_("Only those who know the meeting may publish about it."))
    if publication.state != PublicationState.APPROVED:
        raise NotPermitted(
            _("Nothing about a classified meeting is published without the head's approval (簽陳首長奉核, meeting rule 6).")
        )


can_publish = permits(require_publish)
