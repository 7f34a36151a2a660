"""Classified meetings (會議機密維護 rules 1–6): the list, registration, the meeting page and its actions.

Every change goes through ``registry.services.meetings`` (and, for taking a copy of the materials
back, ``registry.services.distribution.copy_return``); these views only load what the person may see, read the form,
and put the service's refusal back as a message.

Need-to-know for a meeting is ``Meeting.objects.visible_to``: the organizer, the chair, an approved
attendee, or a supervisor of the organizing unit. Anyone else asking for a meeting's page or posting
to one of its actions gets the audited 404 (``meeting_or_404``) and nothing is written. The ethics
office sees every meeting in the list, with the subject withheld (「密不錄由」) unless it knows it.
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Exists, OuterRef
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from registry import policies
from registry.forms import (
    AttendeeProposeForm,
    MeetingCopyReturnForm,
    MeetingDecideForm,
    MeetingDocumentForm,
    MeetingEmptyForm,
    MeetingRegisterForm,
    MinutesDistributeForm,
    PublicationRequestForm,
    StaffChooseForm,
    VenueCheckForm,
)
from registry.models import (
    Decision,
    DocumentCopy,
    MeetingAttendee,
    MeetingPublication,
    MeetingState,
    PublicationState,
)
from registry.roles import Role
from registry.selectors.meetings import meetings_for, outstanding_materials
from registry.services import distribution as distribution_services
from registry.services import meetings as services
from registry.views.actions import MeetingActionView as BaseMeetingActionView
from registry.views.actions import meeting_or_404
from registry.views.base import FormPageView, RegistryView, ids, paginate

__all__ = ["meeting_or_404"]


def meeting_url(meeting) -> str:
    return reverse("registry:meeting_detail", kwargs={"pk": meeting.pk})


# --- the list -----------------------------------------------------------------------------------


class MeetingListView(RegistryView, View):
    """機密會議: the meetings the person may know; the ethics office sees all of them, the subject
    withheld unless it knows the meeting. One query: the need-to-know is an annotation."""

    template_name = "meetings/meeting_list.html"

    def get(self, request):
        user = request.user
        return render(
            request,
            self.template_name,
            {
                "page": paginate(request, meetings_for(user)),
                "may_register": policies.can_register_meeting(user),
                "sees_all": user.has_role(Role.ETHICS),
            },
        )


# --- registration -----------------------------------------------------------------------------


class MeetingRegisterView(FormPageView):
    """登記機密會議: supervisors and designated handlers of a unit."""

    template_name = "meetings/meeting_register.html"
    form_class = MeetingRegisterForm
    required_roles = (Role.SUPERVISOR, Role.HANDLER)
    denied_purpose = "meeting_register"

    def perform(self, form):
        meeting = services.meeting_register(actor=self.request.user, **form.service_arguments())
        messages.success(self.request, _("Meeting registered. Check the venue and vet the attendees before it."))
        return redirect(meeting_url(meeting))


# --- the meeting page ---------------------------------------------------------------------------


def meeting_context(request, meeting) -> dict:
    """What the meeting page shows this person, and the forms the rule book allows them."""
    user = request.user
    planned = meeting.state == MeetingState.PLANNED
    held = meeting.state == MeetingState.HELD
    prepare = policies.can_prepare_meeting(user, meeting)

    checks = list(meeting.venue_checks.select_related("checked_by").order_by("-checked_at", "-pk"))
    last_check = checks[0] if checks else None
    staff = list(meeting.staff.select_related("person__unit", "chosen_by").order_by("pk"))
    attendees = list(
        meeting.attendees.select_related("user__unit", "proposed_by", "decided_by", "copy", "meeting").order_by("pk")
    )
    for attendee in attendees:
        attendee.meeting = meeting
    attendee_rows = [
        {
            "attendee": a,
            "decide_form": MeetingDecideForm(meeting=meeting, auto_id=ids("att", a.pk))
            if policies.can_decide_attendee(user, a)
            else None,
            "may_hand_out": policies.can_hand_out(user, a),
        }
        for a in attendees
    ]

    materials = meeting.materials
    knows_materials = materials is not None and policies.can_know(user, materials)
    knows_minutes = meeting.minutes is not None and policies.can_know(user, meeting.minutes)
    holders = {a.copy_id: a for a in attendees if a.copy_id}
    outstanding = list(outstanding_materials(meeting).order_by("number"))
    outstanding_rows = [
        {
            "copy": c,
            "attendee": holders.get(c.pk),
            "return_form": MeetingCopyReturnForm(meeting=meeting, auto_id=ids("ret", c.pk))
            if policies.can_return_copy(user, c)
            else None,
        }
        for c in outstanding
    ]
    publications = list(meeting.publications.select_related("requested_by", "decided_by", "meeting").order_by("requested_at", "pk"))
    publication_rows = [
        {
            "publication": p,
            "decide_form": MeetingDecideForm(meeting=meeting, auto_id=ids("pub", p.pk))
            if policies.can_decide_publication(user, p)
            else None,
            "may_publish": policies.can_publish(user, p),
        }
        for p in publications
    ]

    return {
        "meeting": meeting,
        "is_organizer": policies.can_organize(user, meeting),
        "planned": planned,
        "held": held,
        "closed": meeting.state == MeetingState.CLOSED,
        "venue_checks": checks,
        "venue_clear": last_check is not None and last_check.clear,
        "venue_form": VenueCheckForm(meeting=meeting, auto_id="id_venue_%s") if prepare else None,
        "staff": staff,
        "staff_form": StaffChooseForm(meeting=meeting, auto_id="id_staff_%s") if prepare else None,
        "attendee_rows": attendee_rows,
        "approved_count": sum(a.decision == Decision.APPROVED for a in attendees),
        "propose_form": AttendeeProposeForm(meeting=meeting, user=user, auto_id="id_propose_%s")
        if policies.can_propose_attendee(user, meeting)
        else None,
        "materials_form": MeetingDocumentForm(meeting=meeting, user=user, auto_id="id_materials_%s") if prepare else None,
        "knows_materials": knows_materials,
        "may_announce": policies.can_announce(user, meeting),
        "handed_out": [a for a in attendees if a.copy_id],
        "outstanding_rows": outstanding_rows,
        "may_manage_copies": materials is not None and policies.can_manage_copies(user, materials),
        "may_recall": policies.can_recall_materials(user, meeting) and any(c.recalled_at is None for c in outstanding),
        "may_close": policies.can_close_meeting(user, meeting),
        "minutes_form": MeetingDocumentForm(meeting=meeting, user=user, auto_id="id_minutes_%s")
        if policies.can_name_minutes(user, meeting)
        else None,
        "knows_minutes": knows_minutes,
        "distribute_form": MinutesDistributeForm(meeting=meeting, user=user, auto_id="id_distribute_%s")
        if policies.can_distribute_minutes(user, meeting)
        else None,
        "publication_rows": publication_rows,
        "publication_form": PublicationRequestForm(meeting=meeting, auto_id="id_publication_%s")
        if policies.can_request_publication(user, meeting)
        else None,
        "is_agency_head": user.is_agency_head,
    }


class MeetingDetailView(RegistryView, View):
    """The meeting page: only for people who know the meeting (otherwise the audited 404)."""

    template_name = "meetings/meeting_detail.html"

    def get(self, request, pk):
        meeting = meeting_or_404(request.user, pk)
        return render(request, self.template_name, meeting_context(request, meeting))


# --- actions ------------------------------------------------------------------------------------


class MeetingActionView(BaseMeetingActionView):
    """An action on a meeting (``registry.views.actions.MeetingActionView``) with the meeting
    page's forms, which know the person."""

    form_class = MeetingEmptyForm

    def form_kwargs(self, meeting, row) -> dict:
        return {"meeting": meeting, "user": self.request.user}


