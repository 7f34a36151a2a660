"""The restricted-distribution and dispatch pages: every action URL takes POST only, calls through to
its service, answers a person without need-to-know with the audited 404 (writing nothing), and puts
bad input back as a message instead of a 500."""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from classification import Level, TransitMethod, format_roc
from registry.models import (
    AuditAction,
    AuditEvent,
    CopyState,
    Decision,
    Dispatch,
    DispatchState,
    DistributionRequest,
    DocumentCopy,
    DocumentState,
    NeedToKnowGrant,
    ReproductionRequest,
)
from registry.services import dispatch as dispatch_services
from registry.services import distribution as services
from tests.support import events_since, head_seq, refusal_shown

pytestmark = pytest.mark.django_db

SUBJECT = "限制分發測試公文"


@pytest.fixture
def document(walk):
    """A 機密 document in handling: the supervisor opened it, the handler holds it."""
    return walk(DocumentState.IN_HANDLING, subject=SUBJECT)


@pytest.fixture
def requested(document, handler, second_handler, outsider):
    """A distribution request to the second handler and the outsider, waiting for a decision."""
    return services.distribution_request(
        document=document, actor=handler, recipients=[second_handler, outsider], reason="會辦"
    )


@pytest.fixture
def issued(requested, supervisor, second_handler):
    """The second handler's distribution approved: copy 1 is theirs."""
    recipient = requested.recipients.get(user=second_handler)
    return services.distribution_decide(recipient=recipient, actor=supervisor, approve=True, reason="同意").copy


def url(name, document, item=None):
    kwargs = {"pk": document.pk}
    if item is not None:
        kwargs["item"] = item
    return reverse(f"registry:{name}", kwargs=kwargs)


def detail(document):
    return reverse("registry:document_detail", kwargs={"pk": document.pk})


def messages_of(response) -> list[str]:
    return refusal_shown(response)


# --- GET answers 405 on every action URL ----------------------------------------------------------


ACTIONS_WITH_ITEM = [
    "distribution_decide",
    "copy_sign_for",
    "copy_pass",
    "copy_return",
    "reproduction_decide",
    "grant_revoke",
    "dispatch_receipt",
]
ACTIONS = ["distribution_request", "copy_recall", "reproduction_request", "dispatch_record"]


@pytest.mark.parametrize("name", ACTIONS + ACTIONS_WITH_ITEM)
def test_get_is_405(client, handler, document, name):
    client.force_login(handler)
    item = 1 if name in ACTIONS_WITH_ITEM else None
    assert client.get(url(name, document, item)).status_code == 405


# --- distribution request -----------------------------------------------------------------------


def test_request_distribution(client, handler, document, second_handler, outsider):
    client.force_login(handler)
    response = client.post(
        url("distribution_request", document),
        {"recipients": [second_handler.pk, outsider.pk], "reason": "需會辦", "next": detail(document)},
    )
    assert response.status_code == 302 and response.url == detail(document)
    request = DistributionRequest.objects.get(document=document)
    assert request.requested_by == handler and request.reason == "需會辦"
    assert set(request.recipients.values_list("user_id", flat=True)) == {second_handler.pk, outsider.pk}


def test_request_form_lists_cleared_people_but_not_the_requester(client, handler, document, second_handler, make_person, handling_unit):
    low = make_person(unit=handling_unit, username="low", full_name="低密等", clearance=Level.OFFICIAL_SECRET)
    client.force_login(handler)
    form = client.get(detail(document)).context["request_form"]
    people = set(form.fields["recipients"].queryset)
    assert second_handler in people and handler not in people and low not in people


def test_request_without_need_to_know_is_404_and_writes_nothing(client, second_handler, outsider, document):
    client.force_login(second_handler)
    seq = head_seq()
    response = client.post(url("distribution_request", document), {"recipients": [outsider.pk], "reason": "想看"})
    assert response.status_code == 404
    assert SUBJECT not in response.content.decode()
    assert not DistributionRequest.objects.exists()
    assert len(events_since(seq, AuditAction.ACCESS_DENIED)) == 1


