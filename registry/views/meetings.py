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

from typing import ClassVar

from django.contrib import messages
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from registry import audit, policies
from registry.errors import NotPermitted, RegistryError
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
    AuditAction,
    CopyState,
    Decision,
    DocumentCopy,
    Meeting,
    MeetingAttendee,
    MeetingPublication,
    MeetingState,
    PublicationState,
)
from registry.roles import Role
from registry.services import distribution as distribution_services
from registry.services import meetings as services
from registry.views.base import RegistryView, paginate, safe_next

NOT_FOUND = gettext_lazy("No such meeting, or you have no need to know it.")
PURPOSE = "meeting"


def meeting_or_404(user, pk) -> Meeting:
    """The meeting, through the one object check for meetings; otherwise audit the refusal and 404."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        pk = None
    meeting = None
    if pk is not None:
        meeting = (
            Meeting.objects.visible_to(user)
            .select_related("chair__unit", "organizer", "organizing_unit", "announced_by", "materials", "minutes")
            .filter(pk=pk)
            .first()
        )
    if meeting is None:
        policies.record_denied(user, None, purpose=PURPOSE)
        raise Http404(NOT_FOUND)
    return meeting


def meeting_url(meeting: Meeting) -> str:
    return reverse("registry:meeting_detail", kwargs={"pk": meeting.pk})


def _may(check, *args) -> bool:
    """Whether a service's permission check lets the person through (used only to offer forms)."""
    try:
        check(*args)
    except NotPermitted:
        return False
    return True


def _ids(prefix: str, pk: int) -> str:
    """Distinct element ids for one row's form, so every label names its own field."""
    return f"id_{prefix}{pk}_%s"


def may_organize(user, meeting: Meeting) -> bool:
    """The organizer, or a supervisor of the organizing unit (the service's own check)."""
    return _may(services._require_organizer, meeting, user)


# --- the list -----------------------------------------------------------------------------------


class MeetingListView(RegistryView, View):
    """機密會議: the meetings the person may know; the ethics office sees all of them, the subject
    withheld unless it knows the meeting. One query: the need-to-know is an annotation."""

    template_name = "meetings/meeting_list.html"

    def get(self, request):
        user = request.user
        if user.has_role(Role.ETHICS):
            meetings = Meeting.objects.with_knowledge(user)
        else:
            meetings = Meeting.objects.visible_to(user).with_knowledge(user)
        meetings = meetings.select_related("organizing_unit", "chair").order_by("-starts_at", "-pk")
        return render(
            request,
            self.template_name,
            {
                "page": paginate(request, meetings),
                "may_register": user.has_role(Role.SUPERVISOR, Role.HANDLER) and user.unit_id is not None,
                "sees_all": user.has_role(Role.ETHICS),
            },
        )


# --- registration -----------------------------------------------------------------------------


class MeetingRegisterView(RegistryView, View):
    """登記機密會議: supervisors and designated handlers of a unit."""

    template_name = "meetings/meeting_register.html"
    required_roles = (Role.SUPERVISOR, Role.HANDLER)
    denied_purpose = "meeting_register"

    def get(self, request):
        return self.page(MeetingRegisterForm())

    def post(self, request):
        form = MeetingRegisterForm(request.POST)
        if form.is_valid():
            try:
                meeting = services.meeting_register(actor=request.user, **form.service_arguments())
            except RegistryError as error:
                form.add_service_error(error)
            else:
                messages.success(request, _("Meeting registered. Check the venue and vet the attendees before it."))
                return redirect(meeting_url(meeting))
        return self.page(form)

    def page(self, form):
        return render(self.request, self.template_name, {"form": form})


# --- the meeting page ---------------------------------------------------------------------------


