"""Printed forms of the document's later life: the destruction inventory (焚燬清冊) and the decision
letter on a party's request (閱卷申請決定書).

As in test_forms.py, what matters is checked in the TEXT pypdf extracts. Long Chinese lines break
anywhere, so the assertions on running text compare with all whitespace removed (``pdf_text``).
The margin boxes are checked by position: the text drawn in the top margin of each page.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from classification import Level, RefusalGround
from registry.models import AuditAction, AuditEvent, DestructionMethod, PartyDecision
from registry.services import declassification as declass_svc
from registry.services import destruction as destruction_svc
from registry.services import party_requests as party_svc
from tests.printing.conftest import pdf_pages, pdf_reader, pdf_text

ALL_LABELS = [level.label for level in Level]
REMEDIES = "不服本決定者，得依法提起行政救濟"
SUPERVISED = "現場閱覽，由本府人員在場監督"


def _get(client, user, url):
    client.force_login(user)
    return client.get(url)


def _events(action, **filters):
    return list(AuditEvent.objects.filter(action=action, **filters).order_by("seq"))


def _assert_pdf(response, filename_prefix):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith(f'inline; filename="{filename_prefix}')
    assert response.content.startswith(b"%PDF-")


def _top_margin_text(content: bytes, band_mm: float = 20) -> list[str]:
    """Per page, the text drawn in the top ``band_mm`` of the page: the margin boxes' marking."""
    out = []
    for page in pdf_reader(content).pages:
        top = float(page.mediabox.top)
        band = band_mm / 25.4 * 72
        parts: list[str] = []

        def visit(text, cm, tm, font_dict, font_size, parts=parts, top=top, band=band):
            y = cm[5] + tm[5] * cm[3] if cm else tm[5]
            if text.strip() and y >= top - band:
                parts.append(text)

        page.extract_text(visitor_text=visit)
        out.append("".join(parts).replace(" ", ""))
    return out


# --- 焚燬清冊 ----------------------------------------------------------------------------------


OFFICIAL = {"level": Level.OFFICIAL_SECRET, "declass_kind": "attachment", "protection_years": None}


@pytest.fixture
def pr_inventory(pr_office, pr_archived):
    """A drafted inventory: two 密 documents past their retention period and a 機密 one declassified."""

    def make(*, count: int = 2, declassified: bool = True):
        documents = [
            pr_archived(subject=f"年度採購評選紀錄第{n}冊", class_number=f"0401-{n}", **OFFICIAL) for n in range(count)
        ]
        if declassified:
            secret = pr_archived(subject="國土安全演習計畫", retention_years=3, original_agency="內政部")
            declass_svc.reclassify(
                document=secret, actor=pr_office.supervisor, kind="declassify", reason="演習結束",
                authority="內政部函", agency="內政部", agency_decided_on=date(2026, 3, 1), agency_ref="內授字第1150000001號",
            )
            secret.refresh_from_db()
            documents.append(secret)
        inventory = destruction_svc.destruction_draft(actor=pr_office.archivist, documents=documents, note="年度銷毀")
        return inventory, documents

    return make


def _destroy(office, inventory):
    inventory = destruction_svc.destruction_approve(destruction_list=inventory, actor=office.supervisor)
    return destruction_svc.destruction_record(
        destruction_list=inventory,
        actor=office.archivist,
        destroyed_by=office.archivist,
        witness=office.ethics,
        method=DestructionMethod.BURN,
        destroyed_on=timezone.localdate(),
    )


