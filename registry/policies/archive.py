"""The archive (office rule 5, 安全保管): hand-over, filing, and loans (借調)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from registry.errors import InvalidTransition, NotPermitted
from registry.models import Document, DocumentState, Loan, LoanState, User
from registry.policies.base import active, need_clearance, need_role, need_state, not_own, permits, rule
from registry.policies.distribution import require_decide_for_document
from registry.roles import Role

IN_ARCHIVE = (DocumentState.ARCHIVED, DocumentState.ON_LOAN)
OPEN_LOAN_STATES = (LoanState.REQUESTED, LoanState.APPROVED, LoanState.LENT)


@rule("hand_over")
def require_hand_over(user: User, document: Document) -> None:
    """The handler who holds the document, done with it, hands it to the archive (送歸檔); the
    office's own copy of a dispatched outgoing document goes from the clerk who holds it."""
    if document.state == DocumentState.DISPATCHED:
        need_role(user, Role.CLERK, doing=_("hand documents to the archive"))
    else:
        need_role(user, Role.HANDLER, doing=_("hand documents to the archive"))
        need_state(document, (DocumentState.SIGNED, DocumentState.IN_HANDLING), _("handed to the archive"))
    if document.custodian_id != user.pk and document.state == DocumentState.DISPATCHED:
        raise NotPermitted(_("Only the clerk who holds the office's copy may hand it to the archive."))
    if document.custodian_id != user.pk:
        raise NotPermitted(_("Only the handler who holds the document may hand it to the archive."))


can_hand_over = permits(require_hand_over)


@rule("file")
def require_file(user: User, document: Document) -> None:
    """The archive files a document handed to it (歸檔)."""
    need_role(user, Role.ARCHIVIST, doing=_("file documents in the archive"))
    need_state(document, (DocumentState.TO_ARCHIVE,), _("filed"))


can_file = permits(require_file)


@rule("request_loan")
def require_request_loan(user: User, document: Document) -> None:
    """A person cleared to the level asks to borrow a document in the archive, one open request
    at a time. (The page asks from the register entry, so a person asks only for a document of
    their register there.)"""
    if not active(user):
        raise NotPermitted(_("Your account is disabled."))
    need_state(document, IN_ARCHIVE, _("borrowed"))
    need_clearance(user, document.level)
    if Loan.objects.filter(document=document, borrower=user, state__in=OPEN_LOAN_STATES).exists():
        raise InvalidTransition(_("You already have an open loan request for this document."))


can_request_loan = permits(require_request_loan)


@rule("decide_loan")
def require_decide_loan(user: User, loan: Loan) -> None:
    """The deciding supervisor approves or refuses a loan request."""
    require_decide_for_document(user, loan.document)
    not_own(user, loan.borrower_id, doing=_("decide this loan"))
    if loan.state != LoanState.REQUESTED:
        raise InvalidTransition(_("This loan has already been decided."))


can_decide_loan = permits(require_decide_loan)


@rule("lend")
def require_lend(user: User, loan: Loan) -> None:
    """The archive lends an approved loan of a document that is in the archive."""
    need_role(user, Role.ARCHIVIST, doing=_("lend documents"))
    if loan.state != LoanState.APPROVED:
        raise InvalidTransition(_("Only an approved loan can be lent."))
    need_state(loan.document, (DocumentState.ARCHIVED,), _("lent"))


can_lend = permits(require_lend)


@rule("take_back")
def require_take_back(user: User, loan: Loan) -> None:
    """The archive takes a loan that is out back."""
    need_role(user, Role.ARCHIVIST, doing=_("take loans back"))
    if loan.state != LoanState.LENT:
        raise InvalidTransition(_("This loan is not out."))


can_take_back = permits(require_take_back)
