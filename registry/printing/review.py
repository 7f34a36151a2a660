"""The ethics office's inspection report (政風查核報告)."""

from __future__ import annotations

from django.conf import settings

from classification import Level
from registry.printing.common import _printing, roc_date, roc_stamp

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
