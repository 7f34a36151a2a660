"""Restricted distribution (限制分發) from the document page: requests and decisions, numbered
copies, copying and publication, and need-to-know grants.

Every change goes through ``registry.services.distribution``; these views say how the document and
the row are loaded, read the form, and report what happened.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from registry.forms import (
    CopyPassForm,
    CopyRecallForm,
    CopyReturnForm,
    CopySignForForm,
    DistributionDecideForm,
    DistributionRequestForm,
    GrantRevokeForm,
    ReproductionDecideForm,
    ReproductionRequestForm,
)
from registry.models import Decision, DistributionRecipient, DocumentCopy, NeedToKnowGrant, ReproductionRequest
from registry.services import distribution as services
from registry.views.actions import DocumentActionView


class DistributionRequestView(DocumentActionView):
    action = "distribution_request"
    form_class = DistributionRequestForm
    load = "known"

    def form_kwargs(self, document, row):
        return {"document": document, "user": self.request.user}

    def perform(self, document, row, form):
        request = services.distribution_request(
            document=document,
            actor=self.request.user,
            recipients=list(form.cleaned_data["recipients"]),
            reason=form.cleaned_data["reason"],
        )
        return _("Distribution to %(count)d people requested; it waits for the supervisor's decision.") % {
            "count": request.recipients.count()
        }


class DistributionDecideView(DocumentActionView):
    action = "distribution_decide"
    form_class = DistributionDecideForm
    load = "known"
    item_model = DistributionRecipient
    item_document = "request__document"

    def perform(self, document, row, form):
        recipient = services.distribution_decide(
            recipient=row,
            actor=self.request.user,
            approve=form.approve,
            reason=form.cleaned_data["reason"],
            expires_at=form.expires_at() if form.approve else None,
        )
        if recipient.decision == Decision.APPROVED:
            return _("Distribution to %(person)s approved: copy %(n)d issued.") % {
                "person": recipient.user.display_name,
                "n": recipient.copy.number,
            }
        return _("Distribution to %(person)s refused.") % {"person": recipient.user.display_name}


class CopySignForView(DocumentActionView):
    action = "copy_sign_for"
    form_class = CopySignForForm
    load = "known"
    item_model = DocumentCopy

    def perform(self, document, row, form):
        copy = services.copy_sign_for(copy=row, actor=self.request.user)
        return _("You signed for copy %(n)d.") % {"n": copy.number}


class CopyPassView(DocumentActionView):
    action = "copy_pass"
    form_class = CopyPassForm
    load = "known"
    item_model = DocumentCopy

    def form_kwargs(self, document, row):
        return {"document": document, "user": self.request.user}

    def perform(self, document, row, form):
        copy = services.copy_pass(
            copy=row, actor=self.request.user, to_user=form.cleaned_data["to_user"], note=form.cleaned_data["note"]
        )
        return _("Copy %(n)d passed on to %(person)s.") % {"n": copy.number, "person": copy.holder.display_name}


class CopyRecallView(DocumentActionView):
    """The unit's clerk or supervisor may recall copies of a document they do not know."""

    action = "copy_recall"
    form_class = CopyRecallForm

    def perform(self, document, row, form):
        copies = services.copy_recall(document=document, actor=self.request.user, reason=form.cleaned_data["reason"])
        return _("Recall asked for %(count)d copies.") % {"count": len(copies)}


class CopyReturnView(DocumentActionView):
    action = "copy_return"
    form_class = CopyReturnForm
    item_model = DocumentCopy

    def perform(self, document, row, form):
        copy = services.copy_return(copy=row, actor=self.request.user, note=form.cleaned_data["note"])
        return _("Copy %(n)d taken back.") % {"n": copy.number}


class ReproductionRequestView(DocumentActionView):
    action = "reproduction_request"
    form_class = ReproductionRequestForm
    load = "known"

    def perform(self, document, row, form):
        services.reproduction_request(
            document=document, actor=self.request.user, kind=form.cleaned_data["kind"], reason=form.cleaned_data["reason"]
        )
        return _("Request sent; it waits for the supervisor's decision.")


class ReproductionDecideView(DocumentActionView):
    action = "reproduction_decide"
    form_class = ReproductionDecideForm
    load = "known"
    item_model = ReproductionRequest

    def perform(self, document, row, form):
        request = services.reproduction_decide(
            request=row, actor=self.request.user, approve=form.approve, reason=form.cleaned_data["reason"]
        )
        if request.decision == Decision.APPROVED and request.copy_id:
            return _("Copying approved: copy %(n)d issued, marked 複製物.") % {"n": request.copy.number}
        if request.decision == Decision.APPROVED:
            return _("Request approved.")
        return _("Request refused.")


class GrantRevokeView(DocumentActionView):
    action = "grant_revoke"
    form_class = GrantRevokeForm
    load = "known"
    item_model = NeedToKnowGrant

    def perform(self, document, row, form):
        grant = services.grant_revoke(grant=row, actor=self.request.user, reason=form.cleaned_data["reason"])
        return _("The need-to-know of %(person)s was revoked.") % {"person": grant.user.display_name}
