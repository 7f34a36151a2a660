"""登記簿, printed: the register's entries for a period and series, in sheets of a fixed number of
rows. Each sheet starts on a new page with the highest level among its own rows in the top-left
margin box (國家機密保護法第17條: a page listing several items takes the highest of their levels),
so a sheet of 密 entries is not marked 絕對機密 because another page lists one."""

from __future__ import annotations

from itertools import islice

from registry.printing.common import _printing, roc_date
from registry.selectors.register_export import COLUMNS, highest_level

ROWS_PER_SHEET = 14
# A printed register longer than this is cut, and says so: narrow the period or the series.
PRINT_LIMIT = 1400
SUBJECT_CHARACTERS = 60


def register_print_context(rows, *, date_from=None, date_to=None, series_label="", printed_by=None) -> dict:
    """``rows`` (``register_rows``) split into sheets, each with its own highest level."""
    rows = list(islice(rows, PRINT_LIMIT + 1))
    cut = len(rows) > PRINT_LIMIT
    rows = rows[:PRINT_LIMIT]
    for row in rows:
        subject = row.values["subject"]
        if len(subject) > SUBJECT_CHARACTERS:
            row.values["subject"] = subject[: SUBJECT_CHARACTERS - 1] + "…"
    sheets = []
    for start in range(0, len(rows), ROWS_PER_SHEET):
        chunk = rows[start : start + ROWS_PER_SHEET]
        sheets.append({"rows": chunk, "highest": highest_level(chunk), "first": start + 1})
    return {
        "columns": COLUMNS,
        "sheets": sheets,
        "total": len(rows),
        "cut": cut,
        "limit": PRINT_LIMIT,
        "highest": highest_level(rows),
        "date_from": roc_date(date_from),
        "date_to": roc_date(date_to),
        "series_label": series_label,
        **_printing(printed_by),
    }
