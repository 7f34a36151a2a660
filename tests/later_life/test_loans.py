"""借調: a loan is asked for, approved by the unit supervisor with a due date, lent and returned;
the borrower knows the document exactly as long as the loan is out."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from classification import Level
from registry.errors import InvalidTransition, NotPermitted, ValidationFailed
from registry.models import (
    AuditAction,
    Decision,
    Document,
    DocumentState,
    DocumentUserObjectPermission,
    Loan,
    LoanState,
    NeedToKnowGrant,
)
from registry.models.documents import GrantBasis
from registry.policies import can_know
from registry.selectors.archive import loans_for, overdue_loans
from registry.services.archive import (
    loan_decide,
    loan_lend,
    loan_request,
    loan_return,
)
from tests.later_life.helpers import refused
from tests.support import actions_since, details, head_seq, the_event

REASON = "辦理訴願答辯須參閱原件"


def _visible(user, document) -> bool:
    return Document.objects.visible_to(user).filter(pk=document.pk).exists()


@pytest.fixture
def document(archived):
    """A 機密 document filed in the archive."""
    return archived(Level.CONFIDENTIAL, retention_years=10)


@pytest.fixture
def approved_loan(document, borrower, supervisor):
    loan = loan_request(document=document, actor=borrower, reason=REASON)
    return loan_decide(
        loan=loan, actor=supervisor, approve=True, reason="確有參閱必要", due_on=timezone.localdate() + timedelta(days=14)
    )


def test_a_loan_that_ends_removes_access(document, borrower, supervisor, archivist):
    assert not _visible(borrower, document)

    seq = head_seq()
    loan = loan_request(document=document, actor=borrower, reason=f"  {REASON} ")
    assert loan.state == LoanState.REQUESTED and loan.reason == REASON and loan.borrower == borrower
    event = the_event(AuditAction.LOAN_REQUEST, since=seq, actor=borrower, document=document)
    assert details(event) == {"loan": loan.pk, "reason": REASON}
    assert actions_since(seq) == [AuditAction.LOAN_REQUEST]
    assert not _visible(borrower, document)

    due = timezone.localdate() + timedelta(days=14)
    seq = head_seq()
    loan = loan_decide(loan=loan, actor=supervisor, approve=True, reason="確有參閱必要", due_on=due)
    assert loan.state == LoanState.APPROVED and loan.decision == Decision.APPROVED
    assert loan.decided_by == supervisor and loan.due_on == due and loan.decision_reason == "確有參閱必要"
    event = the_event(AuditAction.LOAN_APPROVE, since=seq, actor=supervisor, document=document)
    assert details(event) == {"loan": loan.pk, "due_on": due.isoformat(), "reason": "確有參閱必要"}
    assert actions_since(seq) == [AuditAction.LOAN_APPROVE]
    assert not _visible(borrower, document)  # approval alone gives nothing; the lending does

    seq = head_seq()
    loan = loan_lend(loan=loan, actor=archivist)
    document.refresh_from_db()
    assert document.state == DocumentState.ON_LOAN and document.custodian == borrower
    assert loan.state == LoanState.LENT and loan.lent_by == archivist and loan.lent_at is not None
    grant = loan.grant
    assert grant.user == borrower and grant.basis == GrantBasis.LOAN and grant.granted_by == supervisor
    assert grant.ended_at is None
    assert DocumentUserObjectPermission.objects.filter(user=borrower, content_object=document).exists()
    assert _visible(borrower, document) and can_know(borrower, document)
    assert actions_since(seq) == [AuditAction.GRANT_CREATE, AuditAction.LOAN_LEND]
    event = the_event(AuditAction.LOAN_LEND, since=seq, actor=archivist, document=document)
    assert details(event) == {"loan": loan.pk, "borrower": borrower.pk, "due_on": due.isoformat()}
    the_event(AuditAction.GRANT_CREATE, since=seq, actor=supervisor, document=document)

    seq = head_seq()
    loan = loan_return(loan=loan, actor=archivist)
    document.refresh_from_db()
    assert document.state == DocumentState.ARCHIVED and document.custodian is None
    assert loan.state == LoanState.RETURNED and loan.received_by == archivist and loan.returned_at is not None
    grant.refresh_from_db()
    assert grant.ended_at is not None and grant.ended_by == archivist
    assert not DocumentUserObjectPermission.objects.filter(user=borrower, content_object=document).exists()
    assert not _visible(borrower, document) and not can_know(borrower, document)
    assert actions_since(seq) == [AuditAction.GRANT_END, AuditAction.LOAN_RETURN]
    event = the_event(AuditAction.LOAN_RETURN, since=seq, actor=archivist, document=document)
    assert details(event) == {"loan": loan.pk}
    the_event(AuditAction.GRANT_END, since=seq, actor=archivist, document=document)


def test_a_refused_loan_gives_nothing(document, borrower, supervisor, archivist):
    loan = loan_request(document=document, actor=borrower, reason=REASON)

    seq = head_seq()
    loan = loan_decide(loan=loan, actor=supervisor, approve=False, reason="無參閱必要")

    assert loan.state == LoanState.REFUSED and loan.decision == Decision.REFUSED and loan.due_on is None
    event = the_event(AuditAction.LOAN_REFUSE, since=seq, actor=supervisor, document=document)
    assert details(event) == {"loan": loan.pk, "due_on": None, "reason": "無參閱必要"}
    with refused(InvalidTransition, loan, document):
        loan_lend(loan=loan, actor=archivist)
    assert not _visible(borrower, document)


def test_lending_before_approval_is_refused(document, borrower, archivist):
    loan = loan_request(document=document, actor=borrower, reason=REASON)

    with refused(InvalidTransition, loan, document):
        loan_lend(loan=loan, actor=archivist)

    assert not _visible(borrower, document)


def test_request_by_someone_cleared_below_the_level_is_refused(document, low_cleared):
    with refused(NotPermitted, document):
        loan_request(document=document, actor=low_cleared, reason=REASON)

    assert not Loan.objects.filter(borrower=low_cleared).exists()


def test_decision_by_a_supervisor_of_another_unit_is_refused(document, borrower, other_supervisor):
    loan = loan_request(document=document, actor=borrower, reason=REASON)

    with refused(NotPermitted, loan, document):
        loan_decide(
            loan=loan, actor=other_supervisor, approve=True, reason="准", due_on=timezone.localdate() + timedelta(days=7)
        )


def test_decision_by_someone_who_is_no_supervisor_is_refused(document, borrower, archivist):
    loan = loan_request(document=document, actor=borrower, reason=REASON)

    with refused(NotPermitted, loan):
        loan_decide(
            loan=loan, actor=archivist, approve=True, reason="准", due_on=timezone.localdate() + timedelta(days=7)
        )


@pytest.mark.parametrize("due_in_days", [None, -1])
def test_approval_without_a_due_date_or_with_one_in_the_past_is_refused(document, borrower, supervisor, due_in_days):
    loan = loan_request(document=document, actor=borrower, reason=REASON)
    due_on = None if due_in_days is None else timezone.localdate() + timedelta(days=due_in_days)

    with refused(ValidationFailed, loan) as refusal:
        loan_decide(loan=loan, actor=supervisor, approve=True, reason="准", due_on=due_on)

    assert list(refusal.value.field_errors) == ["due_on"]


def test_request_without_a_reason_and_a_second_open_request_are_refused(document, borrower):
    with refused(ValidationFailed, document) as refusal:
        loan_request(document=document, actor=borrower, reason="   ")
    assert list(refusal.value.field_errors) == ["reason"]

    loan_request(document=document, actor=borrower, reason=REASON)
    with refused(InvalidTransition, document):
        loan_request(document=document, actor=borrower, reason=REASON)


def test_only_an_archivist_lends_and_takes_back(approved_loan, supervisor, borrower, archivist):
    with refused(NotPermitted, approved_loan):
        loan_lend(loan=approved_loan, actor=supervisor)

    loan = loan_lend(loan=approved_loan, actor=archivist)
    with refused(NotPermitted, loan):
        loan_return(loan=loan, actor=borrower)


def test_a_document_not_in_the_archive_cannot_be_borrowed(walk, borrower):
    document = walk(DocumentState.IN_HANDLING)

    with refused(InvalidTransition, document):
        loan_request(document=document, actor=borrower, reason=REASON)


def test_overdue_loans_lists_a_lent_loan_past_due_and_not_a_returned_one(
    archived, borrower, second_handler, supervisor, archivist
):
    def lent(document, who):
        loan = loan_request(document=document, actor=who, reason=REASON)
        loan = loan_decide(
            loan=loan, actor=supervisor, approve=True, reason="准", due_on=timezone.localdate() + timedelta(days=3)
        )
        return loan_lend(loan=loan, actor=archivist)

    late = lent(archived(Level.CONFIDENTIAL, retention_years=10), borrower)
    back = lent(archived(Level.CONFIDENTIAL, retention_years=10), second_handler)
    on_time = lent(archived(Level.CONFIDENTIAL, retention_years=10), borrower)
    back = loan_return(loan=back, actor=archivist)
    yesterday = timezone.localdate() - timedelta(days=1)
    Loan.objects.filter(pk__in=[late.pk, back.pk]).update(due_on=yesterday)

    overdue = list(overdue_loans())

    assert [loan.pk for loan in overdue] == [late.pk]
    assert on_time.pk not in {loan.pk for loan in overdue_loans()}
    # On the due date itself a loan is not yet overdue; the day after, the on-time one is.
    assert late.pk not in {loan.pk for loan in overdue_loans(today=yesterday)}
    assert {loan.pk for loan in overdue_loans(today=timezone.localdate() + timedelta(days=4))} == {late.pk, on_time.pk}


def test_loans_for_shows_the_borrower_their_own_and_the_archive_all(
    approved_loan, borrower, second_handler, archivist, ethics_officer, supervisor, other_supervisor
):
    assert list(loans_for(borrower)) == [approved_loan]
    assert list(loans_for(archivist)) == [approved_loan]
    assert list(loans_for(ethics_officer)) == [approved_loan]
    assert list(loans_for(supervisor)) == [approved_loan]
    assert list(loans_for(second_handler)) == []
    assert list(loans_for(other_supervisor)) == []


def test_the_loan_grant_is_the_only_one_the_return_ends(document, borrower, supervisor, archivist, approved_loan):
    loan = loan_lend(loan=approved_loan, actor=archivist)
    loan_return(loan=loan, actor=archivist)

    # The supervisor's own "opened" grant outlives the loan.
    assert NeedToKnowGrant.objects.filter(document=document, user=supervisor, ended_at__isnull=True).exists()
    assert _visible(supervisor, document)
