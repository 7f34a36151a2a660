"""The one shape of an action posted from a page: load the object (an audited 404 for a stranger),
bind the form, call the service, go back; a refusal shows the page again with the form as typed
(``refused_page``), or, where that page does not offer the form, goes back as messages.

Django's ``dispatch → has_permission() → handle_no_permission()``, for actions: ``get_object`` and
``get_item`` load what the URL names, ``perform`` calls the one service that may change it, and
``on_refused`` is the one hook for a refusal (audited through ``policies.record_refusal``). The
rules themselves are the rule book's: a view never decides who may act.
"""

from __future__ import annotations

from typing import ClassVar
from urllib.parse import urlsplit

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from registry import policies
from registry.errors import RegistryError, ValidationFailed
from registry.models import AuditAction, Document, Meeting
from registry.views.base import RefusedForm, RegistryView, errors_summary, safe_next

NOT_FOUND = gettext_lazy("No such document, or you have no need to know it.")
NO_SUCH_ITEM = gettext_lazy("No such item on this document.")
NO_SUCH_PAGE = gettext_lazy("There is no such page, or it is not for you.")
MEETING_NOT_FOUND = gettext_lazy("No such meeting, or you have no need to know it.")


class ActionView(RegistryView, View):
    """One action, by POST only (a GET answers 405). Subclasses say how the object is loaded."""

    http_method_names: ClassVar[list[str]] = ["post"]
    action = ""  # the audit's purpose, and the rule's name where the view refuses on its own
    form_class = None

    # --- hooks ---------------------------------------------------------------------------------

    def get_object(self, pk):
        """The document, meeting or record the URL names (or an audited 404)."""
        raise NotImplementedError

    def get_item(self, obj, item):
        """The row of ``obj`` the URL names, if any (or an audited 404)."""
        return None

    def form_kwargs(self, obj, row) -> dict:
        return {}

    def perform(self, obj, row, form) -> str:
        """Call the service; return the message that says what happened."""
        raise NotImplementedError

    def may_see(self, obj) -> bool:
        """Whether a refusal may be explained to this person, or must look like "no such thing"."""
        return True

    def audited_document(self, obj, row) -> Document | None:
        """The document an audit of a refusal names."""
        return None

    def success_url(self, obj) -> str:
        raise NotImplementedError

    def back_url(self, obj) -> str:
        """The page the form was posted from, if it is one of ours; else the object's page."""
        return safe_next(self.request) or self.success_url(obj)

    # --- the one skeleton ----------------------------------------------------------------------

    def post(self, request, pk, item=None):
        obj = self.get_object(pk)
        row = self.get_item(obj, item)
        form = self.form_class(request.POST, **self.form_kwargs(obj, row))
        if not form.is_valid():
            if not self.may_see(obj):
                self.refuse_stranger(obj, row, _("The form was not filled in correctly."))
            self.record_refusal(obj, row, errors_summary(form), rule="input")
            shown = self.refused_page(obj, row)
            if shown is not None:
                return shown
            self.form_messages(form)
            return redirect(self.back_url(obj))
        try:
            done = self.perform(obj, row, form)
        except RegistryError as error:
            return self.on_refused(obj, row, error)
        messages.success(request, done)
        return redirect(self.after_url(obj))

    def after_url(self, obj) -> str:
        return self.back_url(obj)

    def form_messages(self, form) -> None:
        """Each of the form's errors as a message naming its field."""
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            for error in errors:
                text = _("%(field)s: %(error)s") % {"field": label, "error": error} if label else error
                messages.error(self.request, text)

    def on_refused(self, obj, row, error: RegistryError):
        """A refusal: an audited 404 for a stranger; otherwise audited and shown as messages, the
        whole list of problems when there are several."""
        if not self.may_see(obj):
            self.refuse_stranger(obj, row, error.message, rule=error.rule)
        rule = error.rule or ("input" if isinstance(error, ValidationFailed) else "")
        self.record_refusal(obj, row, error.message, rule=rule)
        shown = self.refused_page(obj, row, error)
        if shown is not None:
            return shown
        messages.error(self.request, str(error.message))
        for texts in error.field_errors.values():
            for text in texts[1:] if len(texts) > 1 else ():
                messages.error(self.request, str(text))
        return redirect(self.back_url(obj))

    def refused_page(self, obj, row, error: RegistryError | None = None):
        """The page the form was posted from, shown again with this form bound to what was typed
        and its errors beside the fields (status 400), when that page offers the form; else None,
        and the refusal goes back as messages.

        The page is found by its URL (``next``), and shows the form if its view has
        ``render_refused``: no view module needs to know another.
        """
        path = urlsplit(self.back_url(obj)).path
        try:
            match = resolve(path)
        except Resolver404:
            return None
        view_class = getattr(match.func, "view_class", None)
        if view_class is None or not hasattr(view_class, "render_refused"):
            return None
        refused = RefusedForm(self.action, row.pk if row is not None else None, self.request.POST, error, target=obj)
        view = view_class()
        view.setup(self.request, *match.args, **match.kwargs)
        response = view.render_refused(refused, here=path)
        if response is None or not refused.placed:
            return None
        response.status_code = 400
        return response

    def refuse_stranger(self, obj, row, reason, *, rule: str = ""):
        """A person who may not know the object learns nothing about it: audit, then 404."""
        self.record_refusal(obj, row, reason, rule=rule)
        raise Http404(self.not_found)

    not_found = NO_SUCH_PAGE

    def record_refusal(self, obj, row, reason, *, rule: str = "", action=AuditAction.ACTION_REFUSED) -> None:
        policies.record_refusal(
            self.request.user,
            purpose=self.action,
            rule=rule,
            document=self.audited_document(obj, row),
            target=row if row is not None else (obj if not isinstance(obj, Document) else None),
            reason=str(reason),
            action=action,
        )

    def refuse_item(self, obj, item, message):
        """A row the URL names that is not the object's (another document's, or none): the refused
        access is audited, and the answer is 404."""
        self.record_refusal(obj, None, message, rule="item_of_object", action=AuditAction.ACCESS_DENIED)
        raise Http404(message)


