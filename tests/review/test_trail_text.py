"""The trail in words (``registry.trail_text``): every action is a zh-Hant sentence with names, not
ids; its details are labelled fields without JSON, English keys, row ids or user-agent strings; and
free text about a document or meeting the reader does not know stays masked."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from classification import format_roc
from registry import audit
from registry.models import AuditAction, AuditEvent, Meeting
from registry.review.details import with_known
from registry.trail_text import PERSON_KEYS, SENTENCES, describe, describe_events
from tests.review.conftest import SUBJECT

pytestmark = pytest.mark.django_db

ROW_ID = 987654  # planted as every internal row id: it must never be shown
AGENT = "Mozilla/5.0 (X11; Linux x86_64) TrailTestBrowser/1.0"
REASON = "甲案會辦密由"


def samples(p, unit, document, meeting_id) -> dict[str, dict]:
    """Details of each action in the shape its service writes them, with real people and units."""
    client = {"ip": "10.1.2.3", "agent": AGENT}
    meet = {"meeting": meeting_id}
    A = AuditAction
    return {
        A.DOCUMENT_REGISTER: {"number": "115收000012", "level": 3, "direction": "in", "unit": unit.pk},
        A.DOCUMENT_OPEN: {"handling_unit": unit.pk, "instruction_length": 12},
        A.DOCUMENT_ROUTE: {"handler": p["handler"].pk},
        A.DOCUMENT_SIGN_FOR: {"previous_custodian": p["clerk"].pk},
        A.DOCUMENT_BEGIN_HANDLING: {},
        A.DOCUMENT_CANCEL: {"reason": REASON},
        A.DOCUMENT_VIEW: {},
        A.DOCUMENT_TRAIL_VIEW: {},
        A.GRANT_CREATE: {"grant": ROW_ID, "user": p["handler"].pk, "basis": "distribution", "reason": REASON,
                         "expires_at": "2026-12-31T16:00:00+00:00"},
        A.GRANT_END: {"grant": ROW_ID, "user": p["handler"].pk, "reason": REASON},
        A.GRANT_EXPIRE: {"grant": ROW_ID, "user": p["handler"].pk, "expired_at": "2026-12-01T01:00:00+00:00"},
        A.DISTRIBUTION_REQUEST: {"request": ROW_ID, "recipients": [p["second_handler"].pk], "reason": REASON},
        A.DISTRIBUTION_APPROVE: {"recipient": p["second_handler"].pk, "copy": 2, "reason": REASON},
        A.DISTRIBUTION_REFUSE: {"recipient": p["second_handler"].pk, "reason": REASON},
        A.COPY_ISSUE: {"copy": 2, "holder": p["second_handler"].pk, "reproduction": False, "purpose": "distribution"},
        A.COPY_SIGN: {"copy": 2},
        A.COPY_PASS: {"copy": 2, "from": p["clerk"].pk, "to": p["second_handler"].pk},
        A.COPY_RECALL: {"copies": [1, 2], "reason": REASON},
        A.COPY_RETURN: {"copy": 2, "from": p["second_handler"].pk},
        A.REPRODUCTION_REQUEST: {"request": ROW_ID, "kind": "copy", "reason": REASON},
        A.REPRODUCTION_APPROVE: {"request": ROW_ID, "kind": "copy", "reason": REASON},
        A.REPRODUCTION_REFUSE: {"request": ROW_ID, "kind": "publish", "reason": REASON},
        A.DISPATCH_SEND: {"dispatch": ROW_ID, "method": "double_registered", "recipient": "國防部", "registered_no": "A123"},
        A.DISPATCH_RECEIPT: {"dispatch": ROW_ID, "received_on": "2026-12-02", "discrepancy": ""},
        A.DISPATCH_DISCREPANCY: {"dispatch": ROW_ID, "received_on": "2026-12-02", "discrepancy": "封口破損"},
        A.PRINT: {"form": "cover_sheet", "copy": 2},
        A.ARCHIVE_HANDOVER: {"note": REASON},
        A.ARCHIVE_RECEIVE: {"location": "A-01", "retention_years": 10},
        A.LOAN_REQUEST: {"loan": ROW_ID, "reason": REASON},
        A.LOAN_APPROVE: {"loan": ROW_ID, "due_on": "2026-12-09", "reason": REASON},
        A.LOAN_REFUSE: {"loan": ROW_ID, "due_on": None, "reason": REASON},
        A.LOAN_LEND: {"loan": ROW_ID, "borrower": p["clerk"].pk, "due_on": "2026-12-09"},
        A.LOAN_RETURN: {"loan": ROW_ID},
        A.DECLASS_EVENT: {"happened_on": "2026-11-30", "note": REASON},
        A.REVIEW_RECORD: {"review": ROW_ID, "outcome": "keep", "note": REASON},
        A.RECLASSIFY: {"decision": ROW_ID, "kind": "downgrade", "old_level": 3, "new_level": 2, "reason": REASON,
                       "notices": [p["second_handler"].pk]},
        A.NOTICE_TOLD: {"notice": ROW_ID, "recipient": p["second_handler"].pk, "method": "當面告知"},
        A.DESTRUCTION_DRAFT: {"list": ROW_ID, "documents": [document.pk], "note": REASON},
        A.DESTRUCTION_APPROVE: {"list": ROW_ID, "documents": [document.pk]},
        A.DESTRUCTION_RECORD: {"list": ROW_ID, "documents": [document.pk], "destroyed_by": p["archivist"].pk,
                               "witness": p["ethics_officer"].pk, "method": "shred", "destroyed_on": "2026-12-02"},
        A.DOCUMENT_DESTROY: {"list": ROW_ID, "witness": p["ethics_officer"].pk, "method": "shred"},
        A.PARTY_REQUEST: {"request": ROW_ID, "applicant_kind": "party"},
        A.PARTY_DECIDE: {"request": ROW_ID, "decision": "partial", "grounds": REASON},
        A.PARTY_READING: {"request": ROW_ID, "read_on": "2026-12-02", "supervised_by": p["clerk"].pk},
        A.MEETING_REGISTER: {**meet, "level": 3, "chair": p["supervisor"].pk},
        A.MEETING_VENUE_CHECK: {**meet, "clear": False, "note": REASON},
        A.MEETING_STAFF: {**meet, "person": p["clerk"].pk, "duty": "記錄"},
        A.MEETING_PROPOSE: {**meet, "person": p["handler"].pk},
        A.MEETING_APPROVE: {**meet, "person": p["handler"].pk, "reason": REASON},
        A.MEETING_REFUSE: {**meet, "person": p["handler"].pk, "reason": REASON},
        A.MEETING_MATERIALS: {**meet, "role": "minutes"},
        A.MEETING_ANNOUNCE: {**meet, "level": 3},
        A.MEETING_HAND_OUT: {**meet, "person": p["handler"].pk, "copy": 2},
        A.MEETING_CLOSE: {**meet},
        A.MEETING_MINUTES: {**meet, "recipients": [p["handler"].pk]},
        A.MEETING_PUBLICATION: {**meet, "publication": ROW_ID, "state": "approved"},
        A.ACCESS_DENIED: {"purpose": "view", "requested": ROW_ID},
        A.ACTION_REFUSED: {"purpose": "open", "rule": "open", "object": f"loan:{ROW_ID}", "reason": REASON},
        A.AUTH_LOGIN: client,
        A.AUTH_LOGOUT: client,
        A.AUTH_LOGIN_FAILED: {"username": "handler", **client},
        A.AUTH_LOCKOUT: {"username": "handler", "failures": 5, "limit": 5, "minutes": 15, **client},
        A.AUTH_OTP_ENROL: {"device": "手機", **client},
        A.AUTH_OTP_VERIFIED: {"device": "手機", **client},
        A.AUTH_OTP_FAILED: {"device": "手機", "enrolment": False, "throttled": False, **client},
        A.AUTH_OTP_REMOVED: {"person": "handler", "device": "手機", "confirmed": True},
        A.AUTH_OTP_DESK_ENROL: {"person": "handler", "device": "手機"},
        A.AUTH_ENROL_CODE_ISSUE: {"person": "handler", "code": ROW_ID, "expires_at": "2026-12-03T01:00:00+00:00"},
        A.AUTH_ENROL_CODE_USED: {"code": ROW_ID, "device": "手機", **client},
        A.AUTH_ENROL_CODE_FAILED: {"reason": "expired", "code": ROW_ID, **client},
        A.AUTH_ENROL_CODE_REVOKE: {"person": "handler", "code": ROW_ID, "reason": "replaced", "via": "admin"},
        A.AUDIT_SEARCH: {"person": "handler", "export": True, "scope": "office"},
        A.REGISTER_IMPORT: {"rows": 2, "first": "110收000001", "last": "110收000002",
                            "numbers": ["110收000001", "110收000002"], "documents": [document.pk]},
        **people_samples(p, unit),
    }


def people_samples(p, unit) -> dict[str, dict]:
    """Changes to people and hand-overs, as registry.services.people records them."""
    h = {"subject": p["handler"].pk, "person": p["handler"].get_username()}
    A = AuditAction
    return {
        A.PERSON_CREATE: {**h, "before": None, "after": {"unit": unit.code, "clearance": "機密", "roles": ["密件承辦人"],
                                                         "active": True}},
        A.PERSON_CHANGE: {**h, "before": {"full_name": "張承辦"}, "after": {"full_name": "承辦張"}},
        A.PERSON_ROLES: {**h, "before": ["收發人員"], "after": ["密件承辦人"]},
        A.PERSON_CLEARANCE: {**h, "before": "絕對機密", "after": "密", "reason": REASON,
                             "grants_ended": ["115收000012"], "still_held": ["115收000013"]},
        A.PERSON_TRANSFER: {**h, "before": p["clerk"].unit.code, "after": unit.code, "reason": REASON, "handover": ROW_ID},
        A.PERSON_ACTIVE: {**h, "before": True, "after": False, "reason": REASON, "handover": ROW_ID},
        A.PERSON_AGENCY_HEAD: {**h, "before": [p["supervisor"].get_username()], "after": [p["handler"].get_username()]},
        A.PERSON_PASSWORD: {**h, "own": False},
        A.HANDOVER: {**h, "handover": ROW_ID, "successor": p["second_handler"].pk, "reason": "transfer",
                     "items": ["115收000012", "副本第2號"], "grants_ended": ["115收000012"]},
        A.HANDOVER_ITEM: {"handover": ROW_ID, "item": "custody", "from": p["handler"].pk, "to": p["second_handler"].pk},
        A.HANDOVER_SIGN: {**h, "handover": ROW_ID, "successor": p["second_handler"].pk, "items": ["115收000012"]},
    }


@pytest.fixture
def meeting_id(supervisor):
    from datetime import timedelta

    from classification import Level
    from registry.services import meetings as meeting_svc

    meeting = meeting_svc.meeting_register(
        actor=supervisor, subject="保防工作會報", level=Level.CONFIDENTIAL,
        starts_at=timezone.now() + timedelta(days=1), place="第一會議室", chair=supervisor,
    )
    return meeting.pk


def test_every_action_has_a_sentence_of_its_own():
    assert set(SENTENCES) == {str(code) for code in AuditAction}


def test_every_action_reads_as_a_zh_hant_sentence_without_ids_keys_or_user_agents(
    everyone, handling_unit, secret, meeting_id
):
    details = samples(everyone, handling_unit, secret, meeting_id)
    assert set(details) == set(AuditAction), "every action needs a sample here"
    seq = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()
    for action, data in details.items():
        about_document = not action.startswith(
            ("auth.", "audit.", "meeting.register", "person.", "register.", "handover.record", "handover.sign")
        )
        audit.record(action=action, actor=everyone["clerk"], document=secret if about_document else None, details=data)
    events = list(with_known(AuditEvent.objects.filter(seq__gt=seq).select_related("actor"), everyone["ethics_officer"]))
    keys = {key for data in details.values() for key in data}
    today = format_roc(timezone.localdate())

    with translation.override("zh-hant"):
        described = describe_events(events)

    assert len(described) == len(AuditAction)
    for event, text in described:
        shown = text.sentence + " " + " ".join(f"{label} {value}" for label, value in text.fields)
        where = f"{event.action}: {shown}"
        assert text.sentence.startswith(f"收發陳 於{today} "), where
        assert str(ROW_ID) not in shown, where
        assert "…" not in text.sentence, where  # a masked code leaves the sentence, not a gap in it
        assert all(value != "—" for _label, value in text.fields), where  # empty values are left out
        assert AGENT not in shown and "Mozilla" not in shown, where
        assert "{" not in shown and '"' not in shown, where
        assert not any(label in keys for label, _value in text.fields), where
        # No English word left, but the accounts people log in with.
        words = set(re.findall(r"[A-Za-z_]{3,}", shown)) - {"handler", "CSV"}
        assert not words, where
        # Every person the details name by id is shown by name.
        by_pk = {person.pk: person.display_name for person in everyone.values()}
        data = details[event.action]
        for key in PERSON_KEYS & set(data):
            for pk in data[key] if isinstance(data[key], list) else [data[key]]:
                if isinstance(pk, int) and not isinstance(pk, bool):
                    assert by_pk[pk] in shown, where
    sentences = {event.action: text.sentence for event, text in described}
    assert sentences[AuditAction.COPY_PASS].endswith("將副本第2號交予承辦李")
    assert sentences[AuditAction.DOCUMENT_ROUTE].endswith("將本件分文予承辦張")
    assert sentences[AuditAction.DOCUMENT_OPEN].endswith("拆閱本件並批示由機要科承辦")
    assert "承辦李" in sentences[AuditAction.DISTRIBUTION_REQUEST]
    assert "會同政風吳" in sentences[AuditAction.DESTRUCTION_RECORD]
    assert sentences[AuditAction.AUTH_LOGIN_FAILED].endswith("記錄以帳號承辦張登入失敗"), sentences[AuditAction.AUTH_LOGIN_FAILED]
    assert sentences[AuditAction.PERSON_CLEARANCE].endswith("將承辦張之密等核可由絕對機密調降為密")
    assert sentences[AuditAction.PERSON_TRANSFER].endswith(f"將承辦張由{everyone['clerk'].unit.name}調至{handling_unit.name}")
    assert sentences[AuditAction.PERSON_AGENCY_HEAD].endswith("指定承辦張為機關首長")
    assert sentences[AuditAction.HANDOVER].endswith("將承辦張經管之2項移交予承辦李")
    assert sentences[AuditAction.REGISTER_IMPORT].endswith("匯入舊登記簿 2筆（110收000001～110收000002）")
    fields = {event.action: dict(text.fields) for event, text in described}
    assert fields[AuditAction.PERSON_AGENCY_HEAD]["變更前"] == "主管林"
    assert fields[AuditAction.PERSON_CHANGE]["變更後"] == "姓名：承辦張"
    assert fields[AuditAction.PERSON_CREATE]["變更後"] == f"單位：{handling_unit.name}、密等核可：機密、角色：密件承辦人、啟用：是"


def test_an_unknown_action_falls_back_to_its_label(clerk):
    event = AuditEvent(seq=1, at=timezone.now(), actor=clerk, action="document.unheard_of", details="{}")
    with translation.override("zh-hant"):
        text = describe(event)
    assert text.sentence.startswith("收發陳 於") and "document.unheard_of" not in text.sentence


def test_free_text_is_masked_unless_the_reader_knows_the_document(ethics_officer, supervisor, secret, handler):
    audit.record(
        action=AuditAction.DISTRIBUTION_REQUEST, actor=handler, document=secret,
        details={"request": ROW_ID, "recipients": [supervisor.pk], "reason": REASON},
    )
    event = AuditEvent.objects.order_by("-seq")[:1]

    with translation.override("zh-hant"):
        [(_, stranger_text)] = describe_events(with_known(event, ethics_officer))
        [(_, knower_text)] = describe_events(with_known(event, supervisor))

    assert REASON not in stranger_text.fields_text and REASON not in stranger_text.sentence
    assert ("理由", "不予顯示（未具知悉權限）") in stranger_text.fields
    assert ("理由", REASON) in knower_text.fields
    assert "主管林" in stranger_text.sentence  # the recipient is named, the reason is not


def test_a_meeting_is_named_only_to_those_who_know_it(ethics_officer, supervisor, meeting_id):
    subject = Meeting.objects.get(pk=meeting_id).subject
    events = AuditEvent.objects.filter(action=AuditAction.MEETING_REGISTER)

    with translation.override("zh-hant"):
        [(_, outside)] = describe_events(with_known(events, ethics_officer))
        [(_, inside)] = describe_events(with_known(events, supervisor))

    assert subject not in outside.sentence and "機密會議" in outside.sentence
    assert subject in inside.sentence and "主席主管林" in inside.sentence


def test_the_trail_search_page_shows_sentences_and_labelled_fields(client, ethics_officer, secret, handler, second_handler):
    from registry.services.distribution import distribution_request

    distribution_request(document=secret, actor=handler, recipients=[second_handler], reason=REASON)
    client.force_login(ethics_officer)

    html = client.get(reverse("registry:audit_search"), {"action": "distribution.request"}).content.decode()

    assert "承辦張 於" in html and "申請將本件分發予承辦李" in html
    assert "<dt>分發對象</dt>" in html and "<dt>理由</dt>" in html
    assert REASON not in html and SUBJECT not in html
    assert '"recipients"' not in html and "&quot;recipients&quot;" not in html
