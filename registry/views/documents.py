"""One document: register it, read it, read its handling trail, and act on it."""

from __future__ import annotations

from typing import ClassVar

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from registry import audit, policies, selectors
from registry.errors import NotPermitted, RegistryError
from registry.forms import (
    BeginHandlingForm,
    CancelForm,
    DocumentRegisterForm,
    OpenForm,
    RouteForm,
    SignForForm,
)
from registry.models import AuditAction, Document
from registry.roles import Role
from registry.services import documents as services
from registry.views.base import RegistryView, safe_next

NOT_FOUND = gettext_lazy("No such document, or you have no need to know it.")

# action name → its form; the order is the order of the forms on the page. Each action posts to
# the URL named "registry:document_<action>".
ACTION_FORMS = {
    "open": OpenForm,
    "route": RouteForm,
    "sign_for": SignForForm,
    "begin_handling": BeginHandlingForm,
    "cancel": CancelForm,
}


class DocumentRegisterView(RegistryView, View):
    """收文/發文登記: clerks only. A refusal re-renders the form with its messages on the fields."""

    template_name = "documents/document_register.html"
    required_roles = (Role.CLERK,)
    denied_purpose = "register"

    def get(self, request):
        return self.page(DocumentRegisterForm())

    def post(self, request):
        form = DocumentRegisterForm(request.POST)
        if form.is_valid():
            try:
                document = services.document_register(actor=request.user, **form.service_arguments())
            except RegistryError as error:
                form.add_service_error(error)
            else:
                messages.success(
                    request, _("Registered as %(number)s.") % {"number": document.number}
                )
                return redirect("registry:document_detail", pk=document.pk)
        return self.page(form)

    def page(self, form):
        return render(self.request, self.template_name, {"form": form})


def _page_context(request, document: Document, *, known: bool) -> dict:
    """What the document page and the trail page share: the steps and the forms the person may use."""
    offered = selectors.document_actions(request.user, document)
    forms = [
        (name, form_class(document=document))
        for name, form_class in ACTION_FORMS.items()
        if name in offered
    ]
    # The distribution, copies and dispatch sections and the later life's (archive, loans,
    # declassification, destruction) live in their own modules, which build on this one; imported
    # here to keep the dependency one-way at import time.
    from registry.views.archive import later_life_context
    from registry.views.distribution import distribution_context

    return {
        "document": document,
        "known": known,
        "steps": selectors.document_steps(document),
        "action_forms": forms,
        **distribution_context(request, document, known=known),
        **later_life_context(request, document, known=known),
    }


class DocumentDetailView(RegistryView, View):
    """The document page: only for people with need-to-know or custody; every read is audited."""

    template_name = "documents/document_detail.html"

    def get(self, request, pk):
        document = policies.visible_document_or_404(request.user, pk, purpose="view")
        audit.record(action=AuditAction.DOCUMENT_VIEW, actor=request.user, document=document, details={})
        return render(request, self.template_name, _page_context(request, document, known=True))


class DocumentTrailView(RegistryView, View):
    """The register entry and handling trail: metadata for whoever ``policies.may_read_trail``
    allows; the subject and notes only with need-to-know."""

    template_name = "documents/document_trail.html"

    def get(self, request, pk):
        document = Document.objects.filter(pk=pk).first()
        if document is None or not policies.may_read_trail(request.user, document):
            policies.record_denied(request.user, pk, purpose="trail")
            raise Http404(NOT_FOUND)
        audit.record(action=AuditAction.DOCUMENT_TRAIL_VIEW, actor=request.user, document=document, details={})
        known = policies.can_know(request.user, document)
        return render(request, self.template_name, _page_context(request, document, known=known))


def document_url(user, document: Document) -> str:
    """The page of a document this person may open: the document, else its trail, else 待辦."""
    if policies.can_know(user, document):
        return reverse("registry:document_detail", kwargs={"pk": document.pk})
    if policies.may_read_trail(user, document):
        return reverse("registry:document_trail", kwargs={"pk": document.pk})
    return reverse("registry:dashboard")


