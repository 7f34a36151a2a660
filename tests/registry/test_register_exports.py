"""The register's exports and its printed form (登記簿): the same entries and masking as the page,
ROC dates, formula cells neutralised, each export audited; every printed page marked at the top left
with the highest level among its own rows."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from classification import Level, format_roc_short
from registry.models import AuditAction, AuditEvent, DocumentState
from registry.printing.register import ROWS_PER_SHEET
from tests.factories import register_document

pytestmark = pytest.mark.django_db

SECRET_SUBJECT = "不得外流之主旨"


@pytest.fixture
def known_and_unknown(walk, clerk):
    """One document the archivist does not know (in handling) and one the clerk registered with a
    subject that starts like a formula."""
    hidden = walk(DocumentState.IN_HANDLING, subject=SECRET_SUBJECT)
    formula = register_document(clerk, subject="=HYPERLINK(\"http://x\")", sender_ref="-1+1")
    return hidden, formula


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))


def test_the_csv_masks_what_the_reader_does_not_know_and_uses_roc_dates(client, archivist, known_and_unknown):
    hidden, _formula = known_and_unknown
    client.force_login(archivist)

    response = client.get(reverse("registry:register_export"))
    rows = csv_rows(response)

    assert response["Content-Disposition"].endswith('.csv"')
    assert rows[0][:4] == ["登記號", "收發別", "密等", "主旨"]
    by_number = {row[0]: row for row in rows[1:]}
    assert by_number[hidden.number][3] == "密不錄由"
    assert SECRET_SUBJECT not in "".join(",".join(r) for r in rows)
    assert by_number[hidden.number][6] == format_roc_short(hidden.received_on)


def test_the_csv_shows_the_subject_to_who_knows_it_and_neutralises_formulas(client, clerk, known_and_unknown):
    _hidden, formula = known_and_unknown
    client.force_login(clerk)

    rows = csv_rows(client.get(reverse("registry:register_export"), {"q": "-1+1"}))

    assert len(rows) == 2
    assert rows[1][0] == formula.number
    assert rows[1][3].startswith("'=") and rows[1][5] == "'-1+1"


def test_the_xlsx_has_the_same_rows_and_the_export_is_audited_with_its_filters(client, archivist, known_and_unknown):
    hidden, _formula = known_and_unknown
    client.force_login(archivist)
    before = AuditEvent.objects.filter(action=AuditAction.PRINT).count()

    response = client.get(reverse("registry:register_export"), {"format": "xlsx", "level": int(Level.CONFIDENTIAL)})
    sheet = load_workbook(io.BytesIO(response.content), read_only=True)["登記簿"]
    values = [list(row) for row in sheet.iter_rows(values_only=True)]

    assert values[0][0] == "登記號"
    numbers = {row[0] for row in values[1:]}
    assert hidden.level == Level.CONFIDENTIAL and hidden.number in numbers
    assert all(row[2] == Level.CONFIDENTIAL.label for row in values[1:])
    assert all(SECRET_SUBJECT not in str(cell) for row in values for cell in row)
    event = AuditEvent.objects.filter(action=AuditAction.PRINT).order_by("-seq").first()
    assert AuditEvent.objects.filter(action=AuditAction.PRINT).count() == before + 1
    details = json.loads(event.details) if isinstance(event.details, str) else event.details
    assert details["form"] == "register_xlsx" and details["filters"]["level"] == int(Level.CONFIDENTIAL)


def test_a_person_without_a_register_exports_an_empty_file(client, everyone, known_and_unknown):
    client.force_login(everyone["outsider"])
    rows = csv_rows(client.get(reverse("registry:register_export")))
    assert rows == [["登記號", "收發別", "密等", "主旨", "來文機關", "來文文號", "收文日期", "登記日期", "狀態", "主辦單位",
                     "保管人"]]


def _top_left_text(page) -> str:
    """The text drawn in the top-left corner of a page (the level's margin box)."""
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    parts: list[str] = []

    def visit(text, cm, tm, font_dict, font_size):
        x, y = tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]
        if x < width / 3 and y > height - 80:
            parts.append(text)

    page.extract_text(visitor_text=visit)
    return "".join(parts)


def test_the_printed_register_marks_each_page_with_the_highest_level_on_it(client, clerk, settings):
    # Registered oldest first: the newest sheet holds only 密 entries, the next one a 機密 entry.
    oldest = register_document(clerk, level=Level.CONFIDENTIAL, subject="較舊之機密文書")
    newer = [register_document(clerk, level=Level.OFFICIAL_SECRET, subject=f"一般公務機密{n}")
             for n in range(ROWS_PER_SHEET)]
    client.force_login(clerk)

    response = client.get(reverse("print:register"))
    reader = PdfReader(io.BytesIO(response.content))

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert len(reader.pages) == 2
    first, second = (_top_left_text(page) for page in reader.pages)
    assert Level.OFFICIAL_SECRET.label in first and Level.CONFIDENTIAL.label not in first
    assert Level.CONFIDENTIAL.label in second
    text = "".join(page.extract_text() for page in reader.pages)
    assert oldest.number in text and newer[-1].number in text
