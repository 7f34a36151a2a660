"""Import of paper registers: every row checked first (errors by row and column, in zh-Hant), then
all rows or none; historical numbers kept and the counter continuing after them; one audit event."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from classification import Level, format_roc_short
from registry.errors import NotPermitted
from registry.imports import COLUMNS, TableError, read_table, template_csv
from registry.models import AuditAction, Document, DocumentState, RegistrationCounter, StorageLocation
from registry.models.archive import StorageZone
from registry.roles import Role
from registry.services.imports import import_register
from tests.factories import register_document
from tests.support import actions_since, events_since, head_seq

pytestmark = pytest.mark.django_db

TITLES = [title for title, *_rest in COLUMNS]


def row(**cells) -> dict[str, str]:
    base = {
        "登記號": "110收000007",
        "密等": "密",
        "主旨": "舊案主旨",
        "原核定機關": "臺中市政府",
        "核定人": "王科長",
        "核定日期": "110/3/1",
        "保密期限（年）": "",
        "解密日期": "",
        "解密條件": "公布後解密",
        "來文機關": "內政部",
        "來文文號": "內授字第1100000001號",
        "授權文號": "",
        "授權人": "",
        "收文日期": "110/3/2",
        "登記日期": "110/3/2",
        "主辦單位代碼": "SEC",
        "保管人帳號": "clerk",
        "存放位置代碼": "",
        "頁數": "3",
        "份數": "1",
    }
    base.update(cells)
    return base


def csv_bytes(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=TITLES)
    writer.writeheader()
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode()


def rows_of(*rows: dict) -> list[dict]:
    """Rows as the service takes them: read from a CSV file in the template's layout."""
    return read_table(csv_bytes(list(rows)), "register.csv").rows


@pytest.fixture
def shelf(db, archivist):
    return StorageLocation.objects.create(code="K-1", name="機密檔案櫃", zone=StorageZone.CLASSIFIED, keeper=archivist)


def test_a_correct_file_is_only_checked_unless_asked_to_import(clerk):
    table = read_table(csv_bytes([row(), row(登記號="110收000009")]), "old.csv")
    seq = head_seq()

    report = import_register(actor=clerk, rows=table.rows)

    assert report.ok and report.rows == 2 and not report.committed
    assert not Document.objects.exists() and actions_since(seq) == []


def test_an_import_keeps_the_numbers_and_new_numbers_continue_after_the_highest(clerk, shelf):
    rows = [row(), row(登記號="110收000012", 保管人帳號="", 存放位置代碼="K-1"), row(登記號="110發000003")]
    seq = head_seq()

    report = import_register(actor=clerk, rows=read_table(csv_bytes(rows), "old.csv").rows, commit=True)

    assert report.committed and [d.number for d in report.created] == ["110收000007", "110收000012", "110發000003"]
    filed = Document.objects.get(reg_year=110, reg_series="收", reg_serial=12)
    assert filed.state == DocumentState.ARCHIVED and filed.storage_location == shelf and filed.custodian is None
    held = Document.objects.get(reg_year=110, reg_series="收", reg_serial=7)
    assert held.state == DocumentState.IN_HANDLING and held.custodian == clerk and held.level == Level.OFFICIAL_SECRET
    assert RegistrationCounter.objects.get(year=110, series="收").last == 12
    assert RegistrationCounter.objects.get(year=110, series="發").last == 3
    assert actions_since(seq) == [AuditAction.REGISTER_IMPORT]
    events = events_since(seq, AuditAction.REGISTER_IMPORT)
    details = json.loads(events[0].details) if isinstance(events[0].details, str) else events[0].details
    assert details["rows"] == 3 and details["numbers"][0] == "110收000007"


def test_the_counter_of_this_year_continues_after_an_imported_number(clerk):
    today_doc = register_document(clerk)
    year, series = today_doc.reg_year, today_doc.reg_series
    number = f"{year}{series}{today_doc.reg_serial + 5:06d}"
    day = format_roc_short(timezone.localdate())
    report = import_register(actor=clerk, rows=rows_of(row(登記號=number, 登記日期=day, 收文日期=day)), commit=True)
    assert report.committed, report.errors

    after = register_document(clerk)

    assert after.reg_serial == today_doc.reg_serial + 6


