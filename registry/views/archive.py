"""The archive (歸檔、借調): actions from the document page and the archive's own page.

Every change goes through ``registry.services.archive``. The archivist keeps the paper but knows no
document by role: the archive's lists show storage metadata and mask the subject unless the person
has need-to-know (``policies.register_for`` and its ``known`` annotation).
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from registry.forms import (
    ArchiveHandoverForm,
    ArchiveReceiveForm,
    LoanDecideForm,
    LoanLendForm,
    LoanRequestForm,
    LoanReturnForm,
)
from registry.models import Loan, LoanState
from registry.roles import Role
from registry.selectors.archive import (
    OPEN_LOAN_STATES,
    archive_loans,
    archive_page,
    overdue_loans,
    storage_locations,
    to_file,
)
from registry.services import archive as services
from registry.views.actions import DocumentActionView
from registry.views.base import RegistryView

LIST_LIMIT = 50


class ArchiveHandoverView(DocumentActionView):
    action = "archive_handover"
    form_class = ArchiveHandoverForm
    load = "known"

    def perform(self, document, row, form):
        document = services.archive_handover(document=document, actor=self.request.user, note=form.cleaned_data["note"])
        return _("%(number)s handed to the archive; it waits to be filed.") % {"number": document.number}


class ArchiveReceiveView(DocumentActionView):
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


class LoanRequestView(DocumentActionView):
    action = "loan_request"
    form_class = LoanRequestForm
    # Anyone the rule book allows may ask, but only for a document in their register.
    load = "register"

    def perform(self, document, row, form):
        services.loan_request(document=document, actor=self.request.user, reason=form.cleaned_data["reason"])
        return _("Loan requested; it waits for the supervisor's decision.")


class LoanDecideView(DocumentActionView):
    action = "loan_decide"
    form_class = LoanDecideForm
    item_model = Loan

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


class LoanLendView(DocumentActionView):
    action = "loan_lend"
    form_class = LoanLendForm
    item_model = Loan

    def perform(self, document, row, form):
        loan = services.loan_lend(loan=row, actor=self.request.user)
        return _("%(number)s lent to %(person)s.") % {"number": document.number, "person": loan.borrower.display_name}


class LoanReturnView(DocumentActionView):
    action = "loan_return"
    form_class = LoanReturnForm
    item_model = Loan

    def perform(self, document, row, form):
        services.loan_return(loan=row, actor=self.request.user)
        return _("%(number)s is back in the archive.") % {"number": document.number}


class ArchiveView(RegistryView, TemplateView):
    """歸檔: the archive register, what waits to be filed, loans, storage locations. Archivists see
    everything in the archive; supervisors see their units' documents."""

    template_name = "archive/archive.html"
    required_roles = (Role.ARCHIVIST, Role.SUPERVISOR)
    denied_purpose = "archive"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        loans = archive_loans(user)
        overdue_ids = set(overdue_loans().filter(pk__in=loans.values("pk")).values_list("pk", flat=True))
        open_loans = list(loans.filter(state__in=OPEN_LOAN_STATES).order_by("due_on", "requested_at", "pk")[:LIST_LIMIT])
        context.update(
            page=archive_page(
                user, after=self.request.GET.get("after", ""), before=self.request.GET.get("before", "")
            ),
            to_file=to_file(user, limit=LIST_LIMIT),
            open_loans=[(loan, loan.pk in overdue_ids) for loan in open_loans],
            overdue_count=len(overdue_ids),
            locations=storage_locations(),
            is_archivist=user.has_role(Role.ARCHIVIST),
        )
        return context
