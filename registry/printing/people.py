"""The hand-over list (移交清冊): what a predecessor handed to a successor, with the signature blocks
of the predecessor, the successor and the supervisor who oversaw it (監交)."""

from __future__ import annotations

from classification import Level
from registry.printing.common import _printing, roc_date, roc_stamp

# Printed in Chinese whatever the reader's interface language (the models' labels are English-first).
_KIND = {
    "custody": "保管中文件",
    "routed": "待簽收文件",
    "copy": "編號副本",
    "loan": "借調中文件",
    "meeting_chair": "機密會議主席",
    "meeting_organizer": "機密會議承辦",
    "distribution_request": "待核分發申請",
    "reproduction_request": "待核複製申請",
    "loan_request": "待核借調申請",
    "publication_request": "待核公開申請",
    "party_request": "待決閱卷申請",
}
_REASON = {"transfer": "調職", "departure": "離職、退休", "leave": "長期休假", "clearance": "安全查核", "other": "其他"}


def handover_list_context(handover, *, printed_by=None) -> dict:
    """移交清冊: each item by number and level (never a subject), the highest level among them for
    the marking, and the three signature blocks."""
    items = list(handover.items.order_by("pk"))
    levels = [Level(item.level) for item in items if item.level]
    highest = max(levels) if levels else None
    rows = [
        {
            "kind": _KIND.get(item.kind, item.kind),
            "label": item.label,
            "level_label": Level(item.level).label if item.level else "",
            "level_colour": Level(item.level).rule.colour if item.level else "#000",
        }
        for item in items
    ]
    signatures = [
        {"title": "移交人", "name": handover.predecessor.display_name, "date": roc_date(handover.at)},
        {"title": "接交人", "name": handover.successor.display_name, "date": roc_date(handover.signed_at)},
        {"title": "監交人（單位主管）", "name": handover.by.display_name, "date": roc_date(handover.at)},
    ]
    return {
        "handover": handover,
        "reason": _REASON.get(handover.reason, handover.reason),
        "predecessor_unit": handover.predecessor.unit.name if handover.predecessor.unit_id else "",
        "successor_unit": handover.successor.unit.name if handover.successor.unit_id else "",
        "at": roc_stamp(handover.at),
        "signed_at": roc_stamp(handover.signed_at),
        "rows": rows,
        "highest": highest,
        "signatures": signatures,
        **_printing(printed_by),
    }
