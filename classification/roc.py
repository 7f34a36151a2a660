"""Dates in the ROC calendar (中華民國紀年): ROC year = Gregorian year − 1911."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from django.utils.translation import gettext_lazy as _

ROC_OFFSET = 1911
MAX_ROC_YEAR = 200
MAX_INPUT_LENGTH = 40

# Only full-width digits and separators are folded; NFKC would also turn ① or ² into digits.
_FULL_WIDTH = str.maketrans("０１２３４５６７８９／－．", "0123456789/-.")
_ROC_WORDS = re.compile(
    r"(?:中華民國|民國)?\s*([0-9]{1,3})\s*年\s*([0-9]{1,2})\s*月\s*([0-9]{1,2})\s*日", re.ASCII
)
_ROC_NUMERIC = re.compile(r"(?:中華民國|民國)?\s*([0-9]{1,3})([/.-])([0-9]{1,2})\2([0-9]{1,2})", re.ASCII)
# Four digits can only be a Gregorian year: ROC years stop at 200.
_GREGORIAN = re.compile(r"([0-9]{4})([/.-])([0-9]{1,2})\2([0-9]{1,2})", re.ASCII)
# The compact form clerks type and official documents print in their numbers: 1151120 (YYYMMDD)
# or, for years before 100, 991231 (YYMMDD). Month and day always take two digits.
_ROC_COMPACT = re.compile(r"(?:中華民國|民國)?\s*([0-9]{2,3})([0-9]{2})([0-9]{2})", re.ASCII)


class RocDateError(ValueError):
    """A text that is not a date this registry accepts; str() is the user-facing message."""


def roc_year(d: date) -> int:
    """The ROC year of ``d``; RocDateError for dates before 1912."""
    if d.year <= ROC_OFFSET:
        raise RocDateError(str(_("Dates before 1912 have no ROC year.")))
    return d.year - ROC_OFFSET


def format_roc(d: date | None) -> str:
    """``d`` as official documents write it, e.g. 「115年11月22日」; "" for None."""
    if d is None:
        return ""
    return f"{roc_year(d)}年{d.month}月{d.day}日"


def format_roc_short(d: date | None) -> str:
    """``d`` in the short numeric form, e.g. 「115/11/22」; "" for None."""
    if d is None:
        return ""
    return f"{roc_year(d)}/{d.month}/{d.day}"


def parse_roc(text: str) -> date:
    """Parse an ROC date (115年11月22日, 115/11/22, the compact 1151122) or an ISO Gregorian one;
    RocDateError with a clear message otherwise."""
    if not isinstance(text, str):
        raise RocDateError(str(_("Enter a date in the ROC calendar, such as 115年11月22日 or 115/11/22.")))
    # Length first, so nothing below ever works on an arbitrarily long input.
    if len(text) > MAX_INPUT_LENGTH:
        raise RocDateError(
            str(_("The date is too long (at most %(max)d characters).") % {"max": MAX_INPUT_LENGTH})
        )
    if any(unicodedata.category(ch).startswith("C") for ch in text):
        raise RocDateError(str(_("The date contains control characters.")))
    cleaned = text.translate(_FULL_WIDTH).strip()

    if match := _GREGORIAN.fullmatch(cleaned):
        year, month, day = int(match[1]), int(match[3]), int(match[4])
        if not ROC_OFFSET < year <= ROC_OFFSET + MAX_ROC_YEAR:
            raise RocDateError(
                str(
                    _("A Gregorian year must be from 1912 to 2111; %(year)d is outside that range.")
                    % {"year": year}
                )
            )
        return _build(year, month, day)

    match = _ROC_WORDS.fullmatch(cleaned)
    if match:
        year, month, day = int(match[1]), int(match[2]), int(match[3])
    elif match := _ROC_NUMERIC.fullmatch(cleaned):
        year, month, day = int(match[1]), int(match[3]), int(match[4])
    elif match := _ROC_COMPACT.fullmatch(cleaned):
        year, month, day = int(match[1]), int(match[2]), int(match[3])
    else:
        raise RocDateError(
            str(_("Enter a date in the ROC calendar, such as 115年11月22日, 115/11/22 or 1151122."))
        )
    if not 1 <= year <= MAX_ROC_YEAR:
        raise RocDateError(
            str(_("The ROC year must be from 1 to 200; %(year)d is outside that range.") % {"year": year})
        )
    return _build(year + ROC_OFFSET, month, day)


def _build(year: int, month: int, day: int) -> date:
    """The date, or a message that names the part that is out of range."""
    if not 1 <= month <= 12:
        raise RocDateError(
            str(_("The month must be from 1 to 12; %(month)d is not a month.") % {"month": month})
        )
    try:
        return date(year, month, day)
    except ValueError:
        raise RocDateError(
            str(
                _("ROC year %(year)d, month %(month)d has no day %(day)d.")
                % {"year": year - ROC_OFFSET, "month": month, "day": day}
            )
        ) from None