def test_drafted_inventory_lists_each_document_with_blank_signature_lines(client, pr_office, pr_inventory):
    inventory, documents = pr_inventory()
    response = _get(client, pr_office.archivist, reverse("print:destruction_inventory", args=[inventory.pk]))
    _assert_pdf(response, f"destruction-inventory-{inventory.pk}")
    pages = pdf_pages(response.content)
    assert len(pages) == 1
    text = pdf_text(response.content)
    assert "焚燬清冊" in text and "臺中市政府" in text
    assert f"第{inventory.pk}號" in text and "擬具中（待核准）" in text
    assert "檔管黃" in text and pdf_text_roc(timezone.localdate()) in text
    for document in documents:
        assert document.number in text
        assert document.original_agency in text
    assert "0401-0" in text and "0401-1" in text
    assert "1年" in text and "3年" in text
    for title in ("擬具（檔案管理人員）", "核准（單位主管）", "銷毀人", "監銷人（政風人員）"):
        assert title in text
    # Nobody but the drafter is recorded yet: the approver's and the witness's names are blank.
    assert "主管林" not in text and "政風吳" not in text
    # The declassified 機密 document: its level struck and said to be declassified, on its day.
    assert "機密（已解密）" in text
    assert pdf_text_roc(documents[-1].declassified_on) in text
    # The archivist knows none of them: 密不錄由 instead of each subject.
    assert text.count("密不錄由") == 3
    for document in documents:
        assert document.subject not in text


def pdf_text_roc(day) -> str:
    from classification import format_roc

    return format_roc(day)


def test_recorded_inventory_names_the_approver_the_destroyer_and_the_witness(client, pr_office, pr_inventory):
    inventory, documents = pr_inventory()
    _destroy(pr_office, inventory)
    response = _get(client, pr_office.supervisor, reverse("print:destruction_inventory", args=[inventory.pk]))
    _assert_pdf(response, "destruction-inventory-")
    text = pdf_text(response.content)
    assert "已銷毀" in text and "焚燬" in text
    assert "監銷人（政風人員）" in text and "政風吳" in text
    assert "主管林" in text and text.count("檔管黃") >= 2  # drafted and destroyed
    assert pdf_text_roc(timezone.localdate()) in text
    # The supervisor opened these documents and still knows them: the subjects are printed.
    for document in documents:
        assert document.subject in text
    assert "密不錄由" not in text


def test_inventory_level_is_the_highest_level_in_force_on_every_page(client, pr_office, pr_archived):
    documents = [pr_archived(subject=f"會計憑證第{n:02d}冊", class_number=f"0502-{n:02d}", **OFFICIAL) for n in range(30)]
    inventory = destruction_svc.destruction_draft(actor=pr_office.archivist, documents=documents)
    response = _get(client, pr_office.ethics, reverse("print:destruction_inventory", args=[inventory.pk]))
    _assert_pdf(response, "destruction-inventory-")
    pages = pdf_pages(response.content)
    assert len(pages) >= 2
    for number, (page, margin) in enumerate(zip(pages, _top_margin_text(response.content), strict=False), start=1):
        assert margin.startswith("密"), f"page {number} has no level in its margin box: {margin!r}"
        assert f"焚燬清冊第{inventory.pk}號" in margin
        if any(document.number in page for document in documents):
            assert "案次號" in page, f"page {number} does not repeat the table header"
    text = pdf_text(response.content)
    for document in documents:
        assert document.number in text
        assert document.subject not in text  # the ethics office has no need to know
    assert text.count("密不錄由") == 30
    # The signature blocks come once, after the table.
    assert text.count("監銷人") == 1 and "監銷人" in pages[-1].replace(" ", "")


def test_inventory_of_declassified_documents_only_carries_no_level(client, pr_office, pr_inventory):
    inventory, _documents = pr_inventory(count=0)
    response = _get(client, pr_office.supervisor, reverse("print:destruction_inventory", args=[inventory.pk]))
    [margin] = _top_margin_text(response.content)
    assert margin == f"焚燬清冊第{inventory.pk}號"
    assert "本清冊各件均已解密" in pdf_text(response.content)


def test_inventory_print_is_audited_with_the_list_and_its_documents(client, pr_office, pr_inventory):
    inventory, documents = pr_inventory()
    response = _get(client, pr_office.ethics, reverse("print:destruction_inventory", args=[inventory.pk]))
    assert response.status_code == 200
    [event] = _events(AuditAction.PRINT, actor=pr_office.ethics)
    assert event.document_id is None
    assert json.loads(event.details) == {
        "form": "destruction_inventory",
        "list": inventory.pk,
        "documents": sorted(d.pk for d in documents),
    }


