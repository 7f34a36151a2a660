"""Reading a paper register typed into a spreadsheet (CSV or XLSX) for ``services.imports``.

The layout is one header row with the column titles below (any order; unknown columns are an
error, so a typo is not silently dropped), then one document per row. ``template_csv`` gives the
file a clerk fills in. Everything read is text; the service checks and converts each cell.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime

from django.utils.translation import gettext as _

# (title in the file, key, required, what to write)
COLUMNS = (
    ("登記號", "number", True, "115收000012：年度、收/發/內、流水號"),
    ("密等", "level", True, "密、機密、極機密、絕對機密 或 限閱"),
    ("主旨", "subject", True, "文書主旨"),
    ("原核定機關", "original_agency", True, "核定密等之機關"),
    ("核定人", "approving_official", True, "核定密等之人員"),
    ("核定日期", "approval_date", False, "民國日期，如 115/11/20"),
    ("保密期限（年）", "protection_years", False, "整數年"),
    ("解密日期", "declass_date", False, "民國日期：本件至該日解密"),
    ("解密條件", "declass_event", False, "如：公布後解密"),
    ("來文機關", "sender", False, "收文者填"),
    ("來文文號", "sender_ref", False, "收文者填"),
    ("授權文號", "authorization_ref", False, "國家機密收文：原核定機關之書面授權文號"),
    ("授權人", "authorization_by", False, "國家機密收文：授權之人"),
    ("收文日期", "received_on", False, "民國日期"),
    ("登記日期", "registered_on", True, "民國日期"),
    ("主辦單位代碼", "unit", True, "單位代碼"),
    ("保管人帳號", "custodian", False, "仍在承辦者：保管人之登入帳號（與存放位置擇一）"),
    ("存放位置代碼", "location", False, "已歸檔者：檔案櫃代碼（與保管人擇一）"),
    ("頁數", "pages", False, "整數，預設 1"),
    ("份數", "copies_count", False, "整數，預設 1"),
)
TITLES = {title: key for title, key, _required, _note in COLUMNS}
MAX_ROWS = 100_000
MAX_BYTES = 50 * 1024 * 1024


class TableError(ValueError):
    """The file itself cannot be read as a register (not its rows: those are checked one by one)."""


@dataclass
class Table:
    rows: list[dict[str, str]]  # key → text, in file order; row numbers start at 2 (after the header)


def template_csv() -> str:
    """The file to fill in: the header, and a line saying what each column takes."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([title for title, *_rest in COLUMNS])
    writer.writerow([f"（{note}）" for *_rest, note in COLUMNS])
    return "\ufeff" + out.getvalue()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _cells(values) -> list[str]:
    return [_cell(v) for v in values]


def read_table(content: bytes, filename: str) -> Table:
    """The rows of a CSV (UTF-8, with or without a byte-order mark) or XLSX file."""
    if len(content) > MAX_BYTES:
        raise TableError(_("The file is larger than 50 MB; split the register into several files."))
    if filename.lower().endswith(".xlsx"):
        lines = _xlsx_lines(content)
    else:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise TableError(_("The file is not UTF-8 text; save it as CSV UTF-8 or as an Excel workbook.")) from None
        if "\x00" in text:
            raise TableError(_("The file contains NUL characters; it is not a CSV file."))
        lines = [_cells(line) for line in csv.reader(io.StringIO(text))]
    lines = [line for line in lines if any(line)]
    if not lines:
        raise TableError(_("The file is empty."))
    header = lines[0]
    unknown = [title for title in header if title and title not in TITLES]
    if unknown:
        raise TableError(_("Unknown columns: %(columns)s. Use the titles of the template.") % {"columns": "、".join(unknown)})
    missing = [title for title, _key, required, _note in COLUMNS if required and title not in header]
    if missing:
        raise TableError(_("Missing columns: %(columns)s.") % {"columns": "、".join(missing)})
    keys = [TITLES.get(title, "") for title in header]
    body = [line for line in lines[1:] if not (line and line[0].startswith("（"))]
    if len(body) > MAX_ROWS:
        raise TableError(_("At most %(max)s rows at a time.") % {"max": f"{MAX_ROWS:,}"})
    rows = []
    for line in body:
        padded = line + [""] * (len(keys) - len(line))
        rows.append({key: value for key, value in zip(keys, padded, strict=False) if key})
    return Table(rows=rows)


def _xlsx_lines(content: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise TableError(_("The file is not an Excel workbook (.xlsx) that can be read.")) from None
    sheet = workbook.worksheets[0]
    return [_cells(row) for row in sheet.iter_rows(values_only=True)]