def test_request_with_empty_reason_shows_the_form_again_with_the_error(client, handler, document, second_handler):
    client.force_login(handler)
    response = client.post(url("distribution_request", document), {"recipients": [second_handler.pk], "reason": " "})
    assert response.status_code == 400
    assert messages_of(response)
    assert not DistributionRequest.objects.exists()


def test_request_naming_nobody_shows_the_form_again_with_the_error(client, handler, document):
    client.force_login(handler)
    response = client.post(url("distribution_request", document), {"reason": "會辦"}, follow=True)
    assert response.status_code == 400
    assert messages_of(response)
    assert not DistributionRequest.objects.exists()


# --- distribution decision ----------------------------------------------------------------------


def test_supervisor_sees_the_decision_buttons_and_the_handler_does_not(client, supervisor, handler, requested, document):
    client.force_login(supervisor)
    page = client.get(detail(document))
    assert page.context["may_decide"] is True
    assert all(form is not None for _, form in page.context["pending_recipients"])
    client.force_login(handler)
    page = client.get(detail(document))
    assert page.context["may_decide"] is False
    assert all(form is None for _, form in page.context["pending_recipients"])


def test_approve_with_an_roc_until_date(client, supervisor, requested, second_handler, document):
    recipient = requested.recipients.get(user=second_handler)
    day = timezone.localdate() + timedelta(days=10)
    client.force_login(supervisor)
    response = client.post(
        url("distribution_decide", document, recipient.pk),
        {"decision": "approve", "reason": "業務需要", "until": format_roc(day)},
    )
    assert response.status_code == 302
    recipient.refresh_from_db()
    assert recipient.decision == Decision.APPROVED
    assert recipient.decision_reason == "業務需要"
    expires = recipient.grant.expires_at.astimezone(ZoneInfo("Asia/Taipei"))
    assert expires.date() == day and (expires.hour, expires.minute) == (23, 59)
    copy = recipient.copy
    assert (copy.number, copy.holder_id, copy.state) == (1, second_handler.pk, CopyState.HELD)


def test_refuse(client, supervisor, requested, outsider, document):
    recipient = requested.recipients.get(user=outsider)
    client.force_login(supervisor)
    client.post(url("distribution_decide", document, recipient.pk), {"decision": "refuse", "reason": "無業務關聯"})
    recipient.refresh_from_db()
    assert recipient.decision == Decision.REFUSED and recipient.decision_reason == "無業務關聯"
    assert not NeedToKnowGrant.objects.filter(user=outsider).exists()


@pytest.mark.parametrize(
    "data",
    [
        {"decision": "refuse", "reason": ""},
        {"decision": "approve", "reason": "同意", "until": "115年13月45日"},
        {"decision": "approve", "reason": "同意", "until": "100/01/01"},
        {"decision": "maybe", "reason": "同意"},
    ],
)
def test_bad_decision_input_changes_nothing(client, supervisor, requested, outsider, document, data):
    recipient = requested.recipients.get(user=outsider)
    client.force_login(supervisor)
    response = client.post(url("distribution_decide", document, recipient.pk), data, follow=True)
    assert response.status_code == 400
    assert messages_of(response)
    recipient.refresh_from_db()
    assert recipient.decision == Decision.PENDING
    assert not DocumentCopy.objects.exists()


def test_handler_may_not_decide(client, handler, requested, outsider, document):
    recipient = requested.recipients.get(user=outsider)
    client.force_login(handler)
    seq = head_seq()
    response = client.post(url("distribution_decide", document, recipient.pk), {"decision": "approve", "reason": "自己核"})
    assert response.status_code == 302
    recipient.refresh_from_db()
    assert recipient.decision == Decision.PENDING
    assert AuditEvent.objects.filter(seq__gt=seq, action=AuditAction.ACTION_REFUSED).count() == 1


def test_decision_without_need_to_know_is_404(client, outsider, requested, document):
    recipient = requested.recipients.get(user=outsider)
    client.force_login(outsider)
    response = client.post(url("distribution_decide", document, recipient.pk), {"decision": "approve", "reason": "x"})
    assert response.status_code == 404
    recipient.refresh_from_db()
    assert recipient.decision == Decision.PENDING


def test_recipient_sees_the_document_and_their_copy_number(client, issued, second_handler, document):
    client.force_login(second_handler)
    response = client.get(detail(document))
    assert response.status_code == 200
    assert "您持有第 1 份" in response.content.decode()


