"""Printed forms: each PDF opens, has the right pages, and carries its marking as TEXT.

The level label and the registration number are checked in the text pypdf extracts, page by page:
a glyph missing from the font fails silently in a PDF, and a marking that is only a picture would
not be found either.
"""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from classification import Level
from registry.models import AuditAction, AuditEvent, DocumentCopy
from registry.printing import check_resource_url, harfbuzz_subsetting
from tests.printing.conftest import pdf_pages, pdf_reader

ALL_LABELS = [level.label for level in Level]


def _get(client, user, url):
    client.force_login(user)
    return client.get(url)


def _events(action, **filters):
    return list(AuditEvent.objects.filter(action=action, **filters).order_by("seq"))


def _assert_pdf(response, filename_prefix):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith(f'inline; filename="{filename_prefix}')
    assert disposition.isascii()
    assert response.content.startswith(b"%PDF-")


# --- cover sheet ------------------------------------------------------------------------------


@pytest.mark.parametrize("level", list(Level), ids=lambda level: level.name)
def test_cover_sheet_is_one_page_with_level_and_number_as_text(client, pr_office, pr_document, level):
    doc = pr_document(level=level)
    response = _get(client, pr_office.handler, reverse("print:cover_sheet", args=[doc.pk]))
    _assert_pdf(response, "cover-sheet-")
    pages = pdf_pages(response.content)
    assert len(pages) == 1
    text = pages[0]
    assert level.label in text
    assert doc.number in text
    assert doc.subject in text
    assert doc.marking_text in text
    assert "國防部" in text and "王部長" in text
    assert doc.approval_date_roc in text
    assert "原本" in text


def test_cover_sheet_of_a_reproduction_says_so_with_its_copy_number(client, pr_office, pr_document, pr_distribute):
    doc = pr_document(level=Level.SECRET, copies_count=1)  # registered in one copy: a reproduction is copy 2
    pr_distribute(doc, pr_office.colleague)  # copy 1
    from registry.services import distribution as dist_svc

    request = dist_svc.reproduction_request(document=doc, actor=pr_office.handler, kind="copy", reason="會議使用")
    dist_svc.reproduction_decide(request=request, actor=pr_office.supervisor, approve=True, reason="准")  # copy 2
    response = _get(client, pr_office.handler, reverse("print:cover_sheet", args=[doc.pk]) + "?copy=2")
    _assert_pdf(response, "cover-sheet-")
    pages = pdf_pages(response.content)
    assert len(pages) == 1
    text = re.sub(r"\s+", " ", pages[0])
    assert "極機密" in text and doc.number in text
    assert "第 2 份／共 2 份" in text
    assert "複製物" in text
    # The first copy is no reproduction.
    first = _get(client, pr_office.handler, reverse("print:cover_sheet", args=[doc.pk]) + "?copy=1")
    first_text = re.sub(r"\s+", " ", pdf_pages(first.content)[0])
    assert "第 1 份／共 2 份" in first_text
    assert "複製物" not in first_text


def test_cover_sheet_print_is_audited(client, pr_office, pr_document, pr_distribute):
    doc = pr_document()
    pr_distribute(doc, pr_office.colleague)
    response = _get(client, pr_office.colleague, reverse("print:cover_sheet", args=[doc.pk]) + "?copy=1")
    assert response.status_code == 200
    [event] = _events(AuditAction.PRINT, document=doc)
    assert event.actor == pr_office.colleague
    assert json.loads(event.details) == {"form": "cover_sheet", "copy": 1}


@pytest.mark.parametrize("query", ["?copy=abc", "?copy=-1", "?copy=1.5", "?copy=99999999999999"])
def test_cover_sheet_with_a_malformed_copy_number_is_a_400_with_a_message(client, pr_office, pr_document, query):
    doc = pr_document()
    response = _get(client, pr_office.handler, reverse("print:cover_sheet", args=[doc.pk]) + query)
    assert response.status_code == 400
    assert response.content.decode()
    assert not _events(AuditAction.PRINT, document=doc)


def test_cover_sheet_of_a_copy_that_does_not_exist_is_a_404(client, pr_office, pr_document):
    doc = pr_document()
    response = _get(client, pr_office.handler, reverse("print:cover_sheet", args=[doc.pk]) + "?copy=7")
    assert response.status_code == 404
    assert not _events(AuditAction.PRINT, document=doc)


# --- distribution register --------------------------------------------------------------------


