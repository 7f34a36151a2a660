"""The archive (歸檔、借調) on the document page and the archive's own page.

Every change goes through ``registry.services.archive``; these views load what the person may see,
read the form, and put the service's refusal back as a message. The archivist keeps the paper but
knows no document by role: the archive's lists show storage metadata and mask the subject unless
the person has need-to-know (``policies.register_for`` and its ``known`` annotation).
"""

from __future__ import annotations

from typing import ClassVar

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from registry import audit, policies, selectors
from registry.errors import NotPermitted, RegistryError
from registry.forms import (
    ArchiveHandoverForm,
    ArchiveReceiveForm,
    LoanDecideForm,
    LoanLendForm,
    LoanRequestForm,
    LoanReturnForm,
)
from registry.models import (
    AuditAction,
    AuditEvent,
    Document,
    DocumentState,
    Loan,
    LoanState,
    StorageLocation,
)
from registry.roles import Role
from registry.services import archive as services
from registry.services.distribution import require_deciding_supervisor
from registry.views.base import RegistryView, paginate
from registry.views.dispatch import DashboardView as DispatchDashboardView
from registry.views.distribution import RestrictedActionView, _ids, _may

ARCHIVE_STATES = (DocumentState.TO_ARCHIVE, DocumentState.ARCHIVED, DocumentState.ON_LOAN)
OPEN_LOAN_STATES = (LoanState.REQUESTED, LoanState.APPROVED, LoanState.LENT)
LIST_LIMIT = 50

# The audit actions of a document's later life, shown on its pages as a second trail. The handling
# steps before it are HandlingStep rows; these steps are only in the audit chain.
LATER_LIFE_ACTIONS = (
    AuditAction.ARCHIVE_HANDOVER,
    AuditAction.ARCHIVE_RECEIVE,
    AuditAction.LOAN_REQUEST,
    AuditAction.LOAN_APPROVE,
    AuditAction.LOAN_REFUSE,
    AuditAction.LOAN_LEND,
    AuditAction.LOAN_RETURN,
    AuditAction.DECLASS_EVENT,
    AuditAction.REVIEW_RECORD,
    AuditAction.RECLASSIFY,
    AuditAction.NOTICE_TOLD,
    AuditAction.DOCUMENT_DESTROY,
    AuditAction.PARTY_REQUEST,
    AuditAction.PARTY_DECIDE,
    AuditAction.PARTY_READING,
)


def later_life_trail(document: Document):
    """The later-life events of a document, oldest first: what, when, who; never the details."""
    return (
        AuditEvent.objects.filter(document=document, action__in=LATER_LIFE_ACTIONS)
        .select_related("actor")
        .only("seq", "at", "action", "actor__username", "actor__full_name", "document_id")
        .order_by("seq")
    )


def archive_context(request, document: Document, *, known: bool) -> dict:
    """The archive section of a document's pages: hand-over, filing, loans."""
    from registry.views.declassification import declassification_context
    from registry.views.destruction import destruction_context

    user = request.user
    state = document.state
    is_archivist = user.has_role(Role.ARCHIVIST)
    may_decide = _may(require_deciding_supervisor, document, user)
    loans = list(
        Loan.objects.filter(document=document)
        .select_related("borrower", "decided_by", "lent_by", "received_by")
        .order_by("requested_at", "pk")
    )
    has_open_loan = any(loan.borrower_id == user.pk and loan.state in OPEN_LOAN_STATES for loan in loans)
    rows = []
    for loan in loans:
        rows.append(
            {
                "loan": loan,
                "show_reason": known or may_decide or loan.borrower_id == user.pk,
                "decide_form": LoanDecideForm(document=document, auto_id=_ids("loan", loan.pk))
                if may_decide and loan.state == LoanState.REQUESTED
                else None,
                "may_lend": is_archivist and loan.state == LoanState.APPROVED and state == DocumentState.ARCHIVED,
                "may_take_back": is_archivist and loan.state == LoanState.LENT,
            }
        )
    context = {
        "archive_handover_form": ArchiveHandoverForm(document=document)
        if user.has_role(Role.HANDLER)
        and document.custodian_id == user.pk
        and state in (DocumentState.SIGNED, DocumentState.IN_HANDLING)
        else None,
        "archive_receive_form": ArchiveReceiveForm(document=document)
        if is_archivist and state == DocumentState.TO_ARCHIVE
        else None,
        "loan_request_form": LoanRequestForm(document=document)
        if state in (DocumentState.ARCHIVED, DocumentState.ON_LOAN) and not is_archivist and not has_open_loan
        else None,
        "loan_rows": rows,
        "may_decide_loans": may_decide,
        "later_trail": list(later_life_trail(document)),
    }
    context["show_archive"] = bool(
        document.storage_location_id
        or rows
        or context["archive_handover_form"]
        or context["archive_receive_form"]
        or context["loan_request_form"]
        or state in ARCHIVE_STATES
    )
    context.update(declassification_context(request, document, known=known))
    context.update(destruction_context(request, document, known=known))
    return context


