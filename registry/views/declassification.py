"""Declassification, change of level and the yearly review from the document page, and the list of
what is due (解密、變更、定期檢討).

Every change goes through ``registry.services.declassification``. The list pages show only what the
person's register reaches, the subject masked unless they have need-to-know.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from registry.forms import DeclassEventForm, NoticeToldForm, ReclassifyForm, ReviewForm
from registry.models import DecisionKind, ReclassificationNotice
from registry.roles import Role
from registry.selectors.declassification import due_declassifications, due_reviews
from registry.services import declassification as services
from registry.views.actions import DocumentActionView
from registry.views.base import RegistryView

LIST_LIMIT = 200


class DeclassEventView(DocumentActionView):
    action = "declass_event"
    form_class = DeclassEventForm

    def perform(self, document, row, form):
        services.declass_event_record(
            document=document,
            actor=self.request.user,
            happened_on=form.cleaned_data["happened_on"],
            note=form.cleaned_data["note"],
        )
        return _("The declassifying event of %(number)s is recorded; the document is due for declassification.") % {
            "number": document.number
        }


class ReviewRecordView(DocumentActionView):
    action = "review_record"
    form_class = ReviewForm

    def perform(self, document, row, form):
        services.review_record(
            document=document, actor=self.request.user, outcome=form.cleaned_data["outcome"], note=form.cleaned_data["note"]
        )
        return _("Review of %(number)s recorded.") % {"number": document.number}


class ReclassifyView(DocumentActionView):
    action = "reclassify"
    form_class = ReclassifyForm

    def perform(self, document, row, form):
        data = form.cleaned_data
        decision = services.reclassify(
            document=document,
            actor=self.request.user,
            kind=data["kind"],
            reason=data["reason"],
            authority=data["authority"],
            new_level=data["new_level"],
            new_protection_years=data["new_protection_years"],
            agency=data["agency"],
            agency_decided_on=data["agency_decided_on"],
            agency_ref=data["agency_ref"],
            agency_is_superior=data["agency_is_superior"],
        )
        count = decision.notices.count()
        if decision.kind == DecisionKind.DECLASSIFY:
            text = _("%(number)s declassified.") % {"number": document.number}
        else:
            text = _("The level of %(number)s was changed.") % {"number": document.number}
        return text + " " + _("Change notices owed: %(count)d.") % {"count": count}


class NoticeToldView(DocumentActionView):
    action = "notice_told"
    form_class = NoticeToldForm
    item_model = ReclassificationNotice
    item_document = "decision__document"

    def perform(self, document, row, form):
        notice = services.notice_mark_told(notice=row, actor=self.request.user, method=form.cleaned_data["method"])
        return _("The notice to %(person)s is recorded as given.") % {"person": notice.recipient.display_name}


class DeclassificationView(RegistryView, TemplateView):
    """解密與檢討: what is due for declassification and for the yearly review."""

    template_name = "declassification/declassification.html"
    required_roles = (Role.ARCHIVIST, Role.SUPERVISOR, Role.ETHICS)
    denied_purpose = "declassification"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        related = ("responsible_unit",)
        context.update(
            due=list(due_declassifications(user).select_related(*related).order_by("declass_due_on", "pk")[:LIST_LIMIT]),
            reviews=list(due_reviews(user).select_related(*related).order_by("last_reviewed_on", "pk")[:LIST_LIMIT]),
            limit=LIST_LIMIT,
        )
        return context