def test_distribution_register_of_a_few_copies(client, pr_office, pr_document, pr_distribute):
    doc = pr_document()
    pr_distribute(doc, pr_office.colleague, pr_office.archivist)
    response = _get(client, pr_office.handler, reverse("print:distribution_register", args=[doc.pk]))
    _assert_pdf(response, "distribution-register-")
    pages = pdf_pages(response.content)
    assert len(pages) == 1
    text = pages[0]
    assert "機密" in text and doc.number in text
    assert "承辦李" in text and "檔管黃" in text and "機要科" in text
    assert doc.subject not in text
    [event] = _events(AuditAction.PRINT, document=doc)
    assert json.loads(event.details) == {"form": "distribution_register", "copies": 2}


def test_distribution_register_shows_who_returned_a_copy_and_who_still_owes_one(
    client, pr_office, pr_document, pr_distribute
):
    from registry.services import distribution as dist_svc

    doc = pr_document()
    first, _second = pr_distribute(doc, pr_office.colleague, pr_office.archivist)
    dist_svc.copy_recall(document=doc, actor=pr_office.supervisor, reason="會議結束")
    dist_svc.copy_return(copy=first.copy, actor=pr_office.supervisor)
    response = _get(client, pr_office.handler, reverse("print:distribution_register", args=[doc.pk]))
    text = re.sub(r"[ \t]+", " ", pdf_pages(response.content)[0])
    rows = {line.split(" ")[1]: line for line in text.splitlines() if line.startswith("第 ")}
    stamp = re.compile(r"\d{3}/\d{1,2}/\d{1,2} \d{2}:\d{2}")
    # Copy 1: returned by 承辦李 (who no longer holds it): issued, recalled and returned times.
    assert "承辦李" in rows["1"] and "機要科" in rows["1"] and len(stamp.findall(rows["1"])) == 3
    # Copy 2: recalled, still held by 檔管黃: issued and recalled times only.
    assert "檔管黃" in rows["2"] and "秘書處" in rows["2"] and len(stamp.findall(rows["2"])) == 2
    assert "已繳回 1 份" in text and "通知收回未繳回 1 份" in text


def test_distribution_register_of_500_copies_marks_every_page(client, pr_office, pr_document):
    doc = pr_document(level=Level.SECRET)
    holders = [pr_office.colleague, pr_office.supervisor, pr_office.handler]
    now = timezone.now()
    # A rendering test, not a service test: the 500 copies are written directly.
    DocumentCopy.objects.bulk_create(
        DocumentCopy(
            document=doc,
            number=n,
            is_reproduction=n % 7 == 0,
            holder=holders[n % 3],
            issued_at=now,
            signed_at=now if n % 2 else None,
        )
        for n in range(1, 501)
    )
    response = _get(client, pr_office.handler, reverse("print:distribution_register", args=[doc.pk]))
    _assert_pdf(response, "distribution-register-")
    pages = pdf_pages(response.content)
    assert len(pages) > 1
    for number, text in enumerate(pages, start=1):
        assert "極機密" in text, f"page {number} has no level marking"
        assert doc.number in text, f"page {number} has no registration number"
        assert "份號" in text, f"page {number} does not repeat the table header"
    joined = "\n".join(pages)
    assert "第 500 份" in joined and "第 1 份" in joined


# --- envelopes --------------------------------------------------------------------------------


def test_inner_envelope_carries_level_number_recipient_and_seal(client, pr_office, pr_document, pr_dispatch):
    doc = pr_document(level=Level.SECRET)
    dispatch = pr_dispatch(doc)
    response = _get(client, pr_office.handler, reverse("print:envelope_inner", args=[dispatch.pk]))
    _assert_pdf(response, "envelope-inner-")
    pages = pdf_pages(response.content)
    assert len(pages) == 1
    text = pages[0]
    assert "極機密" in text
    assert doc.number in text
    assert "臺中市政府警察局" in text
    assert "密封章" in text
    assert doc.subject not in text
    box = pdf_reader(response.content).pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (220, 110)
    [event] = _events(AuditAction.PRINT, document=doc)
    assert json.loads(event.details) == {"form": "envelope_inner", "dispatch": dispatch.pk}


@pytest.mark.parametrize("level", list(Level), ids=lambda level: level.name)
def test_outer_envelope_shows_no_level_and_no_hint_of_content(client, pr_office, pr_document, pr_dispatch, level):
    doc = pr_document(level=level)
    dispatch = pr_dispatch(doc, method="hand", carrier="承辦張", registered_no="")
    response = _get(client, pr_office.handler, reverse("print:envelope_outer", args=[dispatch.pk]))
    _assert_pdf(response, "envelope-outer-")
    reader = pdf_reader(response.content)
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "臺中市政府警察局" in text
    assert "407 臺中市西屯區文心路二段588號" in text
    for label in ALL_LABELS:
        assert label not in text
    assert "密" not in text  # not even the 密 of 密封章 or 機密
    assert doc.number not in text and doc.subject not in text
    metadata = " ".join(str(v) for v in (reader.metadata or {}).values())
    for label in ALL_LABELS:
        assert label not in metadata
    assert doc.number not in metadata
    assert "envelope-outer-" in response["Content-Disposition"]
    [event] = _events(AuditAction.PRINT, document=doc)
    assert json.loads(event.details) == {"form": "envelope_outer", "dispatch": dispatch.pk}