def later_life_context(request, document: Document, *, known: bool) -> dict:
    """Everything the document and trail pages show of the later life (merged in ``_page_context``)."""
    return archive_context(request, document, known=known)


class LaterLifeActionView(RestrictedActionView):
    """One later-life action on a document, by POST only (a GET answers 405).

    The document is loaded plainly (the archivist and the deciding supervisor need not know it) and
    the service decides; a refusal to a person outside the document's register is an audited 404.
    ``in_register_only``: the action is open to anyone the service allows, so a person must at
    least have the document in their register, or they get the audited 404 before anything runs.
    """

    known_only = False
    in_register_only = False

    def load(self, pk):
        document = super().load(pk)
        if document is not None and self.in_register_only and not self.may_see(document):
            self.refuse_stranger(document, "not in the register")
        return document


class ArchiveHandoverView(LaterLifeActionView):
    action = "archive_handover"
    form_class = ArchiveHandoverForm
    known_only = True

    def perform(self, document, row, form):
        document = services.archive_handover(document=document, actor=self.request.user, note=form.cleaned_data["note"])
        return _("%(number)s handed to the archive; it waits to be filed.") % {"number": document.number}


class ArchiveReceiveView(LaterLifeActionView):
    action = "archive_receive"
    form_class = ArchiveReceiveForm

    def perform(self, document, row, form):
        data = form.cleaned_data
        document = services.archive_receive(
            document=document,
            actor=self.request.user,
            location=data["location"],
            retention_years=data["retention_years"],
            class_number=data["class_number"],
        )
        return _("%(number)s filed in %(location)s.") % {
            "number": document.number,
            "location": document.storage_location.code,
        }


class LoanRequestView(LaterLifeActionView):
    action = "loan_request"
    form_class = LoanRequestForm
    in_register_only = True

    def perform(self, document, row, form):
        services.loan_request(document=document, actor=self.request.user, reason=form.cleaned_data["reason"])
        return _("Loan requested; it waits for the supervisor's decision.")


class LoanDecideView(LaterLifeActionView):
    action = "loan_decide"
    form_class = LoanDecideForm
    target_model = Loan

    def perform(self, document, row, form):
        loan = services.loan_decide(
            loan=row,
            actor=self.request.user,
            approve=form.approve,
            reason=form.cleaned_data["reason"],
            due_on=form.cleaned_data["due_on"] if form.approve else None,
        )
        if loan.state == LoanState.APPROVED:
            return _("Loan to %(person)s approved; the archive lends it.") % {"person": loan.borrower.display_name}
        return _("Loan to %(person)s refused.") % {"person": loan.borrower.display_name}


class LoanLendView(LaterLifeActionView):
    action = "loan_lend"
    form_class = LoanLendForm
    target_model = Loan

    def perform(self, document, row, form):
        loan = services.loan_lend(loan=row, actor=self.request.user)
        return _("%(number)s lent to %(person)s.") % {"number": document.number, "person": loan.borrower.display_name}


class LoanReturnView(LaterLifeActionView):
    action = "loan_return"
    form_class = LoanReturnForm
    target_model = Loan

    def perform(self, document, row, form):
        services.loan_return(loan=row, actor=self.request.user)
        return _("%(number)s is back in the archive.") % {"number": document.number}


def form_error_messages(request, form) -> None:
    """Each of a form's errors as a message naming its field (the form is not shown again)."""
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            messages.error(request, _("%(field)s: %(error)s") % {"field": label, "error": error} if label else error)


class RecordActionView(RegistryView, View):
    """One action on a record that is not a document (a destruction inventory, a party's request),
    by POST only (a GET answers 405).

    ``required_roles`` gates the page (others get the audited 404); ``records`` is what the person
    may see, and a record outside it is an audited 404 as well. The service decides the rest; its
    refusal comes back as a message, and a refusal of the person (NotPermitted) is audited.
    """

    http_method_names: ClassVar[list[str]] = ["post"]
    action = ""
    form_class = None

    def records(self):
        raise NotImplementedError

    def document_of(self, record):
        """The document the audit of a refusal names, if the record is about one (none here)."""

    def form_kwargs(self, record) -> dict:
        return {}

    def perform(self, record, form) -> str:
        raise NotImplementedError

    def success_url(self, record) -> str:
        raise NotImplementedError

    def post(self, request, pk):
        record = self.records().filter(pk=pk).first()
        if record is None:
            policies.record_denied(request.user, None, purpose=f"{self.action} {pk}")
            raise Http404(_("There is no such page, or it is not for you."))
        form = self.form_class(request.POST, **self.form_kwargs(record))
        if not form.is_valid():
            form_error_messages(request, form)
            return redirect(self.success_url(record))
        try:
            done = self.perform(record, form)
        except RegistryError as error:
            if isinstance(error, NotPermitted):
                audit.record(
                    action=AuditAction.ACTION_REFUSED,
                    actor=request.user,
                    document=self.document_of(record),
                    details={"action": self.action, "record": record.pk, "reason": str(error.message)},
                )
            messages.error(request, str(error.message))
            # A list of problems (every document an inventory may not hold) is shown whole.
            for texts in error.field_errors.values():
                for text in texts[1:] if len(texts) > 1 else ():
                    messages.error(request, str(text))
            return redirect(self.success_url(record))
        messages.success(request, done)
        return redirect(self.success_url(record))