@pytest.mark.parametrize("who", ["handler", "clerk", "outsider"])
def test_inventory_is_for_the_archive_supervisors_and_ethics_only(client, pr_office, pr_inventory, who):
    inventory, _documents = pr_inventory()
    person = getattr(pr_office, who)
    response = _get(client, person, reverse("print:destruction_inventory", args=[inventory.pk]))
    assert response.status_code == 404
    [denied] = _events(AuditAction.ACCESS_DENIED, actor=person)
    assert denied.document_id is None
    assert json.loads(denied.details) == {"purpose": "print destruction_inventory", "requested": inventory.pk}
    assert not _events(AuditAction.PRINT)


def test_an_inventory_that_does_not_exist_is_an_audited_404(client, pr_office):
    response = _get(client, pr_office.archivist, reverse("print:destruction_inventory", args=[999999]))
    assert response.status_code == 404
    assert len(_events(AuditAction.ACCESS_DENIED, actor=pr_office.archivist)) == 1


# --- 閱卷申請決定書 ----------------------------------------------------------------------------


@pytest.fixture
def pr_party_request(pr_office, pr_document):
    """``pr_party_request(decision=None, **decided)``: the clerk records a request about a 密 document
    (to read and copy); the supervisor decides it unless ``decision`` is None. A release says why
    what is shown needs no protection (§46 III)."""

    def make(decision=None, **decided):
        document = pr_document(
            subject="都市計畫變更審議機密附件", level=Level.OFFICIAL_SECRET, authorization_ref="", authorization_by=""
        )
        if decision in (PartyDecision.APPROVED, PartyDecision.PARTIAL):
            decided.setdefault("release_basis", "所示部分已無保密必要")
        request = party_svc.party_request_record(
            actor=pr_office.clerk,
            applicant="林大明",
            applicant_kind="party",
            applicant_address="403 臺中市西區民權路99號",
            files_described="本府112年都市計畫變更案卷宗",
            legal_interest="申請人為計畫範圍內土地所有權人，為提起訴願之需要",
            wants_read=True,
            wants_copy=True,
            document=document,
            received_on=timezone.localdate() - timedelta(days=10),
        )
        if decision is not None:
            request = party_svc.party_request_decide(request=request, actor=pr_office.supervisor, decision=decision, **decided)
        return request, document

    return make


def test_refusal_letter_cites_each_ground_with_the_law_s_wording(client, pr_office, pr_party_request):
    request, document = pr_party_request(
        PartyDecision.REFUSED, grounds=[2, 4], reasons="卷內含國防部核定之機密附件及第三人財務資料，無從區隔提供。"
    )
    response = _get(client, pr_office.clerk, reverse("print:party_letter", args=[request.pk]))
    _assert_pdf(response, f"party-letter-{request.pk}")
    pages = pdf_pages(response.content)
    assert len(pages) == 1
    text = pdf_text(response.content)
    assert "閱卷申請決定書" in text and "臺中市政府" in text
    assert "林大明（當事人）" in text and "403臺中市西區民權路99號" in text
    assert f"閱卷字第{request.pk:06d}號" in text
    assert "中華民國" + pdf_text_roc(timezone.localdate()) in text
    assert "駁回閱覽、抄寫、複印之申請" in text and "本府112年都市計畫變更案卷宗" in text
    assert "申請人為計畫範圍內土地所有權人，為提起訴願之需要" in text
    assert "行政程序法第46條第2項第2款" in text and "第4款" in text
    assert "行政程序法第46條第2項第4款" in text
    for ground in (RefusalGround.OFFICIAL_SECRET, RefusalGround.THIRD_PARTY):
        assert f"{ground.citation}：「{ground.text}」" in text
    assert RefusalGround.PRIVACY.text not in text and RefusalGround.DRAFT.citation not in text
    assert "無從區隔提供" in text
    assert REMEDIES in text
    # Of the related document, its registration number only: no subject, no level anywhere.
    assert document.number in text
    assert document.subject not in text
    assert _top_margin_text(response.content) == [""]
    assert "機密附件及第三人" in text  # the reasons are the decider's words, printed as given
    for label in ("絕對機密", "極機密", "限閱"):
        assert label not in text


