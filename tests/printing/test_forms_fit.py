"""Every printed form fits its page: rendered through its view with long, realistic data (four-
character names, a ministry's full name as addressee, long registered-mail numbers), each run of
glyphs in the PDF is read back with its position (tests/printing/layout.py) and must lie inside the
page, and no two runs on a line may overlap (text that ran out of its column into the next).
The names and the last columns are then looked for whole in the printed text: 王收發 is not 王收."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from classification import Level, TransitMethod
from registry.models import PartyDecision, User
from tests.printing.conftest import pdf_text
from tests.printing.layout import outside_the_page, overlapping, runs
from tests.printing.test_later_life_forms import pr_inventory, pr_party_request  # noqa: F401
from tests.printing.test_meeting_forms import pr_meeting  # noqa: F401

pytestmark = pytest.mark.django_db

NAMES = {
    "clerk": "王收發",
    "supervisor": "歐陽主管",
    "handler": "司馬承辦",
    "colleague": "李承辦",
    "outsider": "諸葛局外",
    "ethics": "上官政風",
    "archivist": "東方檔管",
}
ADDRESSEE = "國防部參謀本部作戰及計畫參謀次長室聯合作戰計畫處"
ADDRESS = "100012 臺北市中正區重慶南路一段122號國防部大樓第三辦公區機要收發室"
REGISTERED_NO = "臺北郵局國內掛號第A1234567890123456789號"
CARRIER = "機要科專責傳送人員歐陽大明"


@pytest.fixture
def long_names(pr_office):
    for role, name in NAMES.items():
        User.objects.filter(pk=getattr(pr_office, role).pk).update(full_name=name)
    return NAMES


def assert_fits(content: bytes, *, whole: tuple[str, ...] = ()) -> str:
    """The PDF's text lies on its pages, no column runs into the next, and each of ``whole``
    appears unbroken; returns the text."""
    _sizes, found = runs(content)
    assert found, "no text found in the PDF"
    out = outside_the_page(content)
    assert not out, f"text outside the page: {out[:5]}"
    over = overlapping(content)
    assert not over, f"text running into the next column: {over[:5]}"
    text = re.sub(r"[ \t]+", " ", pdf_text(content))
    for expected in whole:
        assert expected in text, f"{expected!r} is not printed whole"
    return text


def _pdf(client, user, url) -> bytes:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    return response.content


@pytest.fixture
def busy_day(pr_office, pr_document, pr_distribute, pr_dispatch, long_names):
    """A 絕對機密 document distributed to three people and carried by hand, and a 機密 one sent by
    double-registered post and by courier, all with long particulars."""
    document = pr_document(
        level=Level.TOP_SECRET,
        original_agency="國防部參謀本部資通電軍指揮部",
        sender="國防部參謀本部資通電軍指揮部",
        sender_ref="國通資字第11500000012345號",
        copies_count=50,
    )
    pr_distribute(document, pr_office.colleague, pr_office.archivist, pr_office.outsider)
    by_post = pr_document(level=Level.CONFIDENTIAL, original_agency="內政部警政署保安警察第三總隊")
    dispatches = [
        pr_dispatch(by_post, recipient=ADDRESSEE, address=ADDRESS, registered_no=REGISTERED_NO),
        pr_dispatch(by_post, recipient=ADDRESSEE, address=ADDRESS, method=TransitMethod.COURIER, registered_no="",
                    carrier=CARRIER),
        pr_dispatch(document, recipient=ADDRESSEE, address=ADDRESS, method=TransitMethod.BY_HAND, registered_no="",
                    carrier=CARRIER),
    ]
    return document, dispatches


def test_the_dispatch_list_keeps_its_last_column_and_whole_names(client, pr_office, busy_day):
    """The landscape 封發清單 once lost its 封發人 column past the right edge (王收發 printed as 王收)."""
    content = _pdf(client, pr_office.clerk, reverse("print:dispatch_list", args=[timezone.localdate().isoformat()]))
    text = assert_fits(content, whole=("封發人", "王收發", "封發時間", "份號"))
    assert text.count("王收發") >= 3


def test_the_distribution_register_fits_with_a_signature_column(client, pr_office, busy_day):
    document, _ = busy_day
    content = _pdf(client, pr_office.handler, reverse("print:distribution_register", args=[document.pk]))
    text = assert_fits(content, whole=("受領人簽章", "繳回", "李承辦", "東方檔管", "諸葛局外"))
    assert "第3份" in text


@pytest.mark.parametrize("form", ["cover_sheet", "envelope_inner", "envelope_outer"])
def test_the_cover_sheet_and_envelopes_fit(client, pr_office, busy_day, form):
    document, dispatches = busy_day
    pk = document.pk if form == "cover_sheet" else dispatches[0].pk
    content = _pdf(client, pr_office.handler, reverse(f"print:{form}", args=[pk]))
    whole = () if form == "cover_sheet" else (ADDRESSEE,)
    assert_fits(content, whole=whole)


def test_the_destruction_inventory_fits(client, pr_office, pr_inventory, long_names):  # noqa: F811
    inventory, _documents = pr_inventory(count=3)
    content = _pdf(client, pr_office.archivist, reverse("print:destruction_inventory", args=[inventory.pk]))
    assert_fits(content)


def test_the_party_letter_fits(client, pr_office, pr_party_request, long_names):  # noqa: F811
    request, _document = pr_party_request(
        PartyDecision.PARTIAL,
        grounds=[3],
        released_part="會議紀錄第1頁至第12頁（已遮蔽個人資料）及附件一至附件五之統計表",
        conditions="於本府秘書處機要科指定場所，由承辦人員在場監督下閱覽",
        reasons="卷內其餘部分涉及他人之個人資料及營業秘密，依法應予限制。",
    )
    content = _pdf(client, pr_office.clerk, reverse("print:party_letter", args=[request.pk]))
    assert_fits(content)


def test_the_inspection_report_fits(client, pr_office, busy_day):
    content = _pdf(client, pr_office.ethics, reverse("print:inspection_report"))
    assert_fits(content)


@pytest.mark.parametrize("form", ["meeting_attendance", "meeting_recall"])
def test_the_meeting_forms_fit(client, pr_office, pr_meeting, long_names, form):  # noqa: F811
    content = _pdf(client, pr_office.handler, reverse(f"print:{form}", args=[pr_meeting.pk]))
    assert_fits(content, whole=("李承辦", "上官政風"))


def test_every_printed_form_is_checked_here():
    """A new printed form needs its fit test in this module."""
    from registry.printing import TEMPLATES

    source = Path(__file__).read_text(encoding="utf-8")
    missing = [name for name in TEMPLATES if f'"{name}"' not in source and f"print:{name}" not in source]
    assert not missing, f"printed forms without a fit test: {missing}"


def test_the_checker_sees_text_past_the_right_edge():
    """The check itself: a row wider than the landscape page is found outside it."""
    from registry.printing import render_pdf

    html_rows = [{"number": "115收000001", "level_label": "機密", "level_colour": "#000", "recipient": "甲",
                  "method": "雙掛號", "registered_no": "", "carrier": "", "copy_number": None, "time": "09:00",
                  "dispatched_by": "王收發"}]
    from django.template import engines

    template = engines["django"].from_string(
        '{% extends "pdf/dispatch_list.html" %}{% block extra_css %}{{ block.super }}'
        "table.list th, table.list td { box-sizing: content-box; padding: 0.8mm 6mm; }{% endblock %}"
    )
    html = template.render({"day_roc": "115年12月2日", "rows": html_rows, "highest": None, "agency_name": "臺中市政府"})
    from weasyprint import HTML

    from registry.printing.render import base_url

    content = HTML(string=html, base_url=base_url()).write_pdf()
    assert outside_the_page(content)
    assert render_pdf  # the forms above go through the registry's own renderer


LONG_UNIT = "國防部參謀本部資通電軍指揮部資訊作業處機要科"


def test_the_register_fits_with_long_subjects_agencies_and_numbers(client, pr_office, pr_document, long_names):
    """登記簿 (landscape, twelve columns): a subject at the printed length, the longest agencies and
    文號, and four-character custodians keep to their columns and the page."""
    from registry.printing.register import SUBJECT_CHARACTERS

    type(pr_office.confidential).objects.filter(pk__in=[pr_office.confidential.pk, pr_office.secretariat.pk]).update(
        name=LONG_UNIT
    )
    subject = ("國土安全暨關鍵基礎設施防護演習計畫第二階段" * 4)[:SUBJECT_CHARACTERS]
    for level, agency in ((Level.TOP_SECRET, "國防部參謀本部資通電軍指揮部"), (Level.CONFIDENTIAL, "內政部警政署保安警察第三總隊")):
        for n in range(8):  # more than a sheet, so the second page is checked too
            pr_document(level=level, subject=subject, original_agency=agency, sender=agency,
                        sender_ref=f"國通資字第1150000001234{n}號")
    content = _pdf(client, pr_office.handler, reverse("print:register"))  # the custodian reads the subjects
    text = assert_fits(content, whole=("保管人", "主辦單位", "司馬承辦", "共16筆"))
    assert text.count("司馬承辦") >= 16
    assert "密不錄由" not in text and re.sub(r"\s", "", text).count(subject) == 16


def test_the_handover_list_fits_with_long_names_units_and_numbers(client, pr_office, pr_document, long_names):
    """移交清冊: long unit names beside the people, a long note, and every item by number."""
    from registry.models import HandoverReason
    from registry.services.people import handover_record

    type(pr_office.confidential).objects.filter(pk=pr_office.confidential.pk).update(name=LONG_UNIT)
    documents = [
        pr_document(level=level, original_agency="內政部警政署保安警察第三總隊", sender_ref=f"國通資字第1150000001234{n}號")
        for n, level in enumerate((Level.TOP_SECRET, Level.CONFIDENTIAL, Level.OFFICIAL_SECRET))
    ]
    handover = handover_record(
        actor=pr_office.supervisor, person=User.objects.get(pk=pr_office.handler.pk),
        successor=User.objects.get(pk=pr_office.colleague.pk), reason=HandoverReason.TRANSFER,
        note="奉派調任國防部參謀本部資通電軍指揮部資訊作業處，所經管機密文書及借調中文件全數移交",
    )
    content = _pdf(client, pr_office.supervisor, reverse("print:handover_list", args=[handover.pk]))
    text = assert_fits(content, whole=("司馬承辦", "李承辦", "歐陽主管", "監交人", *(d.number for d in documents)))
    assert "絕對機密" in text
