"""The forms of a document and its dispatch: the cover sheet, the distribution register, the inner and
outer envelopes, the day's dispatch list."""

from __future__ import annotations

from django.utils import timezone

from classification import Level, TransitMethod
from registry.printing.common import _numbered, _printing, roc_date, roc_stamp


def cover_sheet_context(document, *, copy=None, printed_by=None) -> dict:
    """機密文件封面 of the document, or of one of its numbered copies."""
    from registry.models import DocumentCopy

    rule = document.level_enum.rule
    notices = ["本封面應隨文件保管；非經核准，不得複製、公布或提供他人知悉。"]
    if copy is not None and copy.is_reproduction:
        notices.append("本件為複製物，與原件同一密等及保密期限或解密條件（國家機密保護法第18條）。")
    if not rule.may_be_copied:
        notices.append(f"{rule.label}文件不得複製（國家機密保護法第15條）。")
    return {
        "doc": document,
        "copy": copy,
        "copies_total": DocumentCopy.objects.filter(document=document).count(),
        "approval_date_roc": roc_date(document.approval_date),
        "may_be_copied": rule.may_be_copied,
        "notices": _numbered(notices),
        **_printing(printed_by),
    }


def distribution_register_context(document, *, printed_by=None) -> dict:
    """分發登記表: every numbered copy of the document, one query for the copies and their holders
    and one for the people who returned the copies no one holds any more."""
    from django.db.models import OuterRef, Subquery

    from registry.models import CopyCustody, CopyMovement, CopyState, DocumentCopy, User

    returned_by = CopyCustody.objects.filter(copy_id=OuterRef("pk"), movement=CopyMovement.RETURN).order_by("-at", "-pk")
    copies = list(
        DocumentCopy.objects.filter(document=document)
        .select_related("holder__unit")
        .annotate(returned_from_id=Subquery(returned_by.values("from_user_id")[:1]))
        .order_by("number")
    )
    former_ids = {c.returned_from_id for c in copies if c.holder_id is None and c.returned_from_id}
    former = {u.pk: u for u in User.objects.filter(pk__in=former_ids).select_related("unit")} if former_ids else {}
    rows, held, outstanding, reproductions = [], 0, 0, 0
    for c in copies:
        person = c.holder if c.holder_id else former.get(c.returned_from_id)
        reproductions += bool(c.is_reproduction)
        if c.state == CopyState.HELD:
            held += 1
            outstanding += c.recalled_at is not None
        rows.append(
            {
                "number": c.number,
                "is_reproduction": c.is_reproduction,
                "holder": person.display_name if person else "",
                "unit": person.unit.name if person and person.unit_id else "",
                "issued": roc_stamp(c.issued_at),
                "signed": roc_stamp(c.signed_at),
                "recalled": roc_stamp(c.recalled_at),
                "returned": roc_stamp(c.returned_at),
            }
        )
    summary = {
        "total": len(rows),
        "held": held,
        "outstanding": outstanding,
        "returned": len(rows) - held,
        "reproductions": reproductions,
    }
    return {"doc": document, "rows": rows, "summary": summary, **_printing(printed_by)}


def inner_envelope_context(dispatch, *, printed_by=None) -> dict:
    """內封 label of one dispatch: level, registration number, recipient, copy number."""
    return {"doc": dispatch.document, "dispatch": dispatch, "copy": dispatch.copy, **_printing(printed_by)}


def outer_envelope_context(dispatch, *, printed_by=None) -> dict:
    """外封 label: the recipient and the address, and nothing else reaches the template — no
    document, so no level, number or subject can be printed on it by mistake."""
    return {"recipient": dispatch.recipient, "address": dispatch.address}


def dispatch_list_context(day, dispatches, *, printed_by=None) -> dict:
    """封發清單 of one day: ``dispatches`` already restricted to what the clerk's register reaches,
    with their documents selected. Handling metadata only: no subject."""
    rows, highest = [], None
    for d in dispatches:
        level = Level(d.document.level)
        highest = level if highest is None or level > highest else highest
        try:
            method = TransitMethod(d.method).label
        except ValueError:
            method = d.method
        rows.append(
            {
                "number": d.document.number,
                "level_label": level.label,
                "level_colour": level.rule.colour,
                "recipient": d.recipient,
                "method": method,
                "registered_no": d.registered_no,
                "carrier": d.carrier,
                "copy_number": d.copy.number if d.copy_id else None,
                "time": f"{timezone.localtime(d.dispatched_at):%H:%M}",
                "dispatched_by": d.dispatched_by.display_name,
            }
        )
    return {"day_roc": roc_date(day), "rows": rows, "highest": highest, **_printing(printed_by)}
