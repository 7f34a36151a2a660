"""Restricted distribution (限制分發) on the document page: requests and decisions, numbered copies,
copying and publication, and the live need-to-know grants.

Every change goes through ``registry.services.distribution``; these views only load what the person
may see, read the form, and put the service's refusal back as a message.
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from registry import policies
from registry.errors import NotPermitted, RegistryError
from registry.forms import (
    CopyPassForm,
    CopyRecallForm,
    CopyReturnForm,
    CopySignForForm,
    DispatchForm,
    DispatchReceiptForm,
    DistributionDecideForm,
    DistributionRequestForm,
    GrantRevokeForm,
    ReproductionDecideForm,
    ReproductionRequestForm,
)
from registry.models import (
    CopyState,
    Decision,
    Dispatch,
    DispatchState,
    DistributionRecipient,
    Document,
    DocumentCopy,
    NeedToKnowGrant,
    ReproductionRequest,
)
from registry.roles import Role
from registry.services import dispatch as dispatch_services
from registry.services import distribution as services
from registry.views.documents import NOT_FOUND, DocumentActionView, document_url


def _may(check, *args) -> bool:
    """Whether a service's permission check lets the person through (used only to offer buttons)."""
    try:
        check(*args)
    except NotPermitted:
        return False
    return True


def _ids(prefix: str, pk: int) -> str:
    """Distinct element ids for one row's form, so every label names its own field."""
    return f"id_{prefix}{pk}_%s"


def distribution_context(request, document: Document, *, known: bool) -> dict:
    """What the distribution, copies, copying, grants and dispatch sections show this person."""
    user = request.user
    context: dict = {}
    copies = list(DocumentCopy.objects.filter(document=document).select_related("holder").order_by("number"))
    may_manage = services._may_manage_copies(document, user)
    context.update(
        copies=copies,
        copies_total=len(copies),
        my_copies=[c for c in copies if c.state == CopyState.HELD and c.holder_id == user.pk],
        outstanding=[c for c in copies if c.outstanding],
        may_manage_copies=may_manage,
        recall_form=CopyRecallForm(document=document) if may_manage else None,
        return_forms={c.pk: CopyReturnForm(document=document, auto_id=_ids("ret", c.pk)) for c in copies
                      if may_manage and c.state == CopyState.HELD},
    )
    context["pass_forms"] = {
        c.pk: CopyPassForm(document=document, user=user, auto_id=_ids("pass", c.pk)) for c in context["my_copies"]
    }
    context["copy_rows"] = [
        {"copy": c, "pass_form": context["pass_forms"].get(c.pk), "return_form": context["return_forms"].get(c.pk)}
        for c in copies
    ]
    if known:
        may_decide = _may(services.require_deciding_supervisor, document, user)
        recipients = DistributionRecipient.objects.filter(request__document=document).select_related(
            "user", "request__requested_by", "decided_by", "copy"
        ).order_by("request__requested_at", "pk")
        pending = [r for r in recipients if r.decision == Decision.PENDING]
        reproductions = ReproductionRequest.objects.filter(document=document).select_related(
            "requested_by", "decided_by", "copy"
        ).order_by("requested_at", "pk")
        now = timezone.now()
        grants = (
            NeedToKnowGrant.objects.filter(document=document, ended_at__isnull=True)
            .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
            .select_related("user", "granted_by")
            .order_by("granted_at", "pk")
        )
        is_handler = user.has_role(Role.HANDLER)
        context.update(
            may_decide=may_decide,
            may_request=is_handler,
            request_form=DistributionRequestForm(document=document, user=user) if is_handler else None,
            reproduction_form=ReproductionRequestForm(document=document) if is_handler else None,
            pending_recipients=[
                (r, DistributionDecideForm(document=document, auto_id=_ids("rcp", r.pk)) if may_decide else None)
                for r in pending
            ],
            decided_recipients=[r for r in recipients if r.decision != Decision.PENDING],
            pending_reproductions=[
                (r, ReproductionDecideForm(document=document, auto_id=_ids("rep", r.pk)) if may_decide else None)
                for r in reproductions
                if r.decision == Decision.PENDING
            ],
            decided_reproductions=[r for r in reproductions if r.decision != Decision.PENDING],
            grants=[
                (g, GrantRevokeForm(document=document, auto_id=_ids("grant", g.pk)) if may_decide else None)
                for g in grants
            ],
        )
    may_dispatch = user.has_role(Role.CLERK) and _may(dispatch_services._require_dispatching_clerk, document, user)
    dispatches = list(
        Dispatch.objects.filter(document=document).select_related("dispatched_by", "copy").order_by("-dispatched_at")
    )
    context.update(
        may_dispatch=may_dispatch,
        dispatch_form=DispatchForm(document=document) if may_dispatch else None,
        dispatches=[
            (
                d,
                DispatchReceiptForm(document=document, auto_id=_ids("rcpt", d.pk))
                if may_dispatch and d.state == DispatchState.SENT
                else None,
            )
            for d in dispatches
        ],
    )
    return context