def meeting_context(request, meeting: Meeting) -> dict:
    """What the meeting page shows this person, and the forms their part in the meeting allows."""
    user = request.user
    organizer = may_organize(user, meeting)
    planned = meeting.state == MeetingState.PLANNED
    held = meeting.state == MeetingState.HELD

    checks = list(meeting.venue_checks.select_related("checked_by").order_by("-checked_at", "-pk"))
    last_check = checks[0] if checks else None
    staff = list(meeting.staff.select_related("person__unit", "chosen_by").order_by("pk"))
    attendees = list(
        meeting.attendees.select_related("user__unit", "proposed_by", "decided_by", "copy").order_by("pk")
    )
    attendee_rows = [
        {
            "attendee": a,
            "decide_form": MeetingDecideForm(meeting=meeting, auto_id=_ids("att", a.pk))
            if organizer and planned and a.decision == Decision.PENDING
            else None,
            "may_hand_out": organizer
            and held
            and a.decision == Decision.APPROVED
            and a.copy_id is None
            and meeting.materials_id is not None,
        }
        for a in attendees
    ]

    materials = meeting.materials
    knows_materials = materials is not None and policies.can_know(user, materials)
    knows_minutes = meeting.minutes is not None and policies.can_know(user, meeting.minutes)
    may_manage = materials is not None and distribution_services._may_manage_copies(materials, user)
    holders = {a.copy_id: a for a in attendees if a.copy_id}
    outstanding = list(services.outstanding_materials(meeting).order_by("number"))
    outstanding_rows = [
        {
            "copy": c,
            "attendee": holders.get(c.pk),
            "return_form": MeetingCopyReturnForm(meeting=meeting, auto_id=_ids("ret", c.pk)) if may_manage else None,
        }
        for c in outstanding
    ]
    handed_out = [a for a in attendees if a.copy_id]

    publications = list(
        meeting.publications.select_related("requested_by", "decided_by").order_by("requested_at", "pk")
    )
    publication_rows = [
        {
            "publication": p,
            "decide_form": MeetingDecideForm(meeting=meeting, auto_id=_ids("pub", p.pk))
            if user.is_agency_head and p.state == PublicationState.PENDING
            else None,
            "may_publish": p.state == PublicationState.APPROVED,
        }
        for p in publications
    ]

    return {
        "meeting": meeting,
        "is_organizer": organizer,
        "planned": planned,
        "held": held,
        "closed": meeting.state == MeetingState.CLOSED,
        "venue_checks": checks,
        "venue_clear": last_check is not None and last_check.clear,
        "venue_form": VenueCheckForm(meeting=meeting, auto_id="id_venue_%s") if organizer and planned else None,
        "staff": staff,
        "staff_form": StaffChooseForm(meeting=meeting, auto_id="id_staff_%s") if organizer and planned else None,
        "attendee_rows": attendee_rows,
        "approved_count": sum(a.decision == Decision.APPROVED for a in attendees),
        "propose_form": AttendeeProposeForm(meeting=meeting, user=user, auto_id="id_propose_%s") if planned else None,
        "materials_form": MeetingDocumentForm(meeting=meeting, user=user, auto_id="id_materials_%s")
        if organizer and planned
        else None,
        "knows_materials": knows_materials,
        "may_announce": planned and user.pk in (meeting.chair_id, meeting.organizer_id),
        "handed_out": handed_out,
        "outstanding_rows": outstanding_rows,
        "may_manage_copies": may_manage,
        "may_recall": organizer and held and any(c.recalled_at is None for c in outstanding),
        "may_close": organizer and held,
        "minutes_form": MeetingDocumentForm(meeting=meeting, user=user, auto_id="id_minutes_%s")
        if organizer and not planned
        else None,
        "knows_minutes": knows_minutes,
        "distribute_form": MinutesDistributeForm(meeting=meeting, user=user, auto_id="id_distribute_%s")
        if organizer and not planned and meeting.minutes_id is not None
        else None,
        "publication_rows": publication_rows,
        "publication_form": PublicationRequestForm(meeting=meeting, auto_id="id_publication_%s"),
        "is_agency_head": user.is_agency_head,
    }


class MeetingDetailView(RegistryView, View):
    """The meeting page: only for people who know the meeting (otherwise the audited 404)."""

    template_name = "meetings/meeting_detail.html"

    def get(self, request, pk):
        meeting = meeting_or_404(request.user, pk)
        return render(request, self.template_name, meeting_context(request, meeting))


# --- actions ------------------------------------------------------------------------------------


