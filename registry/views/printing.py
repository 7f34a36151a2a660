"""Printed forms (PDF): cover sheet, distribution register, envelopes, the day's dispatch list,
the destruction inventory and the decision letter on a party's request.

Access: every form bound to a document loads it only through
``registry.policies.visible_document_or_404(..., purpose="print")``, which audits a refusal and
answers 404 — printing is for people with need-to-know. The day's dispatch list is for clerks and
lists only dispatches of documents in their register (``register_for``), metadata only. The
destruction inventory is metadata too, for the archive, supervisors and the ethics office, each
subject shown only to whoever may know its document. A party's decision letter is for the request's
unit and the ethics office (``party_requests_for``); a request out of reach is refused like a
document: audited, 404.
Every print is itself an audit event (``AuditAction.PRINT``), written after the PDF was made and
before it is sent.
"""

from __future__ import annotations

import re
from datetime import date

from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from classification import RocDateError, parse_roc
from registry import audit, policies
from registry import printing as pdf
from registry.forms import RegisterFilterForm
from registry.models import (
    AuditAction,
    DestructionList,
    Direction,
    Dispatch,
    Document,
    DocumentCopy,
    PartyDecision,
)
from registry.policies import visible_document_or_404
from registry.policies.destruction import INVENTORY_ROLES
from registry.printing.register import PRINT_LIMIT as REGISTER_PRINT_LIMIT
from registry.roles import Role
from registry.selectors.dispatch import day_dispatches
from registry.selectors.party_requests import party_requests_for
from registry.selectors.register_export import audit_filters, register_rows
from registry.views.actions import meeting_or_404
from registry.views.base import page_view

PURPOSE = "print"
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
_COPY = re.compile(r"[0-9]{1,9}", re.ASCII)


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    # ASCII only: the number's series character is written as the document's direction code.
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Content-Length"] = str(len(content))
    return response


def _file_stem(document: Document) -> str:
    """115in000012 for 115收000012: the registration number in ASCII."""
    return f"{document.reg_year}{document.direction}{document.reg_serial:06d}"


def _bad_request(message: str, request=None) -> HttpResponse:
    """A 400 that says what to change, as a page of the registry (400.html), not bare text."""
    from django.template.loader import render_to_string

    return HttpResponseBadRequest(render_to_string("400.html", {"message": message}, request=request))


def _print_event(user, document: Document | None, **details) -> None:
    audit.record(action=AuditAction.PRINT, actor=user, document=document, details=details)


@page_view()
def cover_sheet(request, pk: int):
    """機密文件封面 of the document, or of its numbered copy ``?copy=<n>``."""
    document = visible_document_or_404(request.user, pk, purpose=PURPOSE)
    copy = None
    raw = request.GET.get("copy")
    if raw is not None and raw != "":
        if not _COPY.fullmatch(raw.strip()):
            return _bad_request(_("The copy number must be a whole number, such as ?copy=3."), request)
        number = int(raw.strip())
        copy = DocumentCopy.objects.filter(document=document, number=number).first()
        if copy is None:
            raise Http404(_("This document has no copy numbered %(n)d.") % {"n": number})
    content = pdf.render_pdf(
        pdf.TEMPLATES["cover_sheet"], pdf.cover_sheet_context(document, copy=copy, printed_by=request.user)
    )
    _print_event(request.user, document, form="cover_sheet", copy=copy.number if copy else None)
    suffix = f"-copy{copy.number}" if copy else ""
    return _pdf_response(content, f"cover-sheet-{_file_stem(document)}{suffix}.pdf")


@page_view()
def distribution_register(request, pk: int):
    """分發登記表: the document's numbered copies and their custody."""
    document = visible_document_or_404(request.user, pk, purpose=PURPOSE)
    context = pdf.distribution_register_context(document, printed_by=request.user)
    content = pdf.render_pdf(pdf.TEMPLATES["distribution_register"], context)
    _print_event(request.user, document, form="distribution_register", copies=context["summary"]["total"])
    return _pdf_response(content, f"distribution-register-{_file_stem(document)}.pdf")


def _visible_dispatch(request, pk: int) -> Dispatch:
    """The dispatch, through the one object check on its document (a missing dispatch is audited
    and refused the same way as a document the person may not know)."""
    document_id = Dispatch.objects.filter(pk=pk).values_list("document_id", flat=True).first()
    document = visible_document_or_404(request.user, document_id, purpose=PURPOSE)
    dispatch = Dispatch.objects.select_related("copy").get(pk=pk)
    dispatch.document = document
    return dispatch


@page_view()
def envelope_inner(request, pk: int):
    """內封 label: level at the top right, 密封章 area, recipient, registration number."""
    dispatch = _visible_dispatch(request, pk)
    content = pdf.render_pdf(pdf.TEMPLATES["envelope_inner"], pdf.inner_envelope_context(dispatch, printed_by=request.user))
    _print_event(request.user, dispatch.document, form="envelope_inner", dispatch=dispatch.pk)
    return _pdf_response(content, f"envelope-inner-{dispatch.pk}.pdf")