# --- copies ---------------------------------------------------------------------------------------


def test_sign_for_my_copy(client, issued, second_handler, document):
    client.force_login(second_handler)
    response = client.post(url("copy_sign_for", document, issued.pk))
    assert response.status_code == 302
    issued.refresh_from_db()
    assert issued.signed_at is not None


def test_sign_for_someone_elses_copy_is_refused(client, issued, handler, document):
    client.force_login(handler)
    response = client.post(url("copy_sign_for", document, issued.pk), follow=True)
    assert response.status_code == 200 and messages_of(response)
    issued.refresh_from_db()
    assert issued.signed_at is None


def test_copy_of_another_document_is_404(client, issued, second_handler, walk):
    other = walk(DocumentState.IN_HANDLING)
    client.force_login(second_handler)
    assert client.post(url("copy_sign_for", other, issued.pk)).status_code == 404


def test_pass_on_to_someone_who_knows(client, issued, second_handler, handler, document):
    client.force_login(second_handler)
    response = client.post(url("copy_pass", document, issued.pk), {"to_user": handler.pk, "note": "請續辦"})
    assert response.status_code == 302
    issued.refresh_from_db()
    assert issued.holder == handler


def test_pass_on_to_a_stranger_is_a_form_error(client, issued, second_handler, outsider, document):
    client.force_login(second_handler)
    response = client.post(url("copy_pass", document, issued.pk), {"to_user": outsider.pk}, follow=True)
    assert response.status_code == 400 and messages_of(response)
    issued.refresh_from_db()
    assert issued.holder == second_handler


def test_pass_without_need_to_know_is_404(client, issued, outsider, handler, document):
    client.force_login(outsider)
    assert client.post(url("copy_pass", document, issued.pk), {"to_user": handler.pk}).status_code == 404
    issued.refresh_from_db()
    assert issued.holder_id != handler.pk


def test_recall_and_take_back(client, issued, supervisor, document):
    client.force_login(supervisor)
    response = client.post(url("copy_recall", document), {"reason": "案件結束"})
    assert response.status_code == 302
    issued.refresh_from_db()
    assert issued.recalled_at is not None
    page = client.get(detail(document))
    assert [c.pk for c in page.context["outstanding"]] == [issued.pk]
    assert "copy--outstanding" in page.content.decode()

    response = client.post(url("copy_return", document, issued.pk), {"note": "已繳回"})
    assert response.status_code == 302
    issued.refresh_from_db()
    assert issued.state == CopyState.RETURNED
    assert client.get(detail(document)).context["outstanding"] == []


def test_recall_with_empty_reason_is_a_message(client, issued, supervisor, document):
    client.force_login(supervisor)
    response = client.post(url("copy_recall", document), {"reason": ""}, follow=True)
    assert response.status_code == 400 and messages_of(response)
    issued.refresh_from_db()
    assert issued.recalled_at is None


def test_recall_and_take_back_by_a_stranger_are_404(client, issued, outsider, document):
    client.force_login(outsider)
    seq = head_seq()
    assert client.post(url("copy_recall", document), {"reason": "x"}).status_code == 404
    assert client.post(url("copy_return", document, issued.pk), {}).status_code == 404
    issued.refresh_from_db()
    assert issued.recalled_at is None and issued.state == CopyState.HELD
    assert AuditEvent.objects.filter(seq__gt=seq, action=AuditAction.ACTION_REFUSED).count() == 2


# --- copying and publication --------------------------------------------------------------------


