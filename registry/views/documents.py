"""Registering a document, and the actions of its handling path (open, route, sign for, handle,
cancel). The document page itself is ``registry.views.document_page``."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry import policies
from registry.forms import BeginHandlingForm, CancelForm, DocumentRegisterForm, OpenForm, RouteForm, SignForForm
from registry.models import Direction, Document
from registry.roles import Role
from registry.selectors import agency_names
from registry.services import documents as services
from registry.views.actions import DocumentActionView
from registry.views.base import FormPageView


class DocumentRegisterView(FormPageView):
    """收文/發文登記: clerks only. A refusal re-renders the form with its messages on the fields."""

    template_name = "documents/document_register.html"
    form_class = DocumentRegisterForm
    required_roles = (Role.CLERK,)
    denied_purpose = "register"

    def form_kwargs(self) -> dict:
        return {"direction": self.request.GET.get("direction", Direction.INCOMING)}

    def page(self, form):
        tabs = [(direction, label, direction == form.registered_direction) for direction, label in Direction.choices]
        context = {"form": form, "tabs": tabs, "agency_names": agency_names(self.request.user)}
        return render(self.request, self.template_name, context)

    def perform(self, form):
        document = services.document_register(actor=self.request.user, **form.service_arguments())
        messages.success(self.request, _("Registered as %(number)s.") % {"number": document.number})
        return redirect("registry:document_detail", pk=document.pk)


class HandlingActionView(DocumentActionView):
    """An action of the handling path (registry:document_<action>). Opening, routing, signing for
    and cancelling come before the person has need-to-know, so the document is loaded plainly and
    the rule book decides; after it the person goes to the document if they now know it."""

    done_message = ""

    def perform(self, document, row, form):
        document = self.change(document, form)
        return str(self.done_message) % {"number": document.number}

    def change(self, document, form) -> Document:
        raise NotImplementedError

    def after_url(self, document) -> str:
        if policies.can_know(self.request.user, document):
            return reverse("registry:document_detail", kwargs={"pk": document.pk})
        return self.back_url(document)


class DocumentOpenView(HandlingActionView):
    action = "open"
    form_class = OpenForm
    done_message = gettext_lazy("%(number)s opened and instructed.")

    def change(self, document, form):
        return services.document_open(
            document=document,
            actor=self.request.user,
            instruction=form.cleaned_data["instruction"],
            handling_unit=form.cleaned_data["handling_unit"],
        )


class DocumentRouteView(HandlingActionView):
    action = "route"
    form_class = RouteForm
    done_message = gettext_lazy("%(number)s routed.")

    def change(self, document, form):
        return services.document_route(
            document=document,
            actor=self.request.user,
            handler=form.cleaned_data["handler"],
            note=form.cleaned_data["note"],
        )


class DocumentSignForView(HandlingActionView):
    action = "sign_for"
    form_class = SignForForm
    done_message = gettext_lazy("%(number)s signed for: it is now in your custody.")

    def change(self, document, form):
        return services.document_sign_for(document=document, actor=self.request.user, note=form.cleaned_data["note"])


class DocumentBeginHandlingView(HandlingActionView):
    action = "begin_handling"
    form_class = BeginHandlingForm
    # Only the custodian begins handling, and custody is need-to-know: the one object check.
    load = "known"
    done_message = gettext_lazy("Handling of %(number)s has begun.")

    def change(self, document, form):
        return services.document_begin_handling(document=document, actor=self.request.user)


class DocumentCancelView(HandlingActionView):
    action = "cancel"
    form_class = CancelForm
    done_message = gettext_lazy("Registration %(number)s cancelled; the number stays taken.")

    def change(self, document, form):
        return services.document_cancel(document=document, actor=self.request.user, reason=form.cleaned_data["reason"])
