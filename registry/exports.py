"""Files of the register for a spreadsheet: CSV (streamed, UTF-8 with a byte-order mark so Excel
reads the Chinese) and XLSX (openpyxl's write-only workbook: rows are written as they are read).
A cell a spreadsheet would read as a formula gets a leading quote in both (``neutralise``)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from registry.review.export import BOM, neutralise
from registry.selectors.register_export import COLUMNS, EXPORT_LIMIT, RegisterRow

CUT_NOTE = f"（僅列前 {EXPORT_LIMIT:,} 筆；請以條件縮小範圍）"


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[RegisterRow]) -> Iterator[str]:
    """The header and one line per entry; a last line says so when the list was cut."""
    writer = csv.writer(_Echo())
    yield BOM + writer.writerow([title for _key, title in COLUMNS])
    count = 0
    for row in rows:
        count += 1
        yield writer.writerow([neutralise(row.values[key]) for key, _title in COLUMNS])
    if count >= EXPORT_LIMIT:
        yield writer.writerow([CUT_NOTE])


def xlsx_bytes(rows: Iterable[RegisterRow]) -> bytes:
    """The same columns in one sheet, 登記簿."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("登記簿")
    sheet.append([title for _key, title in COLUMNS])
    count = 0
    for row in rows:
        count += 1
        sheet.append([neutralise(row.values[key]) for key, _title in COLUMNS])
    if count >= EXPORT_LIMIT:
        sheet.append([CUT_NOTE])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