# --- need-to-know -----------------------------------------------------------------------------


def _document_urls(doc, dispatch):
    return {
        "cover_sheet": reverse("print:cover_sheet", args=[doc.pk]),
        "cover_sheet_copy": reverse("print:cover_sheet", args=[doc.pk]) + "?copy=1",
        "distribution_register": reverse("print:distribution_register", args=[doc.pk]),
        "envelope_inner": reverse("print:envelope_inner", args=[dispatch.pk]),
        "envelope_outer": reverse("print:envelope_outer", args=[dispatch.pk]),
    }


@pytest.mark.parametrize("who", ["outsider", "ethics", "clerk", "other_clerk"])
@pytest.mark.parametrize(
    "form", ["cover_sheet", "cover_sheet_copy", "distribution_register", "envelope_inner", "envelope_outer"]
)
def test_no_need_to_know_means_404_audited_and_no_print(
    client, pr_office, pr_document, pr_distribute, pr_dispatch, who, form
):
    """Role is not need-to-know: the unit's clerk, the ethics office, a colleague in the same unit."""
    doc = pr_document()
    pr_distribute(doc, pr_office.colleague)
    dispatch = pr_dispatch(doc)
    person = getattr(pr_office, who)
    before = AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED).count()
    response = _get(client, person, _document_urls(doc, dispatch)[form])
    assert response.status_code == 404
    denied = _events(AuditAction.ACCESS_DENIED, actor=person)
    assert len(denied) == 1 and AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED).count() == before + 1
    assert denied[0].document_id == doc.pk
    assert json.loads(denied[0].details) == {"requested": doc.pk, "purpose": "print"}
    assert not _events(AuditAction.PRINT)


def test_a_document_or_dispatch_that_does_not_exist_is_a_404_like_any_other(client, pr_office):
    for url in [
        reverse("print:cover_sheet", args=[999999]),
        reverse("print:distribution_register", args=[999999]),
        reverse("print:envelope_inner", args=[999999]),
        reverse("print:envelope_outer", args=[999999]),
    ]:
        assert _get(client, pr_office.handler, url).status_code == 404
    assert len(_events(AuditAction.ACCESS_DENIED, actor=pr_office.handler)) == 4
    assert not _events(AuditAction.PRINT)


def test_need_to_know_by_distribution_is_enough_to_print(client, pr_office, pr_document, pr_distribute):
    doc = pr_document()
    assert _get(client, pr_office.colleague, reverse("print:cover_sheet", args=[doc.pk])).status_code == 404
    pr_distribute(doc, pr_office.colleague)
    assert _get(client, pr_office.colleague, reverse("print:cover_sheet", args=[doc.pk])).status_code == 200


def test_anonymous_is_sent_to_log_in(client, pr_document, pr_dispatch):
    doc = pr_document()
    dispatch = pr_dispatch(doc)
    for url in [*list(_document_urls(doc, dispatch).values()), reverse("print:dispatch_list", args=[timezone.localdate().isoformat()])]:
        response = client.get(url)
        assert response.status_code == 302
        assert "/login/" in response["Location"]
    assert not _events(AuditAction.PRINT)


# --- the day's dispatch list ------------------------------------------------------------------


def test_dispatch_list_of_the_day_for_a_clerk(client, pr_office, pr_document, pr_dispatch):
    from registry.services import documents as doc_svc
    from tests.printing.conftest import registration

    secret = pr_document(level=Level.SECRET)
    official = pr_document(level=Level.OFFICIAL_SECRET, subject="人事調動案", declass_kind="attachment",
                           protection_years=None)
    first = pr_dispatch(secret, recipient="內政部", registered_no="台中郵局 000111")
    second = pr_dispatch(official, method="courier", registered_no="", recipient="臺中市政府地政局")
    # Another unit's document and dispatch: not in this clerk's register.
    foreign = doc_svc.document_register(actor=pr_office.other_clerk, **registration(subject="他局公文"))
    pr_dispatch(foreign, clerk=pr_office.other_clerk, recipient="交通部")

    today = timezone.localdate()
    response = _get(client, pr_office.clerk, reverse("print:dispatch_list", args=[today.isoformat()]))
    _assert_pdf(response, "dispatch-list-")
    pages = pdf_pages(response.content)
    text = "\n".join(pages)
    assert secret.number in text and official.number in text
    assert "內政部" in text and "臺中市政府地政局" in text and "台中郵局 000111" in text
    assert "雙掛號" in text and "傳遞人員傳送" in text
    assert foreign.number not in text and "交通部" not in text
    # Metadata only: no subject, ever.
    assert secret.subject not in text and official.subject not in text
    # The highest level is the list's marking on every page; each row has its own level.
    for page in pages:
        assert "極機密" in page
    assert "密" in text.replace("極機密", "")
    [event] = _events(AuditAction.PRINT, actor=pr_office.clerk)
    details = json.loads(event.details)
    assert event.document_id is None
    assert details == {
        "form": "dispatch_list",
        "day": today.isoformat(),
        "dispatches": [first.pk, second.pk],
        "documents": sorted([secret.pk, official.pk]),
    }


