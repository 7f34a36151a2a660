"""Dispatch (封發) in double envelopes, its receipts, and the clerk's dispatch page."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from registry.forms import DispatchForm, DispatchReceiptForm
from registry.models import Dispatch
from registry.roles import Role
from registry.selectors.dispatch import clerk_dispatches, clerk_overdue, day_dispatches
from registry.services import dispatch as services
from registry.views.actions import DocumentActionView
from registry.views.base import RegistryView

RECENT_LIMIT = 50


class DispatchRecordView(DocumentActionView):
    """封發: a clerk of the document's unit, who may not know the document."""

    action = "dispatch_record"
    form_class = DispatchForm

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


class DispatchReceiptView(DocumentActionView):
    """回執: the date on the receipt, who received it, any discrepancy."""

    action = "dispatch_receipt"
    form_class = DispatchReceiptForm
    item_model = Dispatch

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
