"""Destruction (銷毀): the archive's inventories (焚燬清冊), their approval and the witnessed act.

Every change goes through ``registry.services.destruction``. An inventory lists documents by number
and level; the subject only for a person with need-to-know (``with_need_to_know``).
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from registry import policies
from registry.errors import RegistryError
from registry.forms import (
    DestructionApproveForm,
    DestructionDraftForm,
    DestructionRecordForm,
)
from registry.models import (
    DestructionItem,
    DestructionList,
    DestructionState,
    Document,
    DocumentState,
)
from registry.roles import Role
from registry.services import destruction as services
from registry.views.archive import RecordActionView
from registry.views.base import RegistryView, paginate

DESTRUCTION_ROLES = (Role.ARCHIVIST, Role.SUPERVISOR, Role.ETHICS)
DASHBOARD_LIMIT = 20


def destruction_context(request, document: Document, *, known: bool) -> dict:
    """The destruction section of a document's pages: the inventories that hold it."""
    items = list(
        DestructionItem.objects.filter(document=document)
        .select_related(
            "destruction_list__drafted_by",
            "destruction_list__approved_by",
            "destruction_list__destroyed_by",
            "destruction_list__witness",
        )
        .order_by("destruction_list__drafted_at", "pk")
    )
    return {
        "destruction_lists": [item.destruction_list for item in items],
        "may_open_inventories": request.user.has_role(*DESTRUCTION_ROLES),
        "show_destruction": bool(items) or document.state == DocumentState.DESTROYED,
    }


def _inventory_or_404(user, pk) -> DestructionList:
    inventory = DestructionList.objects.filter(pk=pk).select_related(
        "drafted_by", "approved_by", "destroyed_by", "witness"
    ).first()
    if inventory is None:
        policies.record_denied(user, None, purpose=f"destruction {pk}")
        raise Http404(_("There is no such page, or it is not for you."))
    return inventory


class DestructionListView(RegistryView, TemplateView):
    """焚燬清冊: every inventory, newest first."""

    template_name = "destruction/destruction_list.html"
    required_roles = DESTRUCTION_ROLES
    denied_purpose = "destruction_list"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        inventories = (
            DestructionList.objects.select_related("drafted_by", "approved_by", "destroyed_by", "witness")
            .annotate(item_count=Count("items"))
            .order_by("-drafted_at", "-pk")
        )
        context.update(page=paginate(self.request, inventories), may_draft=self.request.user.has_role(Role.ARCHIVIST))
        return context


def destruction_candidates(user):
    """What the archivist may put on an inventory today, from the register (``known`` annotated)."""
    ids = [document.pk for document in services.destructible()]
    return (
        policies.register_for(user)
        .filter(pk__in=ids)
        .select_related("storage_location", "responsible_unit")
        .order_by("archived_at", "pk")
    )


class DestructionNewView(RegistryView, View):
    """擬具焚燬清冊: the archivist ticks the documents whose time has come."""

    template_name = "destruction/destruction_new.html"
    required_roles = (Role.ARCHIVIST,)
    denied_purpose = "destruction_new"

    def get(self, request):
        return self.page(DestructionDraftForm(candidates=destruction_candidates(request.user)))

    def post(self, request):
        form = DestructionDraftForm(request.POST, candidates=destruction_candidates(request.user))
        if form.is_valid():
            try:
                inventory = services.destruction_draft(
                    actor=request.user, documents=list(form.cleaned_data["documents"]), note=form.cleaned_data["note"]
                )
            except RegistryError as error:
                form.add_service_error(error)
            else:
                messages.success(
                    request,
                    _("Destruction inventory %(n)d drafted; it waits for a supervisor's approval.") % {"n": inventory.pk},
                )
                return redirect("registry:destruction_detail", pk=inventory.pk)
        return self.page(form)

    def page(self, form):
        return render(self.request, self.template_name, {"form": form})


class DestructionDetailView(RegistryView, TemplateView):
    """One inventory: its documents (masked), its approval, the witnessed destruction."""

    template_name = "destruction/destruction_detail.html"
    required_roles = DESTRUCTION_ROLES
    denied_purpose = "destruction_detail"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        inventory = _inventory_or_404(user, kwargs["pk"])
        documents = list(
            Document.objects.filter(destruction_items__destruction_list=inventory)
            .with_need_to_know(user)
            .select_related("storage_location", "responsible_unit")
            .order_by("pk")
        )
        readable = set(
            policies.register_for(user).filter(pk__in=[d.pk for d in documents]).values_list("pk", flat=True)
        )
        pending = inventory.state != DestructionState.DESTROYED
        rows = [
            {
                "document": d,
                "trail": d.known or d.pk in readable or user.has_role(Role.ETHICS),
                "obstacle": services.destruction_obstacle(d) if pending else "",
            }
            for d in documents
        ]
        may_approve = inventory.state == DestructionState.DRAFT and user.has_role(Role.SUPERVISOR)
        may_record = inventory.state == DestructionState.APPROVED and user.has_role(Role.ARCHIVIST, Role.ETHICS)
        record_form = None
        if may_record:
            record_form = DestructionRecordForm()
            if user.has_role(Role.ETHICS):
                record_form.fields["witness"].initial = user.pk
            if user.has_role(Role.ARCHIVIST):
                record_form.fields["destroyed_by"].initial = user.pk
        context.update(
            inventory=inventory,
            rows=rows,
            approve_form=DestructionApproveForm() if may_approve else None,
            record_form=record_form,
        )
        return context


class DestructionApproveView(RecordActionView):
    action = "destruction_approve"
    form_class = DestructionApproveForm
    required_roles = (Role.SUPERVISOR,)
    denied_purpose = "destruction_approve"

    def records(self):
        return DestructionList.objects.all()

    def perform(self, record, form):
        inventory = services.destruction_approve(destruction_list=record, actor=self.request.user)
        return _("Destruction inventory %(n)d approved; it is destroyed with an ethics officer as witness.") % {
            "n": inventory.pk
        }

    def success_url(self, record):
        return reverse("registry:destruction_detail", kwargs={"pk": record.pk})


class DestructionRecordView(RecordActionView):
    action = "destruction_record"
    form_class = DestructionRecordForm
    required_roles = (Role.ARCHIVIST, Role.ETHICS)
    denied_purpose = "destruction_record"

    def records(self):
        return DestructionList.objects.all()

    def perform(self, record, form):
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

    def success_url(self, record):
        return reverse("registry:destruction_detail", kwargs={"pk": record.pk})


def dashboard_destructions(user) -> dict:
    """Supervisors: inventories to approve; the ethics office: approved inventories to witness."""
    context: dict = {}
    if user.has_role(Role.SUPERVISOR):
        context["destruction_drafts"] = list(
            DestructionList.objects.filter(state=DestructionState.DRAFT)
            .select_related("drafted_by")
            .annotate(item_count=Count("items"))
            .order_by("drafted_at", "pk")[:DASHBOARD_LIMIT]
        )
        context["show_destruction_drafts"] = True
    if user.has_role(Role.ETHICS):
        context["destruction_to_witness"] = list(
            DestructionList.objects.filter(state=DestructionState.APPROVED)
            .select_related("drafted_by", "approved_by")
            .annotate(item_count=Count("items"))
            .order_by("approved_at", "pk")[:DASHBOARD_LIMIT]
        )
        context["show_destruction_witness"] = True
    return context