class DocumentActionView(ActionView):
    """An action on a document or on one of its rows.

    ``load``: ``"known"`` loads the document through the one object check (a person without
    need-to-know gets the audited 404 before anything runs); ``"register"`` needs the document in
    the person's register; ``"plain"`` loads it as it is (opening, routing, dispatch and the
    archive's work come before anyone there knows it) and the rule book decides, a refusal to a
    person outside the document's register being an audited 404 as well.
    ``item_model``: the model of the row the URL's ``item`` names; ``item_document``: the lookup
    from that row to its document.
    """

    load = "plain"
    item_model = None
    item_document = "document"
    not_found = NOT_FOUND

    def get_object(self, pk) -> Document:
        user = self.request.user
        if self.load == "known":
            return policies.visible_document_or_404(user, pk, purpose=self.action)
        document = Document.objects.filter(pk=pk).first()
        if document is None:
            policies.record_denied(user, pk, purpose=self.action)
            raise Http404(NOT_FOUND)
        if self.load == "register" and not self.may_see(document):
            self.refuse_stranger(document, None, _("Not in your register."), rule="read_register_entry")
        return document

    def get_item(self, document, item):
        if self.item_model is None:
            return None
        row = self.item_model.objects.filter(pk=item, **{self.item_document: document}).first()
        if row is None:
            self.refuse_item(document, item, NOT_FOUND if not self.may_see(document) else NO_SUCH_ITEM)
        return row

    def form_kwargs(self, document, row) -> dict:
        return {"document": document}

    def may_see(self, document) -> bool:
        """The document is in the person's register (which holds everything they know and what is
        routed to them)."""
        return policies.can_read_register_entry(self.request.user, document)

    def audited_document(self, document, row):
        return document

    def success_url(self, document) -> str:
        return document_url(self.request.user, document)

    def after_url(self, document) -> str:
        """Back to the page the form came from, unless the person can no longer read it there."""
        target = self.back_url(document)
        if target.startswith(f"/documents/{document.pk}/") and not policies.can_know(self.request.user, document):
            return document_url(self.request.user, document)
        return target


def document_url(user, document: Document) -> str:
    """The page of a document this person may open: the document, else its trail, else 待辦."""
    if policies.can_know(user, document):
        return reverse("registry:document_detail", kwargs={"pk": document.pk})
    if policies.can_read_trail(user, document):
        return reverse("registry:document_trail", kwargs={"pk": document.pk})
    return reverse("registry:dashboard")


class MeetingActionView(ActionView):
    """An action on a classified meeting, for people who know it (otherwise the audited 404).

    ``item_model``: the meeting's row the URL's ``item`` names (an attendee, a publication).
    """

    item_model = None
    not_found = MEETING_NOT_FOUND

    def get_object(self, pk) -> Meeting:
        return meeting_or_404(self.request.user, pk)

    def get_item(self, meeting, item):
        if self.item_model is None:
            return None
        row = self.item_model.objects.filter(pk=item, meeting=meeting).first()
        if row is None:
            self.refuse_item(meeting, item, _("No such item on this meeting."))
        return row

    def form_kwargs(self, meeting, row) -> dict:
        return {"meeting": meeting}

    def audited_document(self, meeting, row):
        return None

    def success_url(self, meeting) -> str:
        return reverse("registry:meeting_detail", kwargs={"pk": meeting.pk})

    def after_url(self, meeting) -> str:
        """Back to the meeting page while the person still knows the meeting, else the list."""
        if policies.can_know_meeting(self.request.user, meeting):
            return self.back_url(meeting)
        return reverse("registry:meeting_list")


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
        policies.record_refusal(user, purpose="meeting", requested=pk, action=AuditAction.ACCESS_DENIED)
        raise Http404(MEETING_NOT_FOUND)
    return meeting


class RecordActionView(ActionView):
    """An action on a record that is not a document (a destruction inventory, a party's request).

    ``required_roles`` gates the page; ``records()`` is what the person may see, and a record
    outside it is an audited 404 as well.
    """

    def records(self):
        raise NotImplementedError

    def get_object(self, pk):
        record = self.records().filter(pk=pk).first()
        if record is None:
            policies.record_refusal(
                self.request.user, purpose=f"{self.action} {pk}", requested=pk, action=AuditAction.ACCESS_DENIED
            )
            raise Http404(NO_SUCH_PAGE)
        return record