@page_view()
def envelope_outer(request, pk: int):
    """外封 label: recipient and address only, no level and no hint of content."""
    dispatch = _visible_dispatch(request, pk)
    content = pdf.render_pdf(pdf.TEMPLATES["envelope_outer"], pdf.outer_envelope_context(dispatch))
    _print_event(request.user, dispatch.document, form="envelope_outer", dispatch=dispatch.pk)
    return _pdf_response(content, f"envelope-outer-{dispatch.pk}.pdf")


def _parse_day(text: str) -> date | None:
    """A YYYY-MM-DD day within the ROC calendar the registry keeps (years 1 to 200, 1912–2111)."""
    if not _DAY.fullmatch(text):
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return day if 1912 <= day.year <= 2111 else None


@page_view(roles=(Role.CLERK,), purpose="print dispatch_list")
def dispatch_list(request, day: str):
    """封發清單 of one day (Taipei time) for a clerk: the dispatches their register reaches."""
    user = request.user
    when = _parse_day(day)
    if when is None:
        return _bad_request(_("Give the day as YYYY-MM-DD, e.g. 2026-11-22 (a real calendar date)."), request)
    dispatches = day_dispatches(user, when)
    content = pdf.render_pdf(pdf.TEMPLATES["dispatch_list"], pdf.dispatch_list_context(when, dispatches, printed_by=user))
    _print_event(
        user,
        None,
        form="dispatch_list",
        day=when.isoformat(),
        dispatches=[d.pk for d in dispatches],
        documents=sorted({d.document_id for d in dispatches}),
    )
    return _pdf_response(content, f"dispatch-list-{when.isoformat()}.pdf")


@page_view(roles=(Role.CLERK,), purpose="print dispatch_list")
def dispatch_list_for_day(request):
    """The 封發清單 of the day a clerk typed (``?day=``, an ROC date such as 115/12/02): sent on to the
    list of that day; a day that cannot be read is a 400 that says how to write one."""
    text = request.GET.get("day", "").strip()
    if not text:
        return redirect("print:dispatch_list", timezone.localdate().isoformat())
    try:
        day = parse_roc(text)
    except RocDateError as error:
        return _bad_request(str(error))
    return redirect("print:dispatch_list", day.isoformat())


# --- The document's later life ------------------------------------------------------------------



def _refuse(user, form: str, pk) -> Http404:
    """Audit a refused print of a record that is not a document, and give the 404 to raise."""
    policies.record_refusal(user, purpose=f"{PURPOSE} {form}", requested=pk, action=AuditAction.ACCESS_DENIED)
    return Http404(_("No such record, or it is not yours to print."))


@page_view(roles=INVENTORY_ROLES, purpose="print destruction_inventory")
def destruction_inventory(request, pk: int):
    """焚燬清冊 with its signature blocks; subjects masked (密不錄由) where the printer has no need to know."""
    user = request.user
    inventory = DestructionList.objects.filter(pk=pk).first()
    if inventory is None:
        raise _refuse(user, "destruction_inventory", pk)
    context = pdf.destruction_inventory_context(inventory, viewer=user, printed_by=user)
    content = pdf.render_pdf(pdf.TEMPLATES["destruction_inventory"], context)
    _print_event(
        user, None, form="destruction_inventory", list=inventory.pk, documents=[row["pk"] for row in context["rows"]]
    )
    return _pdf_response(content, f"destruction-inventory-{inventory.pk}.pdf")


@page_view()
def party_letter(request, pk: int):
    """閱卷申請決定書 of a decided request, for the unit that received it and the ethics office."""
    user = request.user
    party_request = party_requests_for(user).filter(pk=pk).first()
    if party_request is None:
        raise _refuse(user, "party_letter", pk)
    if party_request.decision == PartyDecision.PENDING:
        return _bad_request(_("This request has not been decided yet: there is no decision letter to print."), request)
    content = pdf.render_pdf(pdf.TEMPLATES["party_letter"], pdf.party_letter_context(party_request, printed_by=user))
    _print_event(
        user, party_request.document, form="party_letter", request=party_request.pk, decision=party_request.decision
    )
    return _pdf_response(content, f"party-letter-{party_request.pk}.pdf")


# --- the ethics office's inspection report (政風查核報告) --------------------------------------------
# For ethics officers (the whole office) and unit supervisors (their unit subtree); anybody else
# gets an audited 404, like the review pages. Printing re-verifies the whole chain and records the
# verification, so the head hash on paper is one that was just checked.


def _period_param(request, name: str) -> tuple[date | None, bool]:
    """(day, ok) for ``?name=`` a ROC date (115/11/22, 115年11月22日, 1151122) or YYYY-MM-DD; an
    absent parameter is (None, True)."""
    from classification import RocDateError, parse_roc

    raw = request.GET.get(name, "").strip()
    if not raw:
        return None, True
    day = _parse_day(raw)
    if day is None:
        try:
            day = parse_roc(raw)
        except RocDateError:
            return None, False
    return day, day is not None and day.year >= 1912