class RestrictedActionView(DocumentActionView):
    """One distribution or dispatch action, by POST only (a GET answers 405).

    ``known_only``: the document is loaded through the one object check, so a person without
    need-to-know gets the audited 404 before anything else happens. Otherwise (recall, take back,
    dispatch: the unit's clerk may not know the document) it is loaded plainly and the service
    decides; a refusal to a person outside the document's register is an audited 404 as well.
    """

    form_class = None
    known_only = True
    target_model = None

    def load(self, pk):
        if self.known_only:
            return policies.visible_document_or_404(self.request.user, pk, purpose=self.action)
        return Document.objects.filter(pk=pk).first()

    def target(self, document, item):
        """The row the URL names, which must belong to the document."""
        if self.target_model is None:
            return None
        row = self.target_model.objects.filter(pk=item, document=document).first()
        if row is None:
            if not self.may_see(document):
                self.refuse_stranger(document, "unknown item")
            raise Http404(_("No such item on this document."))
        return row

    def form_kwargs(self) -> dict:
        return {}

    def post(self, request, pk, item=None):
        document = self.load(pk)
        if document is None:
            policies.record_denied(request.user, pk, purpose=self.action)
            raise Http404(NOT_FOUND)
        row = self.target(document, item)
        form = self.form_class(request.POST, document=document, **self.form_kwargs())
        if not form.is_valid():
            if not self.may_see(document):
                return self.refuse_stranger(document, _("The form was not filled in correctly."))
            for name, errors in form.errors.items():
                label = form.fields[name].label if name in form.fields else ""
                for error in errors:
                    text = _("%(field)s: %(error)s") % {"field": label, "error": error} if label else error
                    messages.error(request, text)
            return redirect(self.back(document))
        try:
            done = self.perform(document, row, form)
        except RegistryError as error:
            return self.refused(document, error)
        messages.success(request, done)
        return redirect(self.after(document))

    def after(self, document):
        """Back to the page the form came from, unless the person can no longer read it."""
        target = self.back(document)
        detail = document_url(self.request.user, document)
        if target.startswith(f"/documents/{document.pk}/") and not policies.can_know(self.request.user, document):
            return detail
        return target

    def perform(self, document, row, form) -> str:
        raise NotImplementedError


class DistributionRequestView(RestrictedActionView):
    action = "distribution_request"
    form_class = DistributionRequestForm

    def form_kwargs(self):
        return {"user": self.request.user}

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


class DistributionDecideView(RestrictedActionView):
    action = "distribution_decide"
    form_class = DistributionDecideForm

    def target(self, document, item):
        row = DistributionRecipient.objects.filter(pk=item, request__document=document).select_related("user").first()
        if row is None:
            raise Http404(_("No such item on this document."))
        return row

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


class CopySignForView(RestrictedActionView):
    action = "copy_sign_for"
    form_class = CopySignForForm
    target_model = DocumentCopy

    def perform(self, document, row, form):
        copy = services.copy_sign_for(copy=row, actor=self.request.user)
        return _("You signed for copy %(n)d.") % {"n": copy.number}


class CopyPassView(RestrictedActionView):
    action = "copy_pass"
    form_class = CopyPassForm
    target_model = DocumentCopy

    def form_kwargs(self):
        return {"user": self.request.user}

    def perform(self, document, row, form):
        copy = services.copy_pass(
            copy=row, actor=self.request.user, to_user=form.cleaned_data["to_user"], note=form.cleaned_data["note"]
        )
        return _("Copy %(n)d passed on to %(person)s.") % {"n": copy.number, "person": copy.holder.display_name}


class CopyRecallView(RestrictedActionView):
    action = "copy_recall"
    form_class = CopyRecallForm
    known_only = False

    def perform(self, document, row, form):
        copies = services.copy_recall(document=document, actor=self.request.user, reason=form.cleaned_data["reason"])
        return _("Recall asked for %(count)d copies.") % {"count": len(copies)}


class CopyReturnView(RestrictedActionView):
    action = "copy_return"
    form_class = CopyReturnForm
    known_only = False
    target_model = DocumentCopy

    def perform(self, document, row, form):
        copy = services.copy_return(copy=row, actor=self.request.user, note=form.cleaned_data["note"])
        return _("Copy %(n)d taken back.") % {"n": copy.number}


class ReproductionRequestView(RestrictedActionView):
    action = "reproduction_request"
    form_class = ReproductionRequestForm

    def perform(self, document, row, form):
        services.reproduction_request(
            document=document, actor=self.request.user, kind=form.cleaned_data["kind"], reason=form.cleaned_data["reason"]
        )
        return _("Request sent; it waits for the supervisor's decision.")


class ReproductionDecideView(RestrictedActionView):
    action = "reproduction_decide"
    form_class = ReproductionDecideForm
    target_model = ReproductionRequest

    def perform(self, document, row, form):
        request = services.reproduction_decide(
            request=row, actor=self.request.user, approve=form.approve, reason=form.cleaned_data["reason"]
        )
        if request.decision == Decision.APPROVED and request.copy_id:
            return _("Copying approved: copy %(n)d issued, marked 複製物.") % {"n": request.copy.number}
        if request.decision == Decision.APPROVED:
            return _("Request approved.")
        return _("Request refused.")


class GrantRevokeView(RestrictedActionView):
    action = "grant_revoke"
    form_class = GrantRevokeForm
    target_model = NeedToKnowGrant

    def perform(self, document, row, form):
        grant = services.grant_revoke(grant=row, actor=self.request.user, reason=form.cleaned_data["reason"])
        return _("The need-to-know of %(person)s was revoked.") % {"person": grant.user.display_name}

