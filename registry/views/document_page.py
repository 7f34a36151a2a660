"""The document page and the register entry with its trail, built once from the rule book.

``document_page(request, document, known=...)`` is the whole context of both pages: the fields and
the trail (``registry.selectors``), and a form for exactly the actions ``document_permissions``
(and, row by row, the rule book's ``can_*``) allows this person now. Nothing here decides who may
do what.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.views import View

from registry import audit, policies, selectors
from registry.forms import (
    ArchiveHandoverForm,
    ArchiveReceiveForm,
    BeginHandlingForm,
    CancelForm,
    CopyPassForm,
    CopyRecallForm,
    CopyReturnForm,
    DeclassEventForm,
    DispatchForm,
    DispatchReceiptForm,
    DistributionDecideForm,
    DistributionRequestForm,
    GrantRevokeForm,
    LoanDecideForm,
    LoanRequestForm,
    NoticeToldForm,
    OpenForm,
    ReclassifyForm,
    ReproductionDecideForm,
    ReproductionRequestForm,
    ReviewForm,
    RouteForm,
    SignForForm,
)
from registry.middleware import is_after_action
from registry.models import AuditAction, Decision, DispatchState, Document, DocumentState, LoanState
from registry.policies.destruction import INVENTORY_ROLES
from registry.views.actions import NOT_FOUND
from registry.views.base import RegistryView, ids

# The handling path's actions, in the order the page shows their forms; each posts to the URL
# named "registry:document_<action>".
HANDLING_FORMS = {
    "open": OpenForm,
    "route": RouteForm,
    "sign_for": SignForForm,
    "begin_handling": BeginHandlingForm,
    "cancel": CancelForm,
}
ARCHIVE_STATES = (DocumentState.TO_ARCHIVE, DocumentState.ARCHIVED, DocumentState.ON_LOAN)


def document_page(request, document: Document, *, known: bool) -> dict:
    """Everything the document page (``known``) or the register entry shows this person."""
    user = request.user
    perms = policies.document_permissions(user, document)
    context = {
        "document": document,
        "known": known,
        "perms": perms,
        "steps": selectors.document_steps(document),
        "action_forms": [
            (name, form_class(document=document)) for name, form_class in HANDLING_FORMS.items() if perms[name]
        ],
    }
    context.update(_copies(user, document, perms))
    if known:
        context.update(_distribution(user, document, perms))
    context.update(_dispatch(user, document, perms))
    context.update(_archive(user, document, perms, known=known))
    context.update(_declassification(user, document, perms, known=known))
    context.update(_destruction(user, document))
    return context


def _copies(user, document, perms) -> dict:
    copies = selectors.document_copies(document)
    rows = [
        {
            "copy": c,
            "may_sign": policies.can_sign_for_copy(user, c),
            "pass_form": CopyPassForm(document=document, user=user, auto_id=ids("pass", c.pk))
            if policies.can_pass_copy(user, c)
            else None,
            "return_form": CopyReturnForm(document=document, auto_id=ids("ret", c.pk))
            if policies.can_return_copy(user, c)
            else None,
        }
        for c in copies
    ]
    return {
        "copies": copies,
        "copies_total": len(copies),
        "my_copies": [c for c in copies if c.state == "held" and c.holder_id == user.pk],
        "outstanding": [c for c in copies if c.outstanding],
        "may_manage_copies": perms["manage_copies"],
        "recall_form": CopyRecallForm(document=document) if perms["recall_copies"] else None,
        "copy_rows": rows,
    }


def _distribution(user, document, perms) -> dict:
    recipients = selectors.distribution_recipients(document)
    reproductions = selectors.reproduction_requests(document)
    pending = [
        (r, DistributionDecideForm(document=document, auto_id=ids("rcp", r.pk)) if policies.can_decide_distribution(user, r) else None)
        for r in recipients
        if r.decision == Decision.PENDING
    ]
    pending_reproductions = [
        (r, ReproductionDecideForm(document=document, auto_id=ids("rep", r.pk)) if policies.can_decide_reproduction(user, r) else None)
        for r in reproductions
        if r.decision == Decision.PENDING
    ]
    grants = [
        (g, GrantRevokeForm(document=document, auto_id=ids("grant", g.pk)) if policies.can_revoke_grant(user, g) else None)
        for g in selectors.live_grants(document)
    ]
    return {
        "may_decide": perms["decide"],
        "request_form": DistributionRequestForm(document=document, user=user) if perms["request_distribution"] else None,
        "reproduction_form": ReproductionRequestForm(document=document) if perms["request_reproduction"] else None,
        "pending_recipients": pending,
        "decided_recipients": [r for r in recipients if r.decision != Decision.PENDING],
        "pending_reproductions": pending_reproductions,
        "decided_reproductions": [r for r in reproductions if r.decision != Decision.PENDING],
        "grants": grants,
    }


def _dispatch(user, document, perms) -> dict:
    dispatches = selectors.document_dispatches(document)
    return {
        "may_dispatch": perms["dispatch"] or any(policies.can_record_receipt(user, d) for d in dispatches),
        "dispatch_form": DispatchForm(document=document) if perms["dispatch"] else None,
        "dispatches": [
            (
                d,
                DispatchReceiptForm(document=document, auto_id=ids("rcpt", d.pk))
                if d.state == DispatchState.SENT and policies.can_record_receipt(user, d)
                else None,
            )
            for d in dispatches
        ],
    }


def _archive(user, document, perms, *, known: bool) -> dict:
    loans = selectors.document_loans(document)
    rows = [
        {
            "loan": loan,
            "show_reason": known or perms["decide"] or loan.borrower_id == user.pk,
            "decide_form": LoanDecideForm(document=document, auto_id=ids("loan", loan.pk))
            if policies.can_decide_loan(user, loan)
            else None,
            "may_lend": policies.can_lend(user, loan),
            "may_take_back": policies.can_take_back(user, loan),
        }
        for loan in loans
    ]
    context = {
        "archive_handover_form": ArchiveHandoverForm(document=document) if perms["hand_over"] else None,
        "archive_receive_form": ArchiveReceiveForm(document=document) if perms["file"] else None,
        "loan_request_form": LoanRequestForm(document=document) if perms["request_loan"] else None,
        "loan_rows": rows,
        "may_decide_loans": perms["decide"],
        "later_trail": list(selectors.later_life_trail(document)),
        "open_loan_states": (LoanState.REQUESTED, LoanState.APPROVED, LoanState.LENT),
    }
    context["show_archive"] = bool(
        document.storage_location_id
        or rows
        or context["archive_handover_form"]
        or context["archive_receive_form"]
        or context["loan_request_form"]
        or document.state in ARCHIVE_STATES
    )
    return context


def _declassification(user, document, perms, *, known: bool) -> dict:
    decisions = selectors.classification_decisions(document)
    by_decision: dict[int, list] = {}
    for notice in selectors.change_notices(document):
        form = (
            NoticeToldForm(document=document, auto_id=ids("notice", notice.pk))
            if policies.can_mark_notice_told(user, notice)
            else None
        )
        by_decision.setdefault(notice.decision_id, []).append((notice, form))
    context = {
        "declass_event_form": DeclassEventForm(document=document) if perms["record_declass_event"] else None,
        "review_form": ReviewForm(document=document) if perms["record_review"] else None,
        "reclassify_form": ReclassifyForm(document=document) if perms["reclassify"] else None,
        "decision_rows": [
            {
                "decision": d,
                "notices": by_decision.get(d.pk, []),
                "old_label": d.old_level_label,
                "new_label": d.new_level_label,
            }
            for d in decisions
        ],
        "show_decision_reasons": known or perms["review"],
        "reviews": selectors.document_reviews(document),
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


def _destruction(user, document) -> dict:
    inventories = selectors.document_inventories(document)
    return {
        "destruction_lists": inventories,
        "may_open_inventories": user.has_role(*INVENTORY_ROLES),
        "show_destruction": bool(inventories) or document.state == DocumentState.DESTROYED,
    }


class DocumentDetailView(RegistryView, View):
    """The document page: only for people with need-to-know or custody; every read is audited,
    once per page the person asked for (not for the page an action redirects back to)."""

    template_name = "documents/document_detail.html"

    def get(self, request, pk):
        document = policies.visible_document_or_404(request.user, pk, purpose="view")
        # One read per page the person asked for: the page an action redirects back to is that
        # action's answer, already in the trail as the action itself.
        if not is_after_action(request):
            audit.record(action=AuditAction.DOCUMENT_VIEW, actor=request.user, document=document, details={})
        return render(request, self.template_name, document_page(request, document, known=True))


class DocumentTrailView(RegistryView, View):
    """The register entry and handling trail: metadata for whoever ``policies.can_read_trail``
    allows; the subject and notes only with need-to-know."""

    template_name = "documents/document_trail.html"

    def get(self, request, pk):
        document = Document.objects.filter(pk=pk).first()
        if document is None or not policies.can_read_trail(request.user, document):
            policies.record_denied(request.user, pk, purpose="trail")
            raise Http404(NOT_FOUND)
        if not is_after_action(request):
            audit.record(action=AuditAction.DOCUMENT_TRAIL_VIEW, actor=request.user, document=document, details={})
        known = policies.can_know(request.user, document)
        return render(request, self.template_name, document_page(request, document, known=known))