def test_dispatch_list_of_an_empty_day(client, pr_office):
    response = _get(client, pr_office.clerk, reverse("print:dispatch_list", args=["2020-01-01"]))
    _assert_pdf(response, "dispatch-list-2020-01-01")
    text = pdf_pages(response.content)[0]
    assert "本日無封發紀錄" in text and "109年1月1日" in text


def test_dispatch_list_is_for_clerks(client, pr_office):
    """Refused through the one gate of every page: an audited 404, like any page not for the person."""
    response = _get(client, pr_office.handler, reverse("print:dispatch_list", args=["2026-01-01"]))
    assert response.status_code == 404
    [denied] = _events(AuditAction.ACCESS_DENIED, actor=pr_office.handler)
    assert json.loads(denied.details) == {"purpose": "print dispatch_list"}
    assert not _events(AuditAction.PRINT)


@pytest.mark.parametrize("day", ["2026-02-30", "2026-13-01", "yesterday", "26-1-1", "0001-01-01", "2026-01-01x"])
def test_dispatch_list_with_a_bad_day_is_a_400_with_a_message(client, pr_office, day):
    response = _get(client, pr_office.clerk, f"/print/dispatches/day/{day}.pdf")
    assert response.status_code == 400
    assert "YYYY-MM-DD" in response.content.decode()
    assert not _events(AuditAction.PRINT)


def test_harfbuzz_detection_answers():
    assert isinstance(harfbuzz_subsetting(), bool)


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/font.woff",
        "https://10.0.0.1/x.css",
        "ftp://example.org/x",
        "file:///etc/passwd",
        "file://server/share/x.css",
    ],
)
def test_forms_load_nothing_from_outside_static(settings, url):
    with pytest.raises(ValueError):
        check_resource_url(url)


def test_forms_may_load_static_files_and_data_urls(settings):
    check_resource_url("data:image/png;base64,iVBORw0KGgo=")
    check_resource_url((settings.BASE_DIR / "static" / "css" / "print.css").resolve().as_uri())
    with pytest.raises(ValueError):
        check_resource_url((settings.BASE_DIR / "static" / ".." / "manage.py").resolve().as_uri())


# --- the dispatch list of any day -----------------------------------------------------------------


@pytest.mark.parametrize("typed", ["115/12/02", "115年12月2日", "115-12-2", "2026-12-02"])
def test_the_dispatch_list_of_a_day_typed_in_the_roc_calendar(client, pr_office, pr_document, pr_dispatch, typed):
    secret = pr_document()
    pr_dispatch(secret, recipient="內政部")
    client.force_login(pr_office.clerk)

    response = client.get(reverse("print:dispatch_list_for_day"), {"day": typed})

    assert response.status_code == 302
    assert response["Location"] == reverse("print:dispatch_list", args=["2026-12-02"])


def test_the_dispatch_page_offers_the_list_of_any_day(client, pr_office):
    client.force_login(pr_office.clerk)
    html = client.get(reverse("registry:dispatch_list")).content.decode()
    assert f'action="{reverse("print:dispatch_list_for_day")}"' in html
    assert 'name="day"' in html and "日期（民國）" in html


@pytest.mark.parametrize("typed", ["115/13/01", "昨天", "0/1/1"])
def test_a_day_that_cannot_be_read_is_a_400_that_says_how_to_write_one(client, pr_office, typed):
    client.force_login(pr_office.clerk)
    response = client.get(reverse("print:dispatch_list_for_day"), {"day": typed})
    assert response.status_code == 400
    assert response.content.decode().strip()
    assert not _events(AuditAction.PRINT)


def test_the_list_of_a_typed_day_is_for_clerks(client, pr_office):
    client.force_login(pr_office.handler)
    response = client.get(reverse("print:dispatch_list_for_day"), {"day": "115/12/02"})
    assert response.status_code == 404
    [denied] = _events(AuditAction.ACCESS_DENIED, actor=pr_office.handler)
    assert json.loads(denied.details) == {"purpose": "print dispatch_list"}