def test_partial_release_letter_describes_the_released_part(client, pr_office, pr_party_request):
    request, _document = pr_party_request(
        PartyDecision.PARTIAL,
        grounds=[3],
        released_part="會議紀錄第1頁至第12頁（已遮蔽個人資料）",
        conditions=SUPERVISED,
        reasons="卷內其餘部分涉及他人之個人資料。",
    )
    response = _get(client, pr_office.supervisor, reverse("print:party_letter", args=[request.pk]))
    _assert_pdf(response, "party-letter-")
    text = pdf_text(response.content)
    assert "部分准予閱覽、抄寫、複印" in text
    assert f"{RefusalGround.PRIVACY.citation}：「{RefusalGround.PRIVACY.text}」" in text
    assert "准予提供之部分：會議紀錄第1頁至第12頁（已遮蔽個人資料）" in text
    assert SUPERVISED in text and REMEDIES in text


def test_approval_letter_states_the_conditions_and_cites_no_ground(client, pr_office, pr_party_request):
    request, _document = pr_party_request(PartyDecision.APPROVED, conditions=SUPERVISED, reasons="申請人為當事人，且無拒絕事由。")
    response = _get(client, pr_office.ethics, reverse("print:party_letter", args=[request.pk]))
    _assert_pdf(response, "party-letter-")
    assert len(pdf_pages(response.content)) == 1
    text = pdf_text(response.content)
    assert "准予閱覽、抄寫、複印，請查照" in text
    assert f"閱卷條件：{SUPERVISED}" in text
    assert "行政程序法第46條第2項" not in text
    assert REMEDIES in text


def test_a_pending_request_has_no_letter(client, pr_office, pr_party_request):
    request, _document = pr_party_request()
    response = _get(client, pr_office.clerk, reverse("print:party_letter", args=[request.pk]))
    assert response.status_code == 400
    assert "此申請尚未核定" in response.content.decode()  # zh-Hant, the default language
    assert not _events(AuditAction.PRINT)


def test_letter_print_is_audited(client, pr_office, pr_party_request):
    request, document = pr_party_request(PartyDecision.REFUSED, grounds=[1], reasons="尚屬擬稿。")
    assert _get(client, pr_office.clerk, reverse("print:party_letter", args=[request.pk])).status_code == 200
    [event] = _events(AuditAction.PRINT, actor=pr_office.clerk)
    assert event.document_id == document.pk
    assert json.loads(event.details) == {"form": "party_letter", "request": request.pk, "decision": "refused"}


@pytest.mark.parametrize("who", ["other_clerk", "handler", "archivist", "outsider"])
def test_letter_outside_the_request_s_scope_is_an_audited_404(client, pr_office, pr_party_request, who):
    request, _document = pr_party_request(PartyDecision.REFUSED, grounds=[4], reasons="有侵害第三人權利之虞。")
    person = getattr(pr_office, who)
    response = _get(client, person, reverse("print:party_letter", args=[request.pk]))
    assert response.status_code == 404
    [denied] = _events(AuditAction.ACCESS_DENIED, actor=person)
    assert json.loads(denied.details) == {"purpose": "print party_letter", "requested": request.pk}
    assert not _events(AuditAction.PRINT)


@pytest.mark.parametrize("who", ["clerk", "supervisor", "ethics"])
def test_letter_is_for_the_request_s_unit_and_the_ethics_office(client, pr_office, pr_party_request, who):
    request, _document = pr_party_request(PartyDecision.REFUSED, grounds=[5], reasons="妨礙公共安全職務之進行。")
    response = _get(client, getattr(pr_office, who), reverse("print:party_letter", args=[request.pk]))
    _assert_pdf(response, "party-letter-")


def test_later_life_forms_send_anonymous_to_log_in(client):
    for url in (reverse("print:destruction_inventory", args=[1]), reverse("print:party_letter", args=[1])):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]