class DocumentActionView(RegistryView, View):
    """One action on one document, by POST only (a GET answers 405).

    Opening, routing, signing for and cancelling come before the person has need-to-know, so the
    document is loaded plainly and handed to the service, which checks the person and refuses.
    """

    http_method_names: ClassVar[list[str]] = ["post"]
    action = ""
    done_message = ""

    def load(self, pk) -> Document | None:
        return Document.objects.filter(pk=pk).first()

    def perform(self, document: Document, form) -> Document:
        raise NotImplementedError

    def post(self, request, pk):
        document = self.load(pk)
        if document is None:
            policies.record_denied(request.user, pk, purpose=self.action)
            raise Http404(NOT_FOUND)
        form = ACTION_FORMS[self.action](request.POST, document=document)
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
            document = self.perform(document, form)
        except RegistryError as error:
            return self.refused(document, error)
        messages.success(request, str(self.done_message) % {"number": document.number})
        if policies.can_know(request.user, document):
            return redirect("registry:document_detail", pk=document.pk)
        return redirect(self.back(document))

    def may_see(self, document: Document) -> bool:
        """Whether a refusal may be explained: the document is in the person's register (which
        includes everything they know and what is routed to them)."""
        return policies.register_for(self.request.user).filter(pk=document.pk).exists()

    def refused(self, document: Document, error: RegistryError):
        if not self.may_see(document):
            return self.refuse_stranger(document, error.message)
        if isinstance(error, NotPermitted):
            self.record_refusal(document, error.message)
        messages.error(self.request, str(error.message))
        return redirect(self.back(document))

    def refuse_stranger(self, document: Document, reason):
        """A person who may not know the document learns nothing about it: audit, then 404."""
        self.record_refusal(document, reason)
        raise Http404(NOT_FOUND)

    def record_refusal(self, document: Document, reason) -> None:
        audit.record(
            action=AuditAction.ACTION_REFUSED,
            actor=self.request.user,
            document=document,
            details={"action": self.action, "reason": str(reason)},
        )

    def back(self, document: Document) -> str:
        """The page the form was posted from, if it is ours; else the document's page."""
        return safe_next(self.request) or document_url(self.request.user, document)


class DocumentOpenView(DocumentActionView):
    action = "open"
    done_message = gettext_lazy("%(number)s opened and instructed.")

    def perform(self, document, form):
        return services.document_open(
            document=document,
            actor=self.request.user,
            instruction=form.cleaned_data["instruction"],
            handling_unit=form.cleaned_data["handling_unit"],
        )


class DocumentRouteView(DocumentActionView):
    action = "route"
    done_message = gettext_lazy("%(number)s routed.")

    def perform(self, document, form):
        return services.document_route(
            document=document,
            actor=self.request.user,
            handler=form.cleaned_data["handler"],
            note=form.cleaned_data["note"],
        )


class DocumentSignForView(DocumentActionView):
    action = "sign_for"
    done_message = gettext_lazy("%(number)s signed for: it is now in your custody.")

    def perform(self, document, form):
        return services.document_sign_for(document=document, actor=self.request.user, note=form.cleaned_data["note"])


class DocumentBeginHandlingView(DocumentActionView):
    action = "begin_handling"
    done_message = gettext_lazy("Handling of %(number)s has begun.")

    def load(self, pk) -> Document:
        # Only the custodian begins handling, and custody is need-to-know: the one object check.
        return policies.visible_document_or_404(self.request.user, pk, purpose=self.action)

    def perform(self, document, form):
        return services.document_begin_handling(document=document, actor=self.request.user)


class DocumentCancelView(DocumentActionView):
    action = "cancel"
    done_message = gettext_lazy("Registration %(number)s cancelled; the number stays taken.")

    def perform(self, document, form):
        return services.document_cancel(
            document=document, actor=self.request.user, reason=form.cleaned_data["reason"]
        )
