"""Parties' requests to read, copy or photograph files (申請閱卷, 行政程序法第46條).

Every change goes through ``registry.services.party_requests``; the lists are what
``party_requests_for`` gives the person. A request may name a registered document: its number is
shown, its subject only to a person with need-to-know.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from classification import RefusalGround
from registry import policies
from registry.forms import PartyDecideForm, PartyReadingForm, PartyRequestForm
from registry.models import AuditAction, PartyRequest
from registry.roles import Role
from registry.selectors.party_requests import party_requests_for
from registry.services import party_requests as services
from registry.views.actions import RecordActionView
from registry.views.base import FormPageView, RegistryView, paginate

PARTY_ROLES = (Role.CLERK, Role.SUPERVISOR, Role.ETHICS)


def visible_requests(user):
    return party_requests_for(user).select_related("unit", "recorded_by", "decided_by", "document")


def request_or_404(user, pk) -> PartyRequest:
    request = visible_requests(user).filter(pk=pk).first()
    if request is None:
        policies.record_refusal(
            user, purpose=f"party_request {pk}", requested=pk if str(pk).isdigit() else None, action=AuditAction.ACCESS_DENIED
        )
        raise Http404(_("There is no such page, or it is not for you."))
    return request


class PartyRequestListView(RegistryView, TemplateView):
    """申請閱卷: the requests of the person's unit (all of them for the ethics office)."""

    template_name = "party_requests/party_request_list.html"
    required_roles = PARTY_ROLES
    denied_purpose = "party_request_list"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            page=paginate(self.request, visible_requests(user).order_by("-received_on", "-pk")),
            may_record=policies.can_record_party_request(user),
        )
        return context


class PartyRequestNewView(FormPageView):
    """登記申請: the clerk records a request as received."""

    template_name = "party_requests/party_request_new.html"
    form_class = PartyRequestForm
    required_roles = (Role.CLERK,)
    denied_purpose = "party_request_new"

    def form_kwargs(self):
        return {"user": self.request.user}

    def perform(self, form):
        party_request = services.party_request_record(actor=self.request.user, **form.service_arguments())
        messages.success(self.request, _("Request of %(applicant)s recorded; it waits for the supervisor's decision.") % {
            "applicant": party_request.applicant
        })
        return redirect("registry:party_request_detail", pk=party_request.pk)


class PartyRequestDetailView(RegistryView, TemplateView):
    """One request: what was asked, the decision with its grounds, the readings on site."""

    template_name = "party_requests/party_request_detail.html"
    required_roles = PARTY_ROLES
    denied_purpose = "party_request_detail"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        party_request = request_or_404(user, kwargs["pk"])
        document = party_request.document
        document_known = document is not None and policies.can_know(user, document)
        document_trail = document is not None and not document_known and policies.can_read_trail(user, document)
        may_decide = policies.can_decide_party_request(user, party_request)
        may_read = policies.can_record_reading(user, party_request)
        context.update(
            party_request=party_request,
            document=document,
            document_known=document_known,
            document_trail=document_trail,
            grounds=[RefusalGround(int(g)) for g in party_request.grounds],
            readings=list(party_request.readings.select_related("supervised_by", "recorded_by").order_by("read_on", "pk")),
            decide_form=PartyDecideForm() if may_decide else None,
            reading_form=PartyReadingForm(request=party_request) if may_read else None,
        )
        return context


class PartyRecordActionView(RecordActionView):
    def records(self):
        return party_requests_for(self.request.user).select_related("document")

    def audited_document(self, record, row):
        return record.document

    def success_url(self, record):
        return reverse("registry:party_request_detail", kwargs={"pk": record.pk})


class PartyRequestDecideView(PartyRecordActionView):
    action = "party_request_decide"
    form_class = PartyDecideForm
    required_roles = (Role.SUPERVISOR,)
    denied_purpose = "party_request_decide"

    def perform(self, record, row, form):
        data = form.cleaned_data
        party_request = services.party_request_decide(
            request=record,
            actor=self.request.user,
            decision=data["decision"],
            reasons=data["reasons"],
            grounds=data["grounds"],
            conditions=data["conditions"],
            released_part=data["released_part"],
            release_basis=data["release_basis"],
        )
        return _("Decision recorded: %(decision)s.") % {"decision": party_request.get_decision_display()}


class PartyReadingView(PartyRecordActionView):
    action = "party_reading"
    form_class = PartyReadingForm
    required_roles = (Role.CLERK, Role.SUPERVISOR)
    denied_purpose = "party_reading"

    def form_kwargs(self, record, row):
        return {"request": record}

    def perform(self, record, row, form):
        data = form.cleaned_data
        reading = services.party_reading_record(
            request=record,
            actor=self.request.user,
            read_on=data["read_on"],
            supervised_by=data["supervised_by"],
            note=data["note"],
        )
        return _("Reading on site recorded, supervised by %(person)s.") % {"person": reading.supervised_by.display_name}