# --- the archive's page -----------------------------------------------------------------------------


def _unit_scope(user) -> Q | None:
    """For a supervisor who is not an archivist: their units' documents only."""
    if user.has_role(Role.ARCHIVIST):
        return None
    units = user.unit.descendant_ids() if user.unit_id else set()
    return Q(responsible_unit_id__in=units) | Q(handling_unit_id__in=units)


def archive_register(user):
    """Documents in the archive's care that the person's register reaches, ``known`` annotated."""
    queryset = policies.register_for(user).filter(state__in=ARCHIVE_STATES)
    scope = _unit_scope(user)
    if scope is not None:
        queryset = queryset.filter(scope)
    return queryset


def archive_loans(user):
    """Loans the person may see (``services.loans_for``: all for the archive, the units' for a
    supervisor), as the archive page lists them."""
    return services.loans_for(user).select_related("document", "borrower")


def _units(user) -> set[int]:
    return user.unit.descendant_ids() if user.unit_id else set()


class ArchiveView(RegistryView, TemplateView):
    """歸檔: the archive register, what waits to be filed, loans, storage locations. Archivists see
    everything in the archive; supervisors see their units' documents."""

    template_name = "archive/archive.html"
    required_roles = (Role.ARCHIVIST, Role.SUPERVISOR)
    denied_purpose = "archive"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        register = archive_register(user).select_related("storage_location", "responsible_unit")
        loans = archive_loans(user)
        overdue_ids = set(services.overdue_loans().filter(pk__in=loans.values("pk")).values_list("pk", flat=True))
        open_loans = list(loans.filter(state__in=OPEN_LOAN_STATES).order_by("due_on", "requested_at", "pk")[:LIST_LIMIT])
        context.update(
            page=paginate(
                self.request,
                register.filter(state__in=[DocumentState.ARCHIVED, DocumentState.ON_LOAN]).order_by(
                    "storage_location__code", "class_number", "-archived_at", "-pk"
                ),
            ),
            to_file=list(
                register.filter(state=DocumentState.TO_ARCHIVE).select_related("custodian").order_by("pk")[:LIST_LIMIT]
            ),
            open_loans=[(loan, loan.pk in overdue_ids) for loan in open_loans],
            overdue_count=len(overdue_ids),
            locations=StorageLocation.objects.filter(active=True)
            .select_related("keeper")
            .annotate(
                held=Count("documents", filter=Q(documents__state__in=[DocumentState.ARCHIVED, DocumentState.ON_LOAN]))
            )
            .order_by("zone", "code"),
            is_archivist=user.has_role(Role.ARCHIVIST),
        )
        return context


# --- the dashboard ----------------------------------------------------------------------------------


class DashboardView(DispatchDashboardView):
    """待辦, with the later life: the archivist's filing and overdue loans; the supervisor's loans,
    destruction inventories and declassifications due; the ethics office's destructions to witness."""

    def get_context_data(self, **kwargs):
        from registry.views.declassification import dashboard_declassifications
        from registry.views.destruction import dashboard_destructions

        context = super().get_context_data(**kwargs)
        user = self.request.user
        if user.has_role(Role.ARCHIVIST):
            context["archive_to_file"] = selectors.register_rows(
                policies.register_for(user).filter(state=DocumentState.TO_ARCHIVE)
            )[: selectors.DASHBOARD_LIMIT]
            context["archive_overdue"] = list(
                services.overdue_loans().order_by("due_on", "pk")[: selectors.DASHBOARD_LIMIT]
            )
            context["show_archive_work"] = True
        if user.has_role(Role.SUPERVISOR) and user.unit_id:
            units = _units(user)
            context["pending_loans"] = list(
                Loan.objects.filter(state=LoanState.REQUESTED)
                .filter(Q(document__responsible_unit_id__in=units) | Q(document__handling_unit_id__in=units))
                .select_related("document", "borrower")
                .order_by("requested_at", "pk")[: selectors.DASHBOARD_LIMIT]
            )
            context["show_loan_decisions"] = True
        context.update(dashboard_declassifications(user))
        context.update(dashboard_destructions(user))
        return context
