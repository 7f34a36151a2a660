"""What every printed form shows: ROC dates in words and figures, who printed it and when."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.utils import timezone

from classification import format_roc, format_roc_short

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
