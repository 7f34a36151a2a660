"""The forms of a document's later life: the destruction inventory and the decision letter on a
party's request."""

from __future__ import annotations

from registry.printing.common import _CN_NUMERALS, _printing, roc_date

# The forms are Chinese whatever the reader's interface language is: the printed words are fixed
# here instead of taken from the models' (translatable, English-first) choice labels.
_DESTRUCTION_STATE = {"draft": "擬具中（待核准）", "approved": "已核准（待銷毀）", "destroyed": "已銷毀"}
_DESTRUCTION_METHOD = {"shred": "碎紙", "burn": "焚燬", "pulp": "攪碎化漿", "crush": "壓碎"}
_APPLICANT_KIND = {"party": "當事人", "interested": "利害關係人"}


def destruction_inventory_context(inventory, *, viewer, printed_by=None) -> dict:
    """焚燬清冊: the inventory's documents in registration order, in one query, each subject shown
    only where ``viewer`` may know the document (「密不錄由」 otherwise), and the four signature
    blocks with the names the inventory has recorded so far."""
    from registry.models import DestructionList, Document

    inventory = DestructionList.objects.select_related("drafted_by", "approved_by", "destroyed_by", "witness").get(
        pk=inventory.pk
    )
    documents = (
        Document.objects.filter(destruction_items__destruction_list=inventory)
        .with_need_to_know(viewer)
        .order_by("reg_year", "reg_series", "reg_serial")
    )
    rows, highest = [], None
    for d in documents:
        level = d.level_enum
        declassified = d.declassified_on is not None
        # A declassified document's level is struck through and no longer in force: the list's
        # own marking is the highest level still in force among its items.
        if not declassified and (highest is None or level > highest):
            highest = level
        rows.append(
            {
                "pk": d.pk,
                "year": d.reg_year,
                "number": d.number,
                "class_number": d.class_number,
                "level_label": level.label,
                "level_colour": level.rule.colour,
                "declassified": declassified,
                "known": bool(d.known),
                "subject": d.subject if d.known else "",
                "original_agency": d.original_agency,
                "from_roc": roc_date(d.registered_at),
                "to_roc": roc_date(d.archived_at),
                "retention": f"{d.retention_years}年" if d.retention_years is not None else "永久",
                "declassified_roc": roc_date(d.declassified_on),
            }
        )
    people = {
        "drafted": inventory.drafted_by,
        "approved": inventory.approved_by,
        "destroyed": inventory.destroyed_by,
        "witness": inventory.witness,
    }
    signatures = [
        {"title": title, "name": people[key].display_name if people[key] else "", "date": date}
        for key, title, date in (
            ("drafted", "擬具（檔案管理人員）", roc_date(inventory.drafted_at)),
            ("approved", "核准（單位主管）", roc_date(inventory.approved_at)),
            ("destroyed", "銷毀人", roc_date(inventory.destroyed_on)),
            ("witness", "監銷人（政風人員）", roc_date(inventory.destroyed_on)),
        )
    ]
    return {
        "inventory": inventory,
        "state": _DESTRUCTION_STATE.get(inventory.state, inventory.state),
        "drafted_by": inventory.drafted_by.display_name,
        "drafted_roc": roc_date(inventory.drafted_at),
        "method": _DESTRUCTION_METHOD.get(inventory.method, inventory.method),
        "destroyed_roc": roc_date(inventory.destroyed_on),
        "rows": rows,
        "highest": highest,
        "signatures": signatures,
        **_printing(printed_by),
    }


def _asked_for(request) -> str:
    """「閱覽、抄寫、複印」: what the applicant asked to do, in the order the law names them."""
    wants = []
    if request.wants_read:
        wants.append("閱覽")
    if request.wants_copy:
        wants.append("抄寫、複印")
    if request.wants_photo:
        wants.append("攝影")
    return "、".join(wants)


def _sentence(text: str) -> str:
    """The text as a sentence of the letter: ending in 「。」 unless it ends in punctuation already."""
    text = text.rstrip()
    return text if text.endswith(("。", "！", "？", ".")) else f"{text}。"


