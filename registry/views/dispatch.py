"""Dispatch (封發) in double envelopes, its receipts, and the clerk's dispatch page."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from registry import policies
from registry.forms import DispatchForm, DispatchReceiptForm
from registry.models import (
    Decision,
    Dispatch,
    DistributionRecipient,
    ReproductionRequest,
)
from registry.roles import Role
from registry.services import dispatch as services
from registry.views.base import RegistryView
from registry.views.dashboard import DashboardView as BaseDashboardView
from registry.views.distribution import RestrictedActionView
from registry.views.printing import day_dispatches

RECENT_LIMIT = 50


class DispatchRecordView(RestrictedActionView):
    """封發: a clerk of the document's unit, who may not know the document."""

    action = "dispatch_record"
    form_class = DispatchForm
    known_only = False

    def perform(self, document, row, form):
        data = form.cleaned_data
        dispatch = services.dispatch_record(
            document=document,
            actor=self.request.user,
            recipient=data["recipient"],
            address=data["address"],
            method=data["method"],
            registered_no=data["registered_no"],
            carrier=data["carrier"],
            inner_sealed=data["inner_sealed"],
        )
        return _("Dispatch to %(recipient)s recorded; print the envelopes.") % {"recipient": dispatch.recipient}


class DispatchReceiptView(RestrictedActionView):
    """回執: the date on the receipt, who received it, any discrepancy."""

    action = "dispatch_receipt"
    form_class = DispatchReceiptForm
    known_only = False
    target_model = Dispatch

    def perform(self, document, row, form):
        data = form.cleaned_data
        dispatch = services.dispatch_receipt(
            dispatch=row,
            actor=self.request.user,
            received_on=data["received_on"],
            receipt_by=data["receipt_by"],
            discrepancy=data["discrepancy"],
        )
        if dispatch.discrepancy:
            return _("Discrepancy recorded for the dispatch to %(recipient)s.") % {"recipient": dispatch.recipient}
        return _("Receipt recorded for the dispatch to %(recipient)s.") % {"recipient": dispatch.recipient}


def clerk_dispatches(user):
    """Dispatches of the documents in the person's register."""
    return Dispatch.objects.filter(document_id__in=policies.register_for(user).values("pk")).select_related(
        "document", "dispatched_by"
    )


def clerk_overdue(user):
    return services.overdue_receipts().filter(document_id__in=policies.register_for(user).values("pk")).select_related(
        "dispatched_by"
    ).order_by("dispatched_at", "pk")


class DispatchListView(RegistryView, TemplateView):
    """封發: today's and recent dispatches in the clerk's register, and receipts overdue."""

    template_name = "dispatch/dispatch_list.html"
    required_roles = (Role.CLERK,)
    denied_purpose = "dispatch_list"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        today = timezone.localdate()
        todays = day_dispatches(user, today)
        context.update(
            today=today,
            today_iso=today.isoformat(),
            todays=todays,
            recent=clerk_dispatches(user).exclude(pk__in=[d.pk for d in todays]).order_by("-dispatched_at", "-pk")[
                :RECENT_LIMIT
            ],
            overdue=list(clerk_overdue(user)),
        )
        return context


class DashboardView(BaseDashboardView):
    """待辦, with the supervisor's pending distribution and copying decisions and the clerk's
    overdue receipts."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        if user.has_role(Role.SUPERVISOR) and user.unit_id:
            units = user.unit.descendant_ids()
            in_units = Q(document__responsible_unit_id__in=units) | Q(document__handling_unit_id__in=units)
            context["pending_recipients"] = (
                DistributionRecipient.objects.filter(decision=Decision.PENDING)
                .filter(
                    Q(request__document__responsible_unit_id__in=units)
                    | Q(request__document__handling_unit_id__in=units)
                )
                .select_related("user", "request__document")
                .order_by("request__requested_at", "pk")[:50]
            )
            context["pending_reproductions"] = (
                ReproductionRequest.objects.filter(in_units, decision=Decision.PENDING)
                .select_related("document", "requested_by")
                .order_by("requested_at", "pk")[:50]
            )
            context["show_decisions"] = True
        if user.has_role(Role.CLERK):
            context["overdue_count"] = clerk_overdue(user).count()
            context["show_overdue"] = True
        return context