class VenueCheckView(MeetingActionView):
    action = "meeting_venue_check"
    form_class = VenueCheckForm

    def perform(self, meeting, row, form):
        data = form.cleaned_data
        check = services.venue_check_record(
            meeting=meeting,
            actor=self.request.user,
            checked_at=data["checked_at"],
            no_eavesdropping=data["no_eavesdropping"],
            no_recording=data["no_recording"],
            note=data["note"],
        )
        if check.clear:
            return _("Venue check recorded: nothing found.")
        return _("Venue check recorded: a device was found. Report it to the ethics office.")


class StaffChooseView(MeetingActionView):
    action = "meeting_staff"
    form_class = StaffChooseForm

    def perform(self, meeting, row, form):
        staff = services.staff_choose(
            meeting=meeting, actor=self.request.user, person=form.cleaned_data["person"], duty=form.cleaned_data["duty"]
        )
        return _("%(person)s chosen for the service staff.") % {"person": staff.person.display_name}


class AttendeeProposeView(MeetingActionView):
    action = "meeting_attendee_propose"
    form_class = AttendeeProposeForm

    def perform(self, meeting, row, form):
        attendee = services.attendee_propose(
            meeting=meeting, actor=self.request.user, person=form.cleaned_data["person"], reason=form.cleaned_data["reason"]
        )
        return _("%(person)s proposed; the organizer vets them before the meeting.") % {
            "person": attendee.user.display_name
        }


