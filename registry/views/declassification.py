"""Declassification, change of level and the yearly review on the document page, and the list of
what is due (解密、變更、定期檢討).

Every change goes through ``registry.services.declassification``. The list pages show only what the
person's register reaches, the subject masked unless they have need-to-know.
"""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from classification import DeclassKind, Level
from registry import policies, selectors
from registry.forms import DeclassEventForm, NoticeToldForm, ReclassifyForm, ReviewForm
from registry.models import (
    ClassificationDecision,
    DecisionKind,
    Document,
    ReclassificationNotice,
    ReviewRecord,
)
from registry.roles import Role
from registry.services import declassification as services
from registry.services.distribution import require_deciding_supervisor
from registry.views.archive import LaterLifeActionView
from registry.views.base import RegistryView
from registry.views.distribution import _ids, _may

LIST_LIMIT = 200
EVENT_KINDS = (DeclassKind.EVENT, DeclassKind.ATTACHMENT_REMOVED, DeclassKind.OTHER)


def _may_review(document: Document, user) -> bool:
    """The services' own check: an archivist, or the deciding supervisor."""
    return _may(services._require_reviewer, document, user)


def declassification_context(request, document: Document, *, known: bool) -> dict:
    """The declassification section: the event, the review, the decision, the notices."""
    user = request.user
    open_ = document.declassified_on is None and document.state not in services.CLOSED_STATES
    may_review = _may_review(document, user)
    may_decide = _may(require_deciding_supervisor, document, user)
    decisions = list(
        ClassificationDecision.objects.filter(document=document).select_related("decided_by").order_by("decided_at", "pk")
    )
    notices = ReclassificationNotice.objects.filter(decision__document=document).select_related(
        "recipient", "told_by", "copy"
    ).order_by("pk")
    by_decision: dict[int, list] = {}
    for notice in notices:
        form = (
            NoticeToldForm(document=document, auto_id=_ids("notice", notice.pk))
            if may_review and notice.told_at is None
            else None
        )
        by_decision.setdefault(notice.decision_id, []).append((notice, form))
    context = {
        "declass_event_form": DeclassEventForm(document=document)
        if may_review and open_ and document.declass_kind in EVENT_KINDS and document.declass_event_met_on is None
        else None,
        "review_form": ReviewForm(document=document)
        if may_review and open_ and document.level_enum.rule.is_classified
        else None,
        "reclassify_form": ReclassifyForm(document=document) if may_decide and open_ else None,
        "decision_rows": [
            {
                "decision": d,
                "notices": by_decision.get(d.pk, []),
                "old_label": Level(d.old_level).label,
                "new_label": Level(d.new_level).label if d.new_level else "",
            }
            for d in decisions
        ],
        "show_decision_reasons": known or may_review,
        "reviews": list(ReviewRecord.objects.filter(document=document).select_related("reviewed_by")),
    }
    context["show_declassification"] = bool(
        decisions
        or context["reviews"]
        or context["declass_event_form"]
        or context["review_form"]
        or context["reclassify_form"]
        or document.declassified_on
    )
    return context


class DeclassEventView(LaterLifeActionView):
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


class ReviewRecordView(LaterLifeActionView):
    action = "review_record"
    form_class = ReviewForm

    def perform(self, document, row, form):
        services.review_record(
            document=document, actor=self.request.user, outcome=form.cleaned_data["outcome"], note=form.cleaned_data["note"]
        )
        return _("Review of %(number)s recorded.") % {"number": document.number}


class ReclassifyView(LaterLifeActionView):
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
        )
        count = decision.notices.count()
        if decision.kind == DecisionKind.DECLASSIFY:
            text = _("%(number)s declassified.") % {"number": document.number}
        else:
            text = _("The level of %(number)s was changed.") % {"number": document.number}
        return text + " " + _("Change notices owed: %(count)d.") % {"count": count}


class NoticeToldView(LaterLifeActionView):
    action = "notice_told"
    form_class = NoticeToldForm

    def target(self, document, item):
        row = ReclassificationNotice.objects.filter(pk=item, decision__document=document).select_related("recipient").first()
        if row is None:
            if not self.may_see(document):
                self.refuse_stranger(document, "unknown item")
            raise Http404(_("No such item on this document."))
        return row

    def perform(self, document, row, form):
        notice = services.notice_mark_told(notice=row, actor=self.request.user, method=form.cleaned_data["method"])
        return _("The notice to %(person)s is recorded as given.") % {"person": notice.recipient.display_name}


# --- what is due ------------------------------------------------------------------------------------


def due_declassifications(user):
    """Documents due for declassification in the person's register (``known`` annotated)."""
    return policies.register_for(user).filter(pk__in=services.declassification_due().values("pk"))


def due_reviews(user):
    """Documents due for the yearly review in the person's register (``known`` annotated)."""
    return policies.register_for(user).filter(pk__in=services.reviews_due().values("pk"))


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


def dashboard_declassifications(user) -> dict:
    """The supervisor's dashboard: declassifications due in their units."""
    if not user.has_role(Role.SUPERVISOR) or not user.unit_id:
        return {}
    units = user.unit.descendant_ids()
    due = due_declassifications(user).filter(Q(responsible_unit_id__in=units) | Q(handling_unit_id__in=units))
    return {
        "declass_due": selectors.register_rows(due)[: selectors.DASHBOARD_LIMIT],
        "show_declass_due": True,
    }
