"""Destruction (銷毀): the archive's inventories (焚燬清冊), their approval and the witnessed act.

Every change goes through ``registry.services.destruction``. An inventory lists documents by number
and level; the subject only for a person with need-to-know (``with_need_to_know``).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from registry import policies
from registry.forms import (
    DestructionApproveForm,
    DestructionDraftForm,
    DestructionRecordForm,
)
from registry.models import AuditAction, DestructionList, DestructionState
from registry.policies.destruction import INVENTORY_ROLES, destruction_obstacle
from registry.roles import Role
from registry.selectors import destruction as selectors
from registry.services import destruction as services
from registry.views.actions import RecordActionView
from registry.views.base import FormPageView, RegistryView, paginate


def _inventory_or_404(user, pk) -> DestructionList:
    inventory = selectors.inventory(pk)
    if inventory is None:
        policies.record_refusal(
            user, purpose=f"destruction {pk}", requested=pk if str(pk).isdigit() else None, action=AuditAction.ACCESS_DENIED
        )
        raise Http404(_("There is no such page, or it is not for you."))
    return inventory


class DestructionListView(RegistryView, TemplateView):
    """焚燬清冊: every inventory, newest first."""

    template_name = "destruction/destruction_list.html"
    required_roles = INVENTORY_ROLES
    denied_purpose = "destruction_list"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            page=paginate(self.request, selectors.inventories()),
            may_draft=policies.can_draft_destruction(self.request.user),
        )
        return context


class DestructionNewView(FormPageView):
    """擬具焚燬清冊: the archivist ticks the documents whose time has come."""

    template_name = "destruction/destruction_new.html"
    form_class = DestructionDraftForm
    required_roles = (Role.ARCHIVIST,)
    denied_purpose = "destruction_new"

    def form_kwargs(self):
        return {"candidates": selectors.destruction_candidates(self.request.user)}

    def perform(self, form):
        data = form.cleaned_data
        inventory = services.destruction_draft(actor=self.request.user, documents=list(data["documents"]), note=data["note"])
        messages.success(
            self.request,
            _("Destruction inventory %(n)d drafted; it waits for a supervisor's approval.") % {"n": inventory.pk},
        )
        return redirect("registry:destruction_detail", pk=inventory.pk)


class DestructionDetailView(RegistryView, TemplateView):
    """One inventory: its documents (masked), its approval, the witnessed destruction."""

    template_name = "destruction/destruction_detail.html"
    required_roles = INVENTORY_ROLES
    denied_purpose = "destruction_detail"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        inventory = _inventory_or_404(user, kwargs["pk"])
        documents = selectors.inventory_documents(user, inventory)
        readable = set(
            policies.register_for(user).filter(pk__in=[d.pk for d in documents]).values_list("pk", flat=True)
        )
        pending = inventory.state != DestructionState.DESTROYED
        rows = [
            {
                "document": d,
                "trail": d.known or d.pk in readable or user.has_role(Role.ETHICS),
                "obstacle": destruction_obstacle(d) if pending else "",
            }
            for d in documents
        ]
        record_form = None
        if policies.can_record_destruction(user, inventory):
            record_form = DestructionRecordForm()
            if user.has_role(Role.ETHICS):
                record_form.fields["witness"].initial = user.pk
            if user.has_role(Role.ARCHIVIST):
                record_form.fields["destroyed_by"].initial = user.pk
        context.update(
            inventory=inventory,
            rows=rows,
            approve_form=DestructionApproveForm() if policies.can_approve_destruction(user, inventory) else None,
            record_form=record_form,
        )
        return context


class InventoryActionView(RecordActionView):
    def records(self):
        return DestructionList.objects.all()

    def success_url(self, record):
        return reverse("registry:destruction_detail", kwargs={"pk": record.pk})


class DestructionApproveView(InventoryActionView):
    action = "destruction_approve"
    form_class = DestructionApproveForm
    required_roles = (Role.SUPERVISOR,)
    denied_purpose = "destruction_approve"

    def perform(self, record, row, form):
        inventory = services.destruction_approve(destruction_list=record, actor=self.request.user)
        return _("Destruction inventory %(n)d approved; it is destroyed with an ethics officer as witness.") % {
            "n": inventory.pk
        }


class DestructionRecordView(InventoryActionView):
    action = "destruction_record"
    form_class = DestructionRecordForm
    required_roles = (Role.ARCHIVIST, Role.ETHICS)
    denied_purpose = "destruction_record"

    def perform(self, record, row, form):
        data = form.cleaned_data
        inventory = services.destruction_record(
            destruction_list=record,
            actor=self.request.user,
            destroyed_by=data["destroyed_by"],
            witness=data["witness"],
            method=data["method"],
            destroyed_on=data["destroyed_on"],
        )
        return _("Destruction of inventory %(n)d recorded: %(count)d documents destroyed.") % {
            "n": inventory.pk,
            "count": inventory.items.count(),
        }