class MeetingActionView(RegistryView, View):
    """One action on one meeting, by POST only (a GET answers 405).

    The meeting is loaded through ``meeting_or_404`` before anything else, so a person who does not
    know it gets the audited 404 and nothing is written. A row the URL names (an attendee, a copy, a
    publication) must belong to the meeting. Bad input and the service's refusals come back as
    messages on the meeting page; a refusal for want of permission is also recorded in the chain.
    """

    http_method_names: ClassVar[list[str]] = ["post"]
    action = ""
    form_class = MeetingEmptyForm

    def target(self, meeting: Meeting, item):
        return None

    def form_kwargs(self) -> dict:
        return {}

    def post(self, request, pk, item=None):
        meeting = meeting_or_404(request.user, pk)
        row = self.target(meeting, item)
        form = self.form_class(request.POST, meeting=meeting, user=request.user, **self.form_kwargs())
        if not form.is_valid():
            for name, errors in form.errors.items():
                label = form.fields[name].label if name in form.fields else ""
                for error in errors:
                    text = _("%(field)s: %(error)s") % {"field": label, "error": error} if label else error
                    messages.error(request, text)
            return redirect(self.back(meeting))
        try:
            done = self.perform(meeting, row, form)
        except RegistryError as error:
            if isinstance(error, NotPermitted):
                self.record_refusal(meeting, error.message)
            messages.error(request, str(error.message))
            return redirect(self.back(meeting))
        messages.success(request, done)
        return redirect(self.after(meeting))

    def perform(self, meeting: Meeting, row, form) -> str:
        raise NotImplementedError

    def record_refusal(self, meeting: Meeting, reason) -> None:
        audit.record(
            action=AuditAction.ACTION_REFUSED,
            actor=self.request.user,
            document=None,
            details={"meeting": meeting.pk, "action": self.action, "reason": str(reason)},
        )

    def back(self, meeting: Meeting) -> str:
        """The page the form was posted from, if it is ours; else the meeting's page."""
        return safe_next(self.request) or meeting_url(meeting)

    def after(self, meeting: Meeting) -> str:
        if services.can_know_meeting(self.request.user, meeting):
            return self.back(meeting)
        return reverse("registry:meeting_list")


class _AttendeeTarget:
    def target(self, meeting, item):
        row = MeetingAttendee.objects.filter(pk=item, meeting=meeting).select_related("user").first()
        if row is None:
            raise Http404(_("No such attendee at this meeting."))
        return row


class _PublicationTarget:
    def target(self, meeting, item):
        row = MeetingPublication.objects.filter(pk=item, meeting=meeting).first()
        if row is None:
            raise Http404(_("No such publication request for this meeting."))
        return row


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


class AttendeeDecideView(_AttendeeTarget, MeetingActionView):
    action = "meeting_attendee_decide"
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


class HandOutView(_AttendeeTarget, MeetingActionView):
    action = "meeting_hand_out"

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

    def target(self, meeting, item):
        handed = MeetingAttendee.objects.filter(meeting=meeting, copy_id=OuterRef("pk"))
        row = DocumentCopy.objects.filter(pk=item).filter(Exists(handed)).first()
        if row is None:
            raise Http404(_("No such copy was handed out at this meeting."))
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


class PublicationDecideView(_PublicationTarget, MeetingActionView):
    action = "meeting_publication_decide"
    form_class = MeetingDecideForm

    def perform(self, meeting, row, form):
        publication = services.publication_decide(
            publication=row, actor=self.request.user, approve=form.approve, reason=form.cleaned_data["reason"]
        )
        if publication.state == PublicationState.APPROVED:
            return _("Publication approved.")
        return _("Publication not approved.")


class PublicationPublishView(_PublicationTarget, MeetingActionView):
    action = "meeting_publication_publish"

    def perform(self, meeting, row, form):
        services.publication_publish(publication=row, actor=self.request.user)
        return _("Publication recorded as published.")


# --- the dashboard --------------------------------------------------------------------------------


def meetings_with_outstanding_materials(user):
    """Held meetings this person organizes (or supervises) with copies of the materials still out,
    each with ``outstanding_count``."""
    from django.db.models import Count, Q

    if not user.is_authenticated or not user.is_active:
        return Meeting.objects.none()
    organizing = Q(organizer_id=user.pk)
    if user.unit_id and user.has_role(Role.SUPERVISOR):
        organizing |= Q(organizing_unit_id__in=user.unit.descendant_ids())
    out = Q(attendees__copy__isnull=False, attendees__copy__state=CopyState.HELD)
    return (
        Meeting.objects.visible_to(user)
        .filter(organizing, state=MeetingState.HELD)
        .annotate(outstanding_count=Count("attendees", filter=out))
        .filter(outstanding_count__gt=0)
        .order_by("starts_at", "pk")
    )