def _letter_explanations(request, *, asked_for: str, document_number: str) -> list[dict]:
    """The 說明 of the letter, numbered 一、二、…, the cited grounds under theirs as （一）（二）…"""
    from classification import RefusalGround
    from registry.models import PartyDecision

    decision = request.decision
    kind = _APPLICANT_KIND.get(request.applicant_kind, request.applicant_kind)
    paragraphs = [
        {"text": f"依據臺端{roc_date(request.received_on)}申請書及行政程序法第46條辦理。"},
        {"text": _sentence(f"臺端以{kind}身分申請，所主張之法律上利益：{request.legal_interest}")},
    ]
    if document_number:
        paragraphs.append({"text": f"本案相關文件登記號：{document_number}。"})
    # Each ground cited: its citation, then the law's wording (行政程序法第46條第2項).
    cited = [f"{RefusalGround(g).citation}：「{RefusalGround(g).text}」。" for g in request.grounds]
    if decision == PartyDecision.REFUSED:
        paragraphs.append({"text": "本件申請經審核，依下列規定駁回：", "items": cited})
    elif decision == PartyDecision.PARTIAL:
        paragraphs.append({"text": "本件申請經審核，下列規定所定部分不予提供：", "items": cited})
        paragraphs.append({"text": _sentence(f"准予提供之部分：{request.released_part}")})
    else:
        paragraphs.append({"text": f"本件申請經審核，准予{asked_for}。"})
    if decision != PartyDecision.REFUSED and request.conditions:
        paragraphs.append({"text": _sentence(f"閱卷條件：{request.conditions}")})
    paragraphs.append({"text": _sentence(f"理由：{request.decision_reason}")})
    paragraphs.append({"text": "不服本決定者，得依法提起行政救濟。"})
    for i, paragraph in enumerate(paragraphs):
        paragraph["mark"] = f"{_CN_NUMERALS[i]}、" if i < len(_CN_NUMERALS) else f"{i + 1}、"
        paragraph["items"] = [
            (f"（{_CN_NUMERALS[j]}）" if j < len(_CN_NUMERALS) else f"（{j + 1}）", text)
            for j, text in enumerate(paragraph.get("items", []))
        ]
    return paragraphs


def party_letter_context(request, *, printed_by=None) -> dict:
    """閱卷申請決定書 of a decided request (ValueError while it is pending): the decision, each §46
    ground cited with its citation and the law's wording, the released part, the conditions, the
    reasons. Of the linked document only its registration number reaches the template — never its
    subject nor its level: the letter goes to a party and is not classified."""
    from registry.models import Document, PartyDecision

    if request.decision == PartyDecision.PENDING:
        raise ValueError("a pending request has no decision letter")
    number = ""
    if request.document_id:
        document = Document.objects.filter(pk=request.document_id).only("reg_year", "reg_series", "reg_serial").first()
        number = document.number if document else ""
    asked_for = _asked_for(request)
    decided = {
        PartyDecision.APPROVED: f"准予{asked_for}",
        PartyDecision.PARTIAL: f"部分准予{asked_for}",
        PartyDecision.REFUSED: f"駁回{asked_for}之申請",
    }[request.decision]
    received = roc_date(request.received_on)
    return {
        "request_id": request.pk,
        "letter_number": f"閱卷字第{request.pk:06d}號",
        "letter_roc": f"中華民國{roc_date(request.decided_at)}",
        "applicant": request.applicant,
        "applicant_kind": _APPLICANT_KIND.get(request.applicant_kind, request.applicant_kind),
        "address": request.applicant_address,
        "main_point": f"臺端於{received}申請{asked_for}「{request.files_described}」一案，{decided}，請查照。",
        "decision": request.decision,
        "grounds": list(request.grounds),
        "explanations": _letter_explanations(request, asked_for=asked_for, document_number=number),
        "document_number": number,
        **_printing(printed_by),
    }