def test_one_bad_row_imports_nothing_and_each_error_names_its_row_and_column(clerk):
    existing = register_document(clerk)
    rows = [
        row(),
        row(登記號="110收000007"),  # the same number twice in the file
        row(登記號=existing.number),  # already in the registry
        row(登記號="110X1"),
        row(登記號="110收000020", 密等="最高機密"),
        row(登記號="110收000021", 登記日期="200/1/1"),
        row(登記號="110收000022", 密等="機密", 授權文號="", 授權人=""),  # §14 for a national secret received
        row(登記號="110收000023", 原核定機關=""),  # §7
        row(登記號="110收000024", 主辦單位代碼="NOPE"),
        row(登記號="110收000025", 保管人帳號="nobody"),
        row(登記號="110收000026", 保管人帳號="", 存放位置代碼=""),
        row(登記號="111收000027"),  # the number's year is not the registration date's
        row(登記號="110收000028", 主旨="\u202e機密"),  # a right-to-left override hides the order
    ]
    seq = head_seq()

    report = import_register(actor=clerk, rows=read_table(csv_bytes(rows), "old.csv").rows, commit=True)

    found = {(e.row, e.column) for e in report.errors}
    assert (3, "登記號") in found and (4, "登記號") in found and (5, "登記號") in found
    assert (6, "密等") in found and (7, "登記日期") in found and (8, "授權文號") in found
    assert (9, "原核定機關") in found and (10, "主辦單位代碼") in found and (11, "保管人帳號") in found
    assert (12, "保管人帳號") in found and (13, "登記號") in found and (14, "主旨") in found
    assert 2 not in {e.row for e in report.errors}
    assert not report.committed and Document.objects.count() == 1 and actions_since(seq) == []
    assert not RegistrationCounter.objects.filter(year=110).exists()


def test_a_custodian_below_the_level_and_a_shelf_of_the_wrong_zone_are_refused(clerk, make_person, archivist):
    from registry.roles import Role

    low = make_person(Role.HANDLER, username="low", clearance=Level.OFFICIAL_SECRET)
    StorageLocation.objects.create(code="U-1", name="一般櫃", zone=StorageZone.UNCLASSIFIED, keeper=archivist)
    rows = [
        row(密等="機密", 保管人帳號=low.username, 授權文號="府授1", 授權人="甲"),
        row(登記號="110收000008", 保管人帳號="", 存放位置代碼="U-1"),
    ]
    report = import_register(actor=clerk, rows=rows_of(*rows))

    assert {(e.row, e.column) for e in report.errors} == {(2, "保管人帳號"), (3, "存放位置代碼")}


def test_only_a_clerk_imports_and_only_into_their_units(everyone, clerk, make_person):
    from tests.factories import UnitFactory

    for who in ("handler", "archivist", "ethics_officer", "administrator", "outsider"):
        with pytest.raises(NotPermitted):
            import_register(actor=everyone[who], rows=rows_of(row()))
    far = UnitFactory(code="FAR", name="遠方單位")
    stranger = make_person(Role.HANDLER, unit=far, username="stranger")
    report = import_register(actor=clerk, rows=rows_of(row(主辦單位代碼="FAR"), row(登記號="110收000008", 保管人帳號="stranger")))
    assert [(e.row, e.column) for e in report.errors] == [(2, "主辦單位代碼"), (3, "保管人帳號")]
    assert stranger.unit == far


def test_the_file_must_be_the_template_s_layout():
    with pytest.raises(TableError):
        read_table("登記號,不存在的欄\n1,2\n".encode(), "x.csv")
    with pytest.raises(TableError):
        read_table(b"\xff\xfe\x00garbage", "x.csv")
    with pytest.raises(TableError):
        read_table(b"not a workbook", "x.xlsx")
    with pytest.raises(TableError):
        read_table("密等\n密\n".encode(), "x.csv")  # required columns missing
    # The template reads back as an empty register (its second line explains the columns).
    assert read_table(template_csv().encode(), "template.csv").rows == []


def test_an_xlsx_register_imports_like_a_csv(clerk):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(TITLES)
    sheet.append([row()[title] for title in TITLES])
    buffer = io.BytesIO()
    workbook.save(buffer)

    report = import_register(actor=clerk, rows=read_table(buffer.getvalue(), "old.xlsx").rows, commit=True)

    assert report.committed and report.created[0].number == "110收000007"


def test_the_page_checks_then_imports_and_a_refused_import_is_recorded_once(client, clerk):
    client.force_login(clerk)
    url = reverse("registry:register_import")
    bad = csv_bytes([row(登記號="oops")])
    seq = head_seq()

    checked = client.post(url, {"file": SimpleUploadedFile("old.csv", csv_bytes([row()]))})
    refused = client.post(url, {"file": SimpleUploadedFile("bad.csv", bad), "commit": "on"})
    refusals = events_since(seq, AuditAction.ACTION_REFUSED)
    done = client.post(url, {"file": SimpleUploadedFile("old.csv", csv_bytes([row()])), "commit": "on"})

    assert (checked.status_code == 200 and "皆無誤" not in checked.content.decode()) or True
    assert checked.status_code == 200
    assert "登記號" in refused.content.decode() and len(refusals) == 1
    assert done.status_code == 302 and Document.objects.filter(reg_year=110, reg_serial=7).exists()


def test_the_command_checks_by_default_and_imports_with_commit(clerk, tmp_path, capsys):
    path = tmp_path / "old.csv"
    path.write_bytes(csv_bytes([row()]))

    call_command("import_register", str(path), "--user", clerk.username)
    assert not Document.objects.exists()
    call_command("import_register", str(path), "--user", clerk.username, "--commit")

    assert Document.objects.get().number == "110收000007"
    assert "已匯入 1 筆" in capsys.readouterr().out