def test_reproduction_request_and_approval(client, handler, supervisor, document):
    client.force_login(handler)
    response = client.post(url("reproduction_request", document), {"kind": "copy", "reason": "會議使用"})
    assert response.status_code == 302
    request = ReproductionRequest.objects.get(document=document)
    assert (request.kind, request.requested_by) == ("copy", handler)

    client.force_login(supervisor)
    response = client.post(url("reproduction_decide", document, request.pk), {"decision": "approve", "reason": "同意"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.decision == Decision.APPROVED
    assert request.copy.is_reproduction and request.copy.holder == handler


def test_reproduction_refused(client, handler, supervisor, document):
    request = services.reproduction_request(document=document, actor=handler, kind="publish", reason="公告")
    client.force_login(supervisor)
    client.post(url("reproduction_decide", document, request.pk), {"decision": "refuse", "reason": "不宜公佈"})
    request.refresh_from_db()
    assert request.decision == Decision.REFUSED


def test_top_secret_copying_shows_the_refusal(client, handler, walk):
    top = walk(DocumentState.IN_HANDLING, level=Level.TOP_SECRET)
    client.force_login(handler)
    response = client.post(url("reproduction_request", top), {"kind": "copy", "reason": "會議"}, follow=True)
    assert response.status_code == 400
    assert any("絕對機密" in m for m in messages_of(response))
    assert not ReproductionRequest.objects.exists()


def test_reproduction_bad_input_and_stranger(client, handler, outsider, document):
    client.force_login(handler)
    response = client.post(url("reproduction_request", document), {"kind": "steal", "reason": ""}, follow=True)
    assert response.status_code == 400 and messages_of(response)
    client.force_login(outsider)
    assert client.post(url("reproduction_request", document), {"kind": "copy", "reason": "x"}).status_code == 404
    assert not ReproductionRequest.objects.exists()


# --- grants ---------------------------------------------------------------------------------------


def test_revoke_a_grant(client, issued, supervisor, second_handler, document):
    grant = NeedToKnowGrant.objects.get(user=second_handler, document=document)
    client.force_login(supervisor)
    response = client.post(url("grant_revoke", document, grant.pk), {"reason": "調離", "confirm": "on"})
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.ended_at is not None
    client.force_login(second_handler)
    assert client.get(detail(document)).status_code == 404


def test_revoke_needs_a_reason_and_a_supervisor(client, issued, supervisor, handler, outsider, second_handler, document):
    grant = NeedToKnowGrant.objects.get(user=second_handler, document=document)
    client.force_login(supervisor)
    response = client.post(url("grant_revoke", document, grant.pk), {"reason": ""}, follow=True)
    assert response.status_code == 400 and messages_of(response)
    client.force_login(handler)
    assert client.post(url("grant_revoke", document, grant.pk), {"reason": "x", "confirm": "on"}).status_code == 302
    client.force_login(outsider)
    assert client.post(url("grant_revoke", document, grant.pk), {"reason": "x", "confirm": "on"}).status_code == 404
    grant.refresh_from_db()
    assert grant.ended_at is None


# --- dispatch -------------------------------------------------------------------------------------


def dispatch_data(**overrides):
    data = {
        "recipient": "國防部",
        "address": "臺北市中山區北安路409號",
        "method": TransitMethod.DOUBLE_REGISTERED.value,
        "registered_no": "A123456",
        "carrier": "",
        "inner_sealed": "on",
    }
    data.update(overrides)
    return data


def test_clerk_dispatches_from_the_trail_page(client, clerk, document):
    client.force_login(clerk)
    trail = reverse("registry:document_trail", kwargs={"pk": document.pk})
    page = client.get(trail)
    assert page.status_code == 200 and page.context["dispatch_form"] is not None
    response = client.post(url("dispatch_record", document), {**dispatch_data(), "next": trail})
    assert response.status_code == 302 and response.url == trail
    dispatch = Dispatch.objects.get(document=document)
    assert (dispatch.recipient, dispatch.registered_no, dispatch.dispatched_by) == ("國防部", "A123456", clerk)


def test_dispatch_bad_input_is_a_message(client, clerk, document):
    client.force_login(clerk)
    response = client.post(url("dispatch_record", document), dispatch_data(registered_no="", recipient=""), follow=True)
    assert response.status_code == 400 and messages_of(response)
    response = client.post(url("dispatch_record", document), dispatch_data(method="pigeon"), follow=True)
    assert response.status_code == 400 and messages_of(response)
    assert not Dispatch.objects.exists()


def test_dispatch_by_a_stranger_is_404(client, outsider, document):
    client.force_login(outsider)
    assert client.post(url("dispatch_record", document), dispatch_data()).status_code == 404
    assert not Dispatch.objects.exists()


def test_receipt(client, clerk, document):
    dispatch = dispatch_services.dispatch_record(
        document=document, actor=clerk, recipient="國防部", address="臺北市", method="double_registered", registered_no="A1"
    )
    client.force_login(clerk)
    response = client.post(
        url("dispatch_receipt", document, dispatch.pk),
        {"received_on": format_roc(timezone.localdate()), "receipt_by": "收件王", "discrepancy": ""},
    )
    assert response.status_code == 302
    dispatch.refresh_from_db()
    assert dispatch.state == DispatchState.RECEIVED and dispatch.receipt_by == "收件王"


@pytest.mark.parametrize("day", ["", "不是日期", "999/99/99"])
def test_receipt_bad_date_is_a_message(client, clerk, document, day):
    dispatch = dispatch_services.dispatch_record(
        document=document, actor=clerk, recipient="國防部", address="臺北市", method="double_registered", registered_no="A1"
    )
    client.force_login(clerk)
    response = client.post(url("dispatch_receipt", document, dispatch.pk), {"received_on": day}, follow=True)
    assert response.status_code == 400 and messages_of(response)
    dispatch.refresh_from_db()
    assert dispatch.state == DispatchState.SENT


def test_receipt_in_the_future_is_a_message(client, clerk, document):
    dispatch = dispatch_services.dispatch_record(
        document=document, actor=clerk, recipient="國防部", address="臺北市", method="double_registered", registered_no="A1"
    )
    client.force_login(clerk)
    tomorrow = format_roc(timezone.localdate() + timedelta(days=1))
    response = client.post(url("dispatch_receipt", document, dispatch.pk), {"received_on": tomorrow}, follow=True)
    assert response.status_code == 400 and messages_of(response)
    dispatch.refresh_from_db()
    assert dispatch.state == DispatchState.SENT


def test_receipt_by_a_stranger_is_404(client, clerk, outsider, document):
    dispatch = dispatch_services.dispatch_record(
        document=document, actor=clerk, recipient="國防部", address="臺北市", method="double_registered", registered_no="A1"
    )
    client.force_login(outsider)
    response = client.post(url("dispatch_receipt", document, dispatch.pk), {"received_on": format_roc(timezone.localdate())})
    assert response.status_code == 404
    dispatch.refresh_from_db()
    assert dispatch.state == DispatchState.SENT


def test_dispatch_list_page(client, clerk, handler, document):
    old = dispatch_services.dispatch_record(
        document=document, actor=clerk, recipient="舊件", address="臺北市", method="double_registered", registered_no="A1"
    )
    Dispatch.objects.filter(pk=old.pk).update(dispatched_at=timezone.now() - timedelta(days=30))
    dispatch_services.dispatch_record(
        document=document, actor=clerk, recipient="今日件", address="臺北市", method="double_registered", registered_no="A2"
    )
    client.force_login(clerk)
    page = client.get(reverse("registry:dispatch_list"))
    assert page.status_code == 200
    assert [d.recipient for d in page.context["todays"]] == ["今日件"]
    assert [d.recipient for d in page.context["overdue"]] == ["舊件"]
    assert SUBJECT not in page.content.decode()
    assert client.get(reverse("registry:dashboard")).context["overdue_count"] == 1
    client.force_login(handler)
    assert client.get(reverse("registry:dispatch_list")).status_code == 404


def test_supervisor_dashboard_lists_pending_decisions(client, supervisor, requested, handler, document):
    services.reproduction_request(document=document, actor=handler, kind="publish", reason="公告")
    client.force_login(supervisor)
    context = client.get(reverse("registry:dashboard")).context
    assert len(context["pending_recipients"]) == 2
    assert len(context["pending_reproductions"]) == 1


def test_document_page_renders_every_section(client, issued, supervisor, clerk, document):
    dispatch_services.dispatch_record(
        document=document, actor=clerk, recipient="國防部", address="臺北市", method="double_registered", registered_no="A1"
    )
    client.force_login(supervisor)
    html = client.get(detail(document)).content.decode()
    for text in ("分發", "編號副本", "第 1 份／共 1 份", reverse("print:distribution_register", kwargs={"pk": document.pk})):
        assert text in html, text
    # CSP: scripts only from files of the registry's own, no inline script or style.
    assert not re.search(r"<script(?![^>]*\bsrc=)", html) and "style=" not in html
