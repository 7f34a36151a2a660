"""Printed forms: Django templates under ``templates/pdf/`` rendered to PDF by WeasyPrint.

The fonts are the system's Noto CJK TC faces, named in the templates' CSS ("Noto Sans CJK TC",
"Noto Serif CJK TC") and found through fontconfig; every template is ``<html lang="zh-Hant-TW">``
so that Traditional glyph forms are chosen. A missing glyph fails silently in a PDF, which is why
the tests extract the printed text instead of trusting the picture.

WeasyPrint subsets the embedded fonts with HarfBuzz when ``libharfbuzz-subset0`` is installed and
falls back to fontTools otherwise, which is some fifty times slower on a CJK font (a one-page cover
sheet: 5.8 s instead of 0.12 s). ``harfbuzz_subsetting()`` tells which one this machine uses, and
the first render warns once in the log when it is the slow one.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from classification import Level, TransitMethod, format_roc, format_roc_short

logger = logging.getLogger(__name__)

_warned = False
_warn_lock = threading.Lock()

# WeasyPrint needs HarfBuzz >= 4.1.0 for its own subsetting path (see weasyprint/pdf/fonts.py).
_MIN_HARFBUZZ = (4, 1, 0)


@lru_cache(maxsize=1)
def harfbuzz_subsetting() -> bool:
    """Whether WeasyPrint will subset fonts with HarfBuzz (fast) rather than fontTools (slow).

    Mirrors WeasyPrint's own test: the libharfbuzz-subset library loaded, and HarfBuzz new enough.
    """
    try:
        from weasyprint.text.ffi import harfbuzz, harfbuzz_subset
    except Exception:  # pragma: no cover - WeasyPrint's private layout moved
        logger.debug("cannot inspect WeasyPrint's HarfBuzz bindings", exc_info=True)
        return False
    if not harfbuzz_subset:
        return False
    try:
        return bool(harfbuzz.hb_version_atleast(*_MIN_HARFBUZZ))
    except (AttributeError, TypeError):  # pragma: no cover - a HarfBuzz without the function
        return False


def _warn_once_without_harfbuzz() -> None:
    global _warned
    if _warned:
        return
    with _warn_lock:
        if _warned:
            return
        _warned = True
        if not harfbuzz_subsetting():
            logger.warning(
                "HarfBuzz subsetting (libharfbuzz-subset0, HarfBuzz >= %s) is not available: "
                "WeasyPrint falls back to fontTools and each PDF with Chinese text takes seconds. "
                "Install the Debian package libharfbuzz-subset0.",
                ".".join(map(str, _MIN_HARFBUZZ)),
            )


def base_url() -> str:
    """The project directory as a file URL, so ``static/...`` in a template resolves locally."""
    return settings.BASE_DIR.resolve().as_uri() + "/"


def check_resource_url(url: str) -> None:
    """Refuse every resource but ``data:`` and files under ``static/`` (ValueError).

    The offices' networks are closed and a form must never reach out, nor read a file of the
    server (``file:///etc/...``) because of a mistake in a template. WeasyPrint logs the refusal
    and goes on without the resource.
    """
    from urllib.parse import unquote, urlsplit
    from urllib.request import url2pathname

    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "data":
        return
    if scheme == "file" and parts.netloc in ("", "localhost"):
        static = (settings.BASE_DIR / "static").resolve()
        path = Path(url2pathname(unquote(parts.path))).resolve()
        if path.is_relative_to(static):
            return
    raise ValueError(f"printed forms load only data: URLs and files under static/, not {url[:200]!r}")


def _url_fetcher():
    try:
        from weasyprint.urls import URLFetcher
    except ImportError:  # pragma: no cover - WeasyPrint < 66 takes a plain function
        from weasyprint import default_url_fetcher

        def fetch(url, *args, **kwargs):
            check_resource_url(url)
            return default_url_fetcher(url, *args, **kwargs)

        return fetch

    class LocalOnly(URLFetcher):
        def fetch(self, url, headers=None):
            check_resource_url(url)
            return super().fetch(url, headers)

    return LocalOnly(allowed_protocols=("file", "data"))


def render_html(template_name: str, context: dict) -> str:
    """The form's HTML, as WeasyPrint will see it (for debugging and for tests)."""
    return render_to_string(template_name, context)


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render ``templates/<template_name>`` with ``context`` to PDF bytes.

    No request is passed, so no context processor runs: a form shows what its view gives it.
    """
    # Imported late: WeasyPrint loads Pango and HarfBuzz through cffi.
    from weasyprint import HTML

    _warn_once_without_harfbuzz()
    html = render_html(template_name, context)
    return HTML(string=html, base_url=base_url(), encoding="utf-8", url_fetcher=_url_fetcher()).write_pdf()


# --- The forms ------------------------------------------------------------------------------
# Each builder gathers what its template shows, in as few queries as the form allows, and leaves
# access checks and auditing to the caller (registry.views.printing): the benchmark renders the
# very same contexts.

TEMPLATES = {
    "cover_sheet": "pdf/cover_sheet.html",
    "distribution_register": "pdf/distribution_register.html",
    "envelope_inner": "pdf/envelope_inner.html",
    "envelope_outer": "pdf/envelope_outer.html",
    "dispatch_list": "pdf/dispatch_list.html",
}

_CN_NUMERALS = "一二三四五六七八九十"


def roc_date(value) -> str:
    """「115年11月22日」 for a date or an aware datetime (in Taipei time); "" for None."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    return format_roc(value)


def roc_stamp(value) -> str:
    """「115/11/22 14:05」 for an aware datetime in Taipei time, the form tables use; "" for None."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    return f"{format_roc_short(local.date())} {local:%H:%M}"


def _printing(printed_by) -> dict:
    return {
        "agency_name": settings.REGISTRY_AGENCY_NAME,
        "printed_at": roc_stamp(timezone.now()),
        "printed_by": getattr(printed_by, "display_name", "") if printed_by is not None else "",
    }


def _numbered(items: list[str]) -> list[str]:
    return [f"{_CN_NUMERALS[i]}、{text}" if i < len(_CN_NUMERALS) else text for i, text in enumerate(items)]


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



# --- The document's later life: destruction inventory, party decision letter -----------------

TEMPLATES.update(
    {
        "destruction_inventory": "pdf/destruction_inventory.html",
        "party_letter": "pdf/party_decision_letter.html",
    }
)

# The forms are Chinese whatever the reader's interface language is: the printed words are fixed
# here instead of taken from the models' (translatable, English-first) choice labels.
_DESTRUCTION_STATE = {"draft": "擬具中（待核准）", "approved": "已核准（待銷毀）", "destroyed": "已銷毀"}
_DESTRUCTION_METHOD = {"shred": "碎紙", "burn": "焚燬", "pulp": "攪碎化漿", "crush": "壓碎"}
_APPLICANT_KIND = {"party": "當事人", "interested": "利害關係人"}


def destruction_inventory_context(inventory, *, viewer, printed_by=None) -> dict:
    """焚燬清冊: the inventory's documents in registration order, in one query, each subject shown
    only where ``viewer`` may know the document (「密不錄由」 otherwise), and the four signature
    blocks with the names the inventory has recorded so far."""
    from registry.models import DestructionList, Document

    inventory = DestructionList.objects.select_related("drafted_by", "approved_by", "destroyed_by", "witness").get(
        pk=inventory.pk
    )
    documents = (
        Document.objects.filter(destruction_items__destruction_list=inventory)
        .with_need_to_know(viewer)
        .order_by("reg_year", "reg_series", "reg_serial")
    )
    rows, highest = [], None
    for d in documents:
        level = d.level_enum
        declassified = d.declassified_on is not None
        # A declassified document's level is struck through and no longer in force: the list's
        # own marking is the highest level still in force among its items.
        if not declassified and (highest is None or level > highest):
            highest = level
        rows.append(
            {
                "pk": d.pk,
                "year": d.reg_year,
                "number": d.number,
                "class_number": d.class_number,
                "level_label": level.label,
                "level_colour": level.rule.colour,
                "declassified": declassified,
                "known": bool(d.known),
                "subject": d.subject if d.known else "",
                "original_agency": d.original_agency,
                "from_roc": roc_date(d.registered_at),
                "to_roc": roc_date(d.archived_at),
                "retention": f"{d.retention_years}年" if d.retention_years is not None else "永久",
                "declassified_roc": roc_date(d.declassified_on),
            }
        )
    people = {
        "drafted": inventory.drafted_by,
        "approved": inventory.approved_by,
        "destroyed": inventory.destroyed_by,
        "witness": inventory.witness,
    }
    signatures = [
        {"title": title, "name": people[key].display_name if people[key] else "", "date": date}
        for key, title, date in (
            ("drafted", "擬具（檔案管理人員）", roc_date(inventory.drafted_at)),
            ("approved", "核准（單位主管）", roc_date(inventory.approved_at)),
            ("destroyed", "銷毀人", roc_date(inventory.destroyed_on)),
            ("witness", "監銷人（政風人員）", roc_date(inventory.destroyed_on)),
        )
    ]
    return {
        "inventory": inventory,
        "state": _DESTRUCTION_STATE.get(inventory.state, inventory.state),
        "drafted_by": inventory.drafted_by.display_name,
        "drafted_roc": roc_date(inventory.drafted_at),
        "method": _DESTRUCTION_METHOD.get(inventory.method, inventory.method),
        "destroyed_roc": roc_date(inventory.destroyed_on),
        "rows": rows,
        "highest": highest,
        "signatures": signatures,
        **_printing(printed_by),
    }


def _asked_for(request) -> str:
    """「閱覽、抄寫、複印」: what the applicant asked to do, in the order the law names them."""
    wants = []
    if request.wants_read:
        wants.append("閱覽")
    if request.wants_copy:
        wants.append("抄寫、複印")
    if request.wants_photo:
        wants.append("攝影")
    return "、".join(wants)


def _sentence(text: str) -> str:
    """The text as a sentence of the letter: ending in 「。」 unless it ends in punctuation already."""
    text = text.rstrip()
    return text if text.endswith(("。", "！", "？", ".")) else f"{text}。"


def _letter_explanations(request, *, asked_for: str, document_number: str) -> list[dict]:
    """The 說明 of the letter, numbered 一、二、…, the cited grounds under theirs as （一）（二）…"""
    from classification import RefusalGround
    from registry.models import PartyDecision

    decision = request.decision
    kind = _APPLICANT_KIND.get(request.applicant_kind, request.applicant_kind)
    paragraphs = [
        {"text": f"依據臺端{roc_date(request.received_on)}申請書及行政程序法第46條辦理。"},
        {"text": _sentence(f"臺端以{kind}身分申請，所主張之法律上利益：{request.legal_interest}")},
    ]
    if document_number:
        paragraphs.append({"text": f"本案相關文件登記號：{document_number}。"})
    # Each ground cited: its citation, then the law's wording (行政程序法第46條第2項).
    cited = [f"{RefusalGround(g).citation}：「{RefusalGround(g).text}」。" for g in request.grounds]
    if decision == PartyDecision.REFUSED:
        paragraphs.append({"text": "本件申請經審核，依下列規定駁回：", "items": cited})
    elif decision == PartyDecision.PARTIAL:
        paragraphs.append({"text": "本件申請經審核，下列規定所定部分不予提供：", "items": cited})
        paragraphs.append({"text": _sentence(f"准予提供之部分：{request.released_part}")})
    else:
        paragraphs.append({"text": f"本件申請經審核，准予{asked_for}。"})
    if decision != PartyDecision.REFUSED and request.conditions:
        paragraphs.append({"text": _sentence(f"閱卷條件：{request.conditions}")})
    paragraphs.append({"text": _sentence(f"理由：{request.decision_reason}")})
    paragraphs.append({"text": "不服本決定者，得依法提起行政救濟。"})
    for i, paragraph in enumerate(paragraphs):
        paragraph["mark"] = f"{_CN_NUMERALS[i]}、" if i < len(_CN_NUMERALS) else f"{i + 1}、"
        paragraph["items"] = [
            (f"（{_CN_NUMERALS[j]}）" if j < len(_CN_NUMERALS) else f"（{j + 1}）", text)
            for j, text in enumerate(paragraph.get("items", []))
        ]
    return paragraphs


def party_letter_context(request, *, printed_by=None) -> dict:
    """閱卷申請決定書 of a decided request (ValueError while it is pending): the decision, each §46
    ground cited with its citation and the law's wording, the released part, the conditions, the
    reasons. Of the linked document only its registration number reaches the template — never its
    subject nor its level: the letter goes to a party and is not classified."""
    from registry.models import Document, PartyDecision

    if request.decision == PartyDecision.PENDING:
        raise ValueError("a pending request has no decision letter")
    number = ""
    if request.document_id:
        document = Document.objects.filter(pk=request.document_id).only("reg_year", "reg_series", "reg_serial").first()
        number = document.number if document else ""
    asked_for = _asked_for(request)
    decided = {
        PartyDecision.APPROVED: f"准予{asked_for}",
        PartyDecision.PARTIAL: f"部分准予{asked_for}",
        PartyDecision.REFUSED: f"駁回{asked_for}之申請",
    }[request.decision]
    received = roc_date(request.received_on)
    return {
        "request_id": request.pk,
        "letter_number": f"閱卷字第{request.pk:06d}號",
        "letter_roc": f"中華民國{roc_date(request.decided_at)}",
        "applicant": request.applicant,
        "applicant_kind": _APPLICANT_KIND.get(request.applicant_kind, request.applicant_kind),
        "address": request.applicant_address,
        "main_point": f"臺端於{received}申請{asked_for}「{request.files_described}」一案，{decided}，請查照。",
        "decision": request.decision,
        "grounds": list(request.grounds),
        "explanations": _letter_explanations(request, asked_for=asked_for, document_number=number),
        "document_number": number,
        **_printing(printed_by),
    }


# --- the ethics office's inspection report (政風查核報告) --------------------------------------------

TEMPLATES["inspection_report"] = "pdf/inspection_report.html"

# Rows printed per anomaly report; the total is always printed, and the page lists the rest.
INSPECTION_ROWS = 50

_WEEKDAYS = "一二三四五六日"


def _hours_text(hours) -> str:
    return "–".join(f"{int(h):02d}:{round((h - int(h)) * 60):02d}" for h in hours)


def _person_cells(person) -> list[str]:
    if person is None:
        return ["（系統）", ""]
    return [f"{person.display_name}（{person.username}）", person.unit.name if person.unit_id else ""]


def _doc_cells(document) -> list[str]:
    return [document.number, document.level_label] if document is not None else ["", ""]


def _inspection_sections(scope, start, end) -> list[dict]:
    """Each anomaly report: title, what it finds, its column heads, its first rows and its total."""
    from registry.models import AuditAction
    from registry.review import reports

    labels = {code: str(label) for code, label in AuditAction.choices}
    hours, days = settings.REGISTRY_OFFICE_HOURS, settings.REGISTRY_OFFICE_DAYS
    office_days = "、".join(f"週{_WEEKDAYS[d - 1]}" for d in sorted(days) if 1 <= d <= 7) or "無"

    def refused(r):
        name = f"{r['actor__full_name'] or r['actor__username']}（{r['actor__username']}）" if r["actor_id"] else "（未具名）"
        return [name, r["actor__unit__name"] or "", str(r["denied"]), str(r["refused"]), str(r["documents"]),
                roc_stamp(r["first"]), roc_stamp(r["last"])]

    def off_hours(e):
        return [roc_stamp(e.at), *_person_cells(e.actor), labels.get(e.action, e.action), *_doc_cells(e.document)]

    def burst(b):
        return [*_person_cells(b.person), str(b.peak), str(b.windows), roc_stamp(b.first_at), roc_stamp(b.last_at)]

    def grant(g):
        return [*_doc_cells(g.document), *_person_cells(g.user), g.get_basis_display(),
                g.granted_by.display_name, roc_stamp(g.granted_at)]

    def copy(c):
        return [*_doc_cells(c.document), f"第 {c.number} 份", *_person_cells(c.holder), roc_stamp(c.recalled_at)]

    def loan(lo):
        return [*_doc_cells(lo.document), *_person_cells(lo.borrower), roc_stamp(lo.lent_at), roc_date(lo.due_on)]

    def declass(d):
        return [*_doc_cells(d), roc_date(d.due), roc_date(d.last_reviewed_on) or "未曾檢討",
                d.handling_unit.name if d.handling_unit_id else d.responsible_unit.name]

    specs = [
        ("refused", "拒絕存取紀錄", "期間內被拒絕之存取及動作，依人員彙計。",
         ["人員", "單位", "拒絕存取", "拒絕動作", "涉及文件", "首次", "最近"], refused),
        ("off-hours", "非上班時間調閱", f"上班時間以外（{_hours_text(hours)}，{office_days}）之調閱及列印。",
         ["時間", "人員", "單位", "動作", "登記號", "密等"], off_hours),
        ("bursts", "短時間內大量調閱",
         f"任 {settings.REGISTRY_VIEW_BURST_MINUTES} 分鐘內調閱超過 {settings.REGISTRY_VIEW_BURST_COUNT} 件不同文件之人員。",
         ["人員", "單位", "最多文件數", "超過次數", "首次", "最近"], burst),
        ("open-grants", "最高密等未定期限之知悉授權", "極機密及絕對機密文件上仍有效且未定期限之知悉授權（列印時之狀態）。",
         ["登記號", "密等", "知悉人員", "單位", "依據", "核准人", "授權時間"], grant),
        ("unreturned-copies", "通知收回後未繳回之副本",
         f"通知收回逾 {settings.REGISTRY_RECALL_GRACE_DAYS} 日仍未繳回之編號副本（列印時之狀態）。",
         ["登記號", "密等", "份號", "持有人", "單位", "通知收回"], copy),
        ("overdue-loans", "逾期未歸還之借調", "借出逾應還日期而未歸還者（列印時之狀態）。",
         ["登記號", "密等", "借調人", "單位", "借出", "應還日期"], loan),
        ("declassification", "已屆解密條件而未檢討之文件", "解密條件已成就、尚未解密，且其後未經檢討者（列印時之狀態）。",
         ["登記號", "密等", "條件成就日", "最近檢討", "單位"], declass),
    ]
    sections = []
    for slug, title, note, heads, cells in specs:
        rows = reports.report_rows(slug, scope, start, end)
        total = reports.report_total(rows)
        shown = [cells(row) for row in rows[:INSPECTION_ROWS]]
        sections.append(
            {"slug": slug, "title": title, "note": note, "heads": heads, "rows": shown, "total": total,
             "capped": total > len(shown)}
        )
    return sections


def inspection_report_context(*, scope, date_from, date_to, verification, scope_unit=None, printed_by=None) -> dict:
    """政風查核報告 of a period: the chain's state as just verified (head hash and through-seq),
    the events per action in the period, and every anomaly report's rows (capped, with totals).
    Handling metadata only, never a subject: the report is marked 限閱."""
    from registry.review import reports
    from registry.review.chain import latest_anchor

    start, end = reports.period_bounds(date_from, date_to)
    counts = reports.action_counts(reports.events_in_period(scope, start, end))
    anchored = latest_anchor()
    restricted = Level.RESTRICTED
    return {
        "marking_label": restricted.label,
        "marking_colour": restricted.rule.colour,
        "from_roc": roc_date(date_from),
        "to_roc": roc_date(date_to),
        "scope_label": "全機關" if scope.whole_office else f"{scope_unit.name if scope_unit else ''}及所屬單位",
        "verification": verification,
        "verified_at": roc_stamp(verification.verified_at),
        # The latest anchor outside the database, beside the head hash (registry/review/anchors.py).
        "anchor": anchored and {**vars(anchored.anchor), "at": roc_stamp(anchored.anchor.at), "holds": anchored.holds},
        "counts": [{**row, "label": str(row["label"])} for row in counts],
        "events_total": sum(row["count"] for row in counts),
        "sections": _inspection_sections(scope, start, end),
        "row_cap": INSPECTION_ROWS,
        **_printing(printed_by),
    }


# --- classified meetings (會議機密維護) ------------------------------------------------------------

TEMPLATES.update(
    {
        "meeting_attendance": "pdf/meeting_attendance.html",
        "meeting_recall": "pdf/meeting_recall.html",
    }
)


def _meeting_head(meeting) -> dict:
    """What both meeting forms print at the top: level, subject, time, place, chair."""
    level = Level(meeting.level)
    local = timezone.localtime(meeting.starts_at)
    chair = meeting.chair
    return {
        "meeting": meeting,
        "level_label": level.label,
        "level_colour": level.rule.colour,
        "starts_roc": f"{format_roc(local.date())} {local:%H:%M}",
        "starts_day_roc": format_roc(local.date()),
        "chair_name": chair.display_name,
        "chair_unit": chair.unit.name if chair.unit_id else "",
        "organizing_unit": meeting.organizing_unit.name,
        "announced": roc_stamp(meeting.announced_at),
        "materials_number": meeting.materials.number if meeting.materials_id else "",
    }


def meeting_attendance_context(meeting, *, printed_by=None) -> dict:
    """簽到表: every admitted attendee with their unit and the number of the copy handed to them,
    and a column to sign in. One query for the attendees, their units and copies."""
    from registry.models import Decision, MeetingAttendee

    attendees = (
        MeetingAttendee.objects.filter(meeting=meeting, decision=Decision.APPROVED)
        .select_related("user__unit", "copy")
        .order_by("user__unit__code", "user__full_name", "user__username", "pk")
    )
    rows = [
        {
            "name": a.user.display_name,
            "unit": a.user.unit.name if a.user.unit_id else "",
            "copy_number": a.copy.number if a.copy_id else None,
        }
        for a in attendees
    ]
    return {**_meeting_head(meeting), "rows": rows, **_printing(printed_by)}


def meeting_recall_context(meeting, *, printed_by=None) -> dict:
    """回收清單: every copy of the materials handed out at the meeting, to whom, and whether it is
    back. The holder is the attendee it was handed to (a returned copy has no holder any more)."""
    from registry.models import CopyState, MeetingAttendee

    handed = (
        MeetingAttendee.objects.filter(meeting=meeting, copy__isnull=False)
        .select_related("user__unit", "copy")
        .order_by("copy__number")
    )
    rows, returned = [], 0
    for a in handed:
        copy = a.copy
        back = copy.state == CopyState.RETURNED
        returned += back
        rows.append(
            {
                "number": copy.number,
                "holder": a.user.display_name,
                "unit": a.user.unit.name if a.user.unit_id else "",
                "issued": roc_stamp(copy.issued_at),
                "recalled": roc_stamp(copy.recalled_at),
                "returned": roc_stamp(copy.returned_at),
                "back": back,
            }
        )
    summary = {"total": len(rows), "returned": returned, "outstanding": len(rows) - returned}
    return {**_meeting_head(meeting), "rows": rows, "summary": summary, **_printing(printed_by)}