@page_view()
def inspection_report(request):
    """政風查核報告 of a period (``?from=YYYY-MM-DD&to=YYYY-MM-DD``; the last 30 days by default)."""
    from registry.models import VerificationSource
    from registry.policies import record_denied
    from registry.review.chain import verify_and_record
    from registry.review.reports import default_period
    from registry.review.scope import review_scope

    user = request.user
    scope = review_scope(user)
    if scope is None:
        record_denied(user, None, purpose="inspection_report")
        raise Http404(_("There is no such page, or it is not for you."))
    date_from, ok_from = _period_param(request, "from")
    date_to, ok_to = _period_param(request, "to")
    if not (ok_from and ok_to):
        return _bad_request(
            _("Give the period as ROC dates, for example 115/11/01 to 115/11/30 (or YYYY-MM-DD)."), request
        )
    default_from, default_to = default_period()
    date_from, date_to = date_from or default_from, date_to or default_to
    if date_from > date_to:
        return _bad_request(_("The end of the period lies before its start."), request)
    verification = verify_and_record(source=VerificationSource.PRINT, user=user)
    context = pdf.inspection_report_context(
        scope=scope,
        date_from=date_from,
        date_to=date_to,
        verification=verification,
        scope_unit=None if scope.whole_office else user.unit,
        printed_by=user,
    )
    content = pdf.render_pdf(pdf.TEMPLATES["inspection_report"], context)
    _print_event(
        user,
        None,
        form="inspection_report",
        date_from=date_from.isoformat(),
        date_to=date_to.isoformat(),
        scope="office" if scope.whole_office else sorted(scope.units),
        through_seq=verification.through_seq,
        head_hash=verification.head_hash,
        whole=verification.whole,
    )
    return _pdf_response(content, f"inspection-report-{date_from.isoformat()}-{date_to.isoformat()}.pdf")


# --- classified meetings (會議機密維護) ------------------------------------------------------------
# Printed only for people who know the meeting: ``meeting_or_404`` is the one object check for
# meetings, audits a refusal and answers 404.


def _visible_meeting(request, pk: int):
    return meeting_or_404(request.user, pk)


@page_view()
def meeting_attendance(request, pk: int):
    """簽到表: admitted attendees, their units, the copy numbers handed out, a signature column."""
    meeting = _visible_meeting(request, pk)
    context = pdf.meeting_attendance_context(meeting, printed_by=request.user)
    content = pdf.render_pdf(pdf.TEMPLATES["meeting_attendance"], context)
    _print_event(request.user, None, form="meeting_attendance", meeting=meeting.pk, attendees=len(context["rows"]))
    return _pdf_response(content, f"meeting-attendance-{meeting.pk}.pdf")


@page_view()
def meeting_recall(request, pk: int):
    """回收清單: every copy of the materials handed out, to whom, returned or outstanding."""
    meeting = _visible_meeting(request, pk)
    context = pdf.meeting_recall_context(meeting, printed_by=request.user)
    content = pdf.render_pdf(pdf.TEMPLATES["meeting_recall"], context)
    _print_event(
        request.user,
        None,
        form="meeting_recall",
        meeting=meeting.pk,
        copies=context["summary"]["total"],
        outstanding=context["summary"]["outstanding"],
    )
    return _pdf_response(content, f"meeting-recall-{meeting.pk}.pdf")


# --- The register -------------------------------------------------------------------------------


@page_view()
def register(request):
    """登記簿 of the person's register, filtered as the register page is (a period by
    ``registered_from``/``registered_to``, a series by ``direction``): masked where unknown, each page
    marked with the highest level it lists."""
    form = RegisterFilterForm(request.GET or None)
    filters = form.filters()
    filters.pop("size", None)
    series = dict(Direction.choices).get(filters.get("direction", ""), "")
    context = pdf.register_print_context(
        register_rows(request.user, limit=REGISTER_PRINT_LIMIT + 1, **filters),
        date_from=filters.get("registered_from"),
        date_to=filters.get("registered_to"),
        series_label=str(series),
        printed_by=request.user,
    )
    content = pdf.render_pdf(pdf.TEMPLATES["register"], context)
    _print_event(
        request.user,
        None,
        form="register",
        filters=audit_filters(filters),
        rows=context["total"],
    )
    return _pdf_response(content, "register.pdf")


# --- the hand-over list (移交清冊) -----------------------------------------------------------------


@page_view()
def handover_list(request, pk: int):
    """移交清冊 of a hand-over, for its three people, the administrator, the ethics office and the
    supervisors of either person's unit (``can_read_handover``); numbers and levels, never subjects."""
    from registry.models import Handover
    from registry.policies.people import can_read_handover

    user = request.user
    handover = Handover.objects.select_related("predecessor__unit", "successor__unit", "by").filter(pk=pk).first()
    if handover is None or not can_read_handover(user, handover):
        raise _refuse(user, "handover_list", pk)
    content = pdf.render_pdf(pdf.TEMPLATES["handover_list"], pdf.handover_list_context(handover, printed_by=user))
    _print_event(user, None, form="handover_list", handover=handover.pk)
    return _pdf_response(content, f"handover-{handover.pk}.pdf")
