"""The document page and the register entry with its trail, built once from the rule book.

``document_page(request, document, known=...)`` is the whole context of both pages: the fields and
the trail (``registry.selectors``), and a form for exactly the actions ``document_permissions``
(and, row by row, the rule book's ``can_*``) allows this person now. Nothing here decides who may
do what.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
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
from registry.views.base import PageForms, RefusedForm, RegistryView, anchor, ids

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

# What comes next on the handling path, by the document's state: the action (a name of the rule
# book's DOCUMENT_ACTIONS, whose rule says who may take it) and what it is. Where the path rests
# there is no action, only what may still happen.
NEXT_STEPS = {
    DocumentState.REGISTERED: ("open", _("The supervisor of the receiving unit opens it and instructs which unit handles it (拆閱批示).")),
    DocumentState.OPENED: ("route", _("A clerk of the receiving unit routes it to a designated handler of the instructed unit (分文).")),
    DocumentState.ROUTED: ("sign_for", _("The designated handler signs for it (簽收) and becomes its custodian.")),
    DocumentState.SIGNED: ("begin_handling", _("The handler who signed for it begins handling it (承辦).")),
    DocumentState.IN_HANDLING: ("hand_over", _("The handler handles it (distribution, dispatch) and, when done, hands it to the archive (送歸檔).")),
    DocumentState.TO_ARCHIVE: ("file", _("An archivist files it in a storage location for classified files (歸檔).")),
    DocumentState.ARCHIVED: (None, _("It is kept in the archive: it may be borrowed, is reviewed every year, and is declassified or destroyed when due.")),
    DocumentState.ON_LOAN: (None, _("It is on loan from the archive; the archivist takes it back when the borrower returns it.")),
    DocumentState.DESTROYED: (None, _("It has been destroyed. The register entry and its trail are kept for ever.")),
    DocumentState.CANCELLED: (None, _("The registration is cancelled; the number stays taken with its reason.")),
}

# Each document action: what the page calls it, and where its form is in the page's context
# (``action_forms`` for the handling path). Irreversible actions are offered last.
ACTION_LABELS = {
    "open": _("Open and instruct"),
    "route": _("Route to a handler"),
    "sign_for": _("Sign for"),
    "begin_handling": _("Begin handling"),
    "request_distribution": _("Request distribution"),
    "request_reproduction": _("Ask to copy or publish"),
    "recall_copies": _("Recall all copies"),
    "dispatch": _("Record a dispatch"),
    "hand_over": _("Hand to the archive"),
    "file": _("File in the archive"),
    "request_loan": _("Ask to borrow"),
    "record_declass_event": _("Record the declassifying event"),
    "record_review": _("Record the yearly review"),
    "reclassify": _("Declassify or change the level"),
    "cancel": _("Cancel the registration"),
}
ACTION_FORMS = {
    "request_distribution": "request_form",
    "request_reproduction": "reproduction_form",
    "recall_copies": "recall_form",
    "dispatch": "dispatch_form",
    "hand_over": "archive_handover_form",
    "file": "archive_receive_form",
    "request_loan": "loan_request_form",
    "record_declass_event": "declass_event_form",
    "record_review": "review_form",
    "reclassify": "reclassify_form",
}
IRREVERSIBLE = ("reclassify", "cancel")


def document_page(request, document: Document, *, known: bool, refused: RefusedForm | None = None, here: str = "") -> dict:
    """Everything the document page (``known``) or the register entry shows this person; with
    ``refused``, that form bound again to what was typed, with its errors."""
    user = request.user
    perms = policies.document_permissions(user, document)
    forms = PageForms(refused)
    context = {
        "document": document,
        "known": known,
        "perms": perms,
        "here": here or request.get_full_path(),
        "user_pk": user.pk,
        "steps": selectors.document_steps(document),
        "action_forms": [
            (name, forms.make(name, form_class, document=document))
            for name, form_class in HANDLING_FORMS.items()
            if perms[name]
        ],
    }
    context.update(_copies(user, document, perms, forms))
    if known:
        context.update(_distribution(user, document, perms, forms))
    context.update(_dispatch(user, document, perms, forms))
    context.update(_archive(user, document, perms, forms, known=known))
    context.update(_declassification(user, document, perms, forms, known=known))
    context.update(_destruction(user, document))
    context.update(_next_step(user, document, perms, context))
    context["open_sections"] = _open_sections(context)
    return context


def _open_sections(context) -> dict[str, bool]:
    """Which folded sections of the page start open: those holding this person's own work (or the
    form they were refused); the rest (history, grants, destruction) stay folded."""

    def some(*forms) -> bool:
        return any(form is not None for form in forms)

    def rows(key, *names) -> list:
        return [row[name] for row in context.get(key, ()) for name in names]

    return {
        "distribution": bool(context.get("may_decide"))
        or some(context.get("request_form"), *(f for _r, f in context.get("pending_recipients", ()))),
        "copies": bool(context["outstanding"])
        or some(context["recall_form"], *rows("copy_rows", "pass_form", "return_form"))
        or any(
            row["copy"].holder_id == context["user_pk"] and row["copy"].state == "held" and not row["copy"].signed_at
            for row in context["copy_rows"]
        ),
        "reproduction": some(context.get("reproduction_form"), *(f for _r, f in context.get("pending_reproductions", ()))),
        "grants": any(form is not None and form.errors for _g, form in context.get("grants", ())),
        "dispatch": some(context["dispatch_form"], *(f for _d, f in context["dispatches"])),
        "archive": some(
            context["archive_handover_form"],
            context["archive_receive_form"],
            context["loan_request_form"],
            *rows("loan_rows", "decide_form"),
        )
        or any(row["may_lend"] or row["may_take_back"] for row in context["loan_rows"]),
        "declass": some(
            context["declass_event_form"],
            context["review_form"],
            context["reclassify_form"],
            *(f for row in context["decision_rows"] for _n, f in row["notices"]),
        ),
        "destruction": context["document"].state == DocumentState.DESTROYED,
    }


def _next_step(user, document, perms, context) -> dict:
    """下一步: what happens next on the handling path and who does it (the rule book's answer for
    the people around the document), and this person's own work on the page, each a link to its
    form; irreversible actions last."""
    forms = dict(context["action_forms"])
    forms.update({name: context.get(key) for name, key in ACTION_FORMS.items()})
    mine = [
        {"label": ACTION_LABELS.get(name, name), "anchor": forms[name].anchor, "irreversible": name in IRREVERSIBLE}
        for name in sorted(policies.DOCUMENT_ACTIONS, key=lambda n: n in IRREVERSIBLE)
        if perms.get(name) and forms.get(name) is not None
    ]
    mine[:0] = _my_rows(user, context)
    action, text = NEXT_STEPS.get(document.state, (None, ""))
    who = []
    if action and not perms.get(action):
        rule = policies.DOCUMENT_ACTIONS[action]
        who = [person for person in selectors.people_around(document) if rule(person, document)][:3]
    return {
        "next_step": {
            "text": text,
            "action": ACTION_LABELS.get(action) if action else None,
            "yours": bool(action and perms.get(action)),
            "who": who,
            "mine": mine,
        }
    }


def _my_rows(user, context) -> list[dict]:
    """This person's work on the rows of the page: a copy to sign for, decisions waiting, loans
    to lend or take back, notices to mark."""
    rows = []
    for row in context.get("copy_rows", ()):
        copy = row["copy"]
        if copy.holder_id == user.pk and copy.state == "held" and not copy.signed_at:
            rows.append({"label": _("Sign for your copy"), "anchor": anchor("copy_sign_for", copy.pk)})
    for _recipient, form in context.get("pending_recipients", ()):
        if form is not None:
            rows.append({"label": _("Decide on distribution"), "anchor": form.anchor})
    for _item, form in context.get("pending_reproductions", ()):
        if form is not None:
            rows.append({"label": _("Decide on copying or publication"), "anchor": form.anchor})
    for row in context.get("loan_rows", ()):
        if row["decide_form"] is not None:
            rows.append({"label": _("Decide on a loan"), "anchor": row["decide_form"].anchor})
        if row["may_lend"]:
            rows.append({"label": _("Lend the document"), "anchor": anchor("loan_lend", row["loan"].pk)})
        if row["may_take_back"]:
            rows.append({"label": _("Take the document back"), "anchor": anchor("loan_return", row["loan"].pk)})
    for decision in context.get("decision_rows", ()):
        for notice, form in decision["notices"]:
            if form is not None and not notice.told_at:
                rows.append({"label": _("Tell an earlier recipient of the change"), "anchor": form.anchor})
    for _sent, form in context.get("dispatches", ()):
        if form is not None:
            rows.append({"label": _("Record the receipt"), "anchor": form.anchor})
    return rows


def _copies(user, document, perms, forms) -> dict:
    copies = selectors.document_copies(document)
    rows = [
        {
            "copy": c,
            "may_sign": policies.can_sign_for_copy(user, c),
            "pass_form": forms.make("copy_pass", CopyPassForm, c.pk, document=document, user=user, auto_id=ids("pass", c.pk))
            if policies.can_pass_copy(user, c)
            else None,
            "return_form": forms.make("copy_return", CopyReturnForm, c.pk, document=document, auto_id=ids("ret", c.pk))
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
        "recall_form": forms.make("copy_recall", CopyRecallForm, document=document) if perms["recall_copies"] else None,
        "copy_rows": rows,
    }


def _distribution(user, document, perms, forms) -> dict:
    recipients = selectors.distribution_recipients(document)
    reproductions = selectors.reproduction_requests(document)
    pending = [
        (r, forms.make("distribution_decide", DistributionDecideForm, r.pk, document=document, auto_id=ids("rcp", r.pk)) if policies.can_decide_distribution(user, r) else None)
        for r in recipients
        if r.decision == Decision.PENDING
    ]
    pending_reproductions = [
        (r, forms.make("reproduction_decide", ReproductionDecideForm, r.pk, document=document, auto_id=ids("rep", r.pk)) if policies.can_decide_reproduction(user, r) else None)
        for r in reproductions
        if r.decision == Decision.PENDING
    ]
    grants = [
        (g, forms.make("grant_revoke", GrantRevokeForm, g.pk, document=document, auto_id=ids("grant", g.pk)) if policies.can_revoke_grant(user, g) else None)
        for g in selectors.live_grants(document)
    ]
    return {
        "may_decide": perms["decide"],
        "request_form": forms.make("distribution_request", DistributionRequestForm, document=document, user=user) if perms["request_distribution"] else None,
        "reproduction_form": forms.make("reproduction_request", ReproductionRequestForm, document=document) if perms["request_reproduction"] else None,
        "pending_recipients": pending,
        "decided_recipients": [r for r in recipients if r.decision != Decision.PENDING],
        "pending_reproductions": pending_reproductions,
        "decided_reproductions": [r for r in reproductions if r.decision != Decision.PENDING],
        "grants": grants,
    }


def _dispatch(user, document, perms, forms) -> dict:
    dispatches = selectors.document_dispatches(document)
    return {
        "may_dispatch": perms["dispatch"] or any(policies.can_record_receipt(user, d) for d in dispatches),
        "dispatch_form": forms.make("dispatch_record", DispatchForm, document=document) if perms["dispatch"] else None,
        "dispatches": [
            (
                d,
                forms.make("dispatch_receipt", DispatchReceiptForm, d.pk, document=document, auto_id=ids("rcpt", d.pk))
                if d.state == DispatchState.SENT and policies.can_record_receipt(user, d)
                else None,
            )
            for d in dispatches
        ],
    }


def _archive(user, document, perms, forms, *, known: bool) -> dict:
    loans = selectors.document_loans(document)
    rows = [
        {
            "loan": loan,
            "show_reason": known or perms["decide"] or loan.borrower_id == user.pk,
            "decide_form": forms.make("loan_decide", LoanDecideForm, loan.pk, document=document, auto_id=ids("loan", loan.pk))
            if policies.can_decide_loan(user, loan)
            else None,
            "may_lend": policies.can_lend(user, loan),
            "may_take_back": policies.can_take_back(user, loan),
        }
        for loan in loans
    ]
    context = {
        "archive_handover_form": forms.make("archive_handover", ArchiveHandoverForm, document=document) if perms["hand_over"] else None,
        "archive_receive_form": forms.make("archive_receive", ArchiveReceiveForm, document=document) if perms["file"] else None,
        "loan_request_form": forms.make("loan_request", LoanRequestForm, document=document) if perms["request_loan"] else None,
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


def _declassification(user, document, perms, forms, *, known: bool) -> dict:
    decisions = selectors.classification_decisions(document)
    by_decision: dict[int, list] = {}
    for notice in selectors.change_notices(document):
        form = (
            forms.make("notice_told", NoticeToldForm, notice.pk, document=document, auto_id=ids("notice", notice.pk))
            if policies.can_mark_notice_told(user, notice)
            else None
        )
        by_decision.setdefault(notice.decision_id, []).append((notice, form))
    context = {
        "declass_event_form": forms.make("declass_event", DeclassEventForm, document=document) if perms["record_declass_event"] else None,
        "review_form": forms.make("review_record", ReviewForm, document=document) if perms["record_review"] else None,
        "reclassify_form": forms.make("reclassify", ReclassifyForm, document=document) if perms["reclassify"] else None,
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


def trail_page(request, document: Document, **kwargs) -> dict:
    """The register entry: the document page's context, its history open."""
    context = document_page(request, document, **kwargs)
    context["open_sections"].update(timeline=True, later_trail=True)
    return context


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

    def render_refused(self, refused: RefusedForm, *, here: str):
        """The page again, with the refused form bound to what was typed (a read, audited); None when
        this person may no longer read the document."""
        request = self.request
        document = Document.objects.filter(pk=self.kwargs["pk"]).first()
        if document is None or refused.target != document or not policies.can_know(request.user, document):
            return None
        context = document_page(request, document, known=True, refused=refused, here=here)
        if not refused.placed:
            return None
        audit.record(action=AuditAction.DOCUMENT_VIEW, actor=request.user, document=document, details={})
        return render(request, self.template_name, context)


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
        return render(request, self.template_name, trail_page(request, document, known=known))

    def render_refused(self, refused: RefusedForm, *, here: str):
        """The register entry again, with the refused form bound to what was typed; None when this
        person may no longer read it."""
        request = self.request
        document = Document.objects.filter(pk=self.kwargs["pk"]).first()
        if document is None or refused.target != document or not policies.can_read_trail(request.user, document):
            return None
        known = policies.can_know(request.user, document)
        context = trail_page(request, document, known=known, refused=refused, here=here)
        if not refused.placed:
            return None
        audit.record(action=AuditAction.DOCUMENT_TRAIL_VIEW, actor=request.user, document=document, details={})
        return render(request, self.template_name, context)