class AttendeeDecideView(MeetingActionView):
    action = "meeting_attendee_decide"
    item_model = MeetingAttendee
    form_class = MeetingDecideForm

    def perform(self, meeting, row, form):
        attendee = services.attendee_decide(
            attendee=row, actor=self.request.user, approve=form.approve, reason=form.cleaned_data["reason"]
        )
        if attendee.decision == Decision.APPROVED:
            return _("%(person)s admitted to the meeting.") % {"person": attendee.user.display_name}
        return _("%(person)s not admitted to the meeting.") % {"person": attendee.user.display_name}


class MaterialsSetView(MeetingActionView):
    action = "meeting_materials"
    form_class = MeetingDocumentForm
    minutes = False

    def perform(self, meeting, row, form):
        document = form.cleaned_data["document"]
        services.materials_set(meeting=meeting, actor=self.request.user, document=document, minutes=self.minutes)
        if self.minutes:
            return _("%(number)s named as the minutes.") % {"number": document.number}
        return _("%(number)s named as the meeting's materials.") % {"number": document.number}


class MinutesSetView(MaterialsSetView):
    action = "meeting_minutes"
    minutes = True


class AnnounceView(MeetingActionView):
    action = "meeting_announce"

    def perform(self, meeting, row, form):
        meeting = services.meeting_announce(meeting=meeting, actor=self.request.user)
        return _("Level %(level)s announced; attendees are bound to secrecy. The meeting is now held.") % {
            "level": meeting.level_label
        }


class HandOutView(MeetingActionView):
    action = "meeting_hand_out"
    item_model = MeetingAttendee

    def perform(self, meeting, row, form):
        copy = services.materials_hand_out(meeting=meeting, actor=self.request.user, attendee=row)
        return _("Copy %(n)s of the materials handed to %(person)s.") % {
            "n": copy.number,
            "person": row.user.display_name,
        }


class RecallView(MeetingActionView):
    """通知收回: every copy handed out at this meeting and still held is asked back (this
    meeting's copies only, not other copies of the same document)."""

    action = "meeting_recall"

    def perform(self, meeting, row, form):
        copies = services.materials_recall(meeting=meeting, actor=self.request.user)
        return _("Recall asked for %(count)d copies.") % {"count": len(copies)}


class CopyReturnView(MeetingActionView):
    """繳回: one copy handed out at this meeting is taken back."""

    action = "meeting_copy_return"
    form_class = MeetingCopyReturnForm

    def get_item(self, meeting, item):
        handed = MeetingAttendee.objects.filter(meeting=meeting, copy_id=OuterRef("pk"))
        row = DocumentCopy.objects.filter(pk=item).filter(Exists(handed)).first()
        if row is None:
            self.refuse_item(meeting, item, _("No such copy was handed out at this meeting."))
        return row

    def perform(self, meeting, row, form):
        copy = distribution_services.copy_return(copy=row, actor=self.request.user, note=form.cleaned_data["note"])
        return _("Copy %(n)s taken back.") % {"n": copy.number}


class CloseView(MeetingActionView):
    action = "meeting_close"

    def perform(self, meeting, row, form):
        services.meeting_close(meeting=meeting, actor=self.request.user)
        return _("Meeting closed: every copy of the materials is back.")


class MinutesDistributeView(MeetingActionView):
    action = "meeting_minutes_distribute"
    form_class = MinutesDistributeForm

    def perform(self, meeting, row, form):
        copies = services.minutes_distribute(
            meeting=meeting,
            actor=self.request.user,
            recipients=list(form.cleaned_data["recipients"]),
            reason=form.cleaned_data["reason"],
        )
        return _("Minutes distributed: copies %(numbers)s.") % {"numbers": "、".join(str(c.number) for c in copies)}


class PublicationRequestView(MeetingActionView):
    action = "meeting_publication_request"
    form_class = PublicationRequestForm

    def perform(self, meeting, row, form):
        services.publication_request(meeting=meeting, actor=self.request.user, text=form.cleaned_data["text"])
        return _("Publication proposed; it waits for the head's approval.")


class PublicationDecideView(MeetingActionView):
    action = "meeting_publication_decide"
    item_model = MeetingPublication
    form_class = MeetingDecideForm

    def perform(self, meeting, row, form):
        publication = services.publication_decide(
            publication=row, actor=self.request.user, approve=form.approve, reason=form.cleaned_data["reason"]
        )
        if publication.state == PublicationState.APPROVED:
            return _("Publication approved.")
        return _("Publication not approved.")


class PublicationPublishView(MeetingActionView):
    action = "meeting_publication_publish"
    item_model = MeetingPublication

    def perform(self, meeting, row, form):
        services.publication_publish(publication=row, actor=self.request.user)
        return _("Publication recorded as published.")
