"""Dispatch in double envelopes by the method each level allows, and the receipts that come back."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from classification import Level
from registry.errors import InvalidTransition, NotPermitted, ValidationFailed
from registry.models import AuditAction, AuditEvent, Dispatch, DispatchState
from registry.roles import Role
from registry.selectors.dispatch import overdue_receipts
from registry.services.dispatch import (
    dispatch_receipt,
    dispatch_record,
)
from tests.support import Snapshot, actions_since, head_seq, the_event

# The office guideline, point 4, as the zh-Hant catalogue of classification/transit.py renders it.
TOP_SECRET_BY_MAIL = "絕對機密文書對外傳遞，應由承辦人或指定人員親送，不得以雙掛號郵寄（辦公室機密維護要點第4點）。"
SECRET_BY_MAIL_STRICT = "極機密文書對外傳遞，應由承辦人或指定人員親送，不得以雙掛號郵寄（文書處理手冊）。"


@pytest.fixture
def send(clerk):
    """``send(document, method, **fields)``: the clerk records a dispatch to 國防部."""

    def record(document, method, **fields):
        values = {"recipient": "國防部", "address": "臺北市中正區博愛路172號"}
        values.update(fields)
        return dispatch_record(document=document, actor=clerk, method=method, **values)

    return record


def _refused(send, document, method, **fields) -> ValidationFailed:
    """Assert the dispatch is refused with ValidationFailed and writes no Dispatch row and no event."""
    before = Snapshot.take(Dispatch, AuditEvent)
    with pytest.raises(ValidationFailed) as refusal:
        send(document, method, **fields)
    assert Snapshot.take(Dispatch, AuditEvent) == before
    return refusal.value


def test_top_secret_by_double_registered_mail_is_refused_quoting_the_rule(register, send):
    document = register(Level.TOP_SECRET)

    refusal = _refused(send, document, "double_registered", registered_no="RR123456789TW")

    assert str(refusal.message) == TOP_SECRET_BY_MAIL
    assert "親送" in str(refusal.message) and "第4點" in str(refusal.message)
    assert refusal.field_errors["method"] == [TOP_SECRET_BY_MAIL]


def test_top_secret_by_courier_is_refused(register, send):
    refusal = _refused(send, register(Level.TOP_SECRET), "courier")

    assert "親送" in str(refusal.message)
    assert "method" in refusal.field_errors


def test_top_secret_carried_by_hand_is_recorded(register, send, clerk):
    document = register(Level.TOP_SECRET)
    seq = head_seq()

    dispatch = send(document, "hand", carrier="承辦張")

    assert (dispatch.method, dispatch.carrier, dispatch.state) == ("hand", "承辦張", DispatchState.SENT)
    assert dispatch.dispatched_by == clerk and dispatch.inner_sealed is True
    event = the_event(AuditAction.DISPATCH_SEND, since=seq, actor=clerk, document=document)
    assert json.loads(event.details)["dispatch"] == dispatch.pk
    assert json.loads(event.details)["method"] == "hand"


def test_carrying_by_hand_needs_the_carrier(register, send):
    refusal = _refused(send, register(Level.TOP_SECRET), "hand")

    assert "carrier" in refusal.field_errors


@pytest.mark.parametrize("level", [Level.SECRET, Level.CONFIDENTIAL, Level.OFFICIAL_SECRET])
def test_double_registered_mail_with_its_number_is_recorded_below_top_secret(register, send, clerk, level):
    document = register(level)
    seq = head_seq()

    dispatch = send(document, "double_registered", registered_no="RR123456789TW")

    assert dispatch.method == "double_registered" and dispatch.registered_no == "RR123456789TW"
    event = the_event(AuditAction.DISPATCH_SEND, since=seq, actor=clerk, document=document)
    assert json.loads(event.details)["registered_no"] == "RR123456789TW"


@pytest.mark.parametrize("level", [Level.SECRET, Level.CONFIDENTIAL, Level.OFFICIAL_SECRET])
def test_double_registered_mail_without_its_number_is_refused(register, send, level):
    refusal = _refused(send, register(level), "double_registered", registered_no="  ")

    assert list(refusal.field_errors) == ["registered_no"]
    assert "掛號號碼" in str(refusal.message)


@pytest.mark.parametrize("level", [Level.SECRET, Level.CONFIDENTIAL, Level.OFFICIAL_SECRET])
def test_courier_is_recorded_below_top_secret(register, send, clerk, level):
    document = register(level)
    seq = head_seq()

    dispatch = send(document, "courier")

    assert dispatch.method == "courier"
    assert actions_since(seq) == [AuditAction.DISPATCH_SEND]


def test_strict_transit_setting_refuses_secret_by_mail(register, send, settings):
    settings.REGISTRY_STRICT_TOP_SECRET_TRANSIT = True
    document = register(Level.SECRET)

    refusal = _refused(send, document, "double_registered", registered_no="RR123456789TW")

    assert str(refusal.message) == SECRET_BY_MAIL_STRICT
    assert "親送" in str(refusal.message)
    # Carrying it by hand is still allowed; the strict rule does not reach 機密.
    assert send(document, "hand", carrier="承辦張").method == "hand"
    assert send(register(Level.CONFIDENTIAL), "double_registered", registered_no="RR1").method == "double_registered"


def test_without_the_strict_setting_secret_may_go_by_mail(register, send, settings):
    settings.REGISTRY_STRICT_TOP_SECRET_TRANSIT = False

    assert send(register(Level.SECRET), "double_registered", registered_no="RR1").state == DispatchState.SENT


def test_unsealed_inner_envelope_is_refused(register, send):
    refusal = _refused(send, register(Level.CONFIDENTIAL), "courier", inner_sealed=False)

    assert "inner_sealed" in refusal.field_errors


def test_only_a_clerk_of_the_documents_unit_records_a_dispatch(register, person, office, handler):
    document = register(Level.CONFIDENTIAL)
    clerk_elsewhere = person("d_clerk_elsewhere", Role.CLERK, unit=office["elsewhere"])
    before = Snapshot.take(Dispatch, AuditEvent)

    for someone in (handler, clerk_elsewhere):
        with pytest.raises(NotPermitted):
            dispatch_record(document=document, actor=someone, recipient="國防部", address="臺北市", method="courier")

    assert Snapshot.take(Dispatch, AuditEvent) == before


@pytest.fixture
def sent(register, send):
    """A 機密 document sent by courier, awaiting its receipt."""
    return send(register(Level.CONFIDENTIAL), "courier")


def test_receipt_marks_the_dispatch_received(sent, clerk):
    today = timezone.localdate()
    seq = head_seq()

    dispatch = dispatch_receipt(dispatch=sent, actor=clerk, received_on=today, receipt_by="國防部收發室")

    assert dispatch.state == DispatchState.RECEIVED
    assert (dispatch.receipt_on, dispatch.receipt_by, dispatch.recorded_by) == (today, "國防部收發室", clerk)
    assert actions_since(seq) == [AuditAction.DISPATCH_RECEIPT]
    event = the_event(AuditAction.DISPATCH_RECEIPT, since=seq, actor=clerk, document=sent.document)
    assert json.loads(event.details) == {"dispatch": sent.pk, "received_on": today.isoformat(), "discrepancy": ""}


def test_receipt_with_a_discrepancy_is_recorded_as_one(sent, clerk):
    seq = head_seq()

    dispatch = dispatch_receipt(
        dispatch=sent, actor=clerk, received_on=timezone.localdate(), receipt_by="國防部收發室", discrepancy="內封套破損"
    )

    assert dispatch.state == DispatchState.DISCREPANCY and dispatch.discrepancy == "內封套破損"
    assert actions_since(seq) == [AuditAction.DISPATCH_DISCREPANCY]
    event = the_event(AuditAction.DISPATCH_DISCREPANCY, since=seq, actor=clerk, document=sent.document)
    assert json.loads(event.details)["discrepancy"] == "內封套破損"


@pytest.mark.parametrize("discrepancy", ["", "附件短少"])
def test_a_second_receipt_is_refused(sent, clerk, discrepancy):
    dispatch_receipt(dispatch=sent, actor=clerk, received_on=timezone.localdate(), receipt_by="收發室", discrepancy=discrepancy)
    seq = head_seq()

    with pytest.raises(InvalidTransition):
        dispatch_receipt(dispatch=sent, actor=clerk, received_on=timezone.localdate(), receipt_by="收發室")

    sent.refresh_from_db()
    assert sent.discrepancy == discrepancy
    assert actions_since(seq) == []


def test_receipt_dated_in_the_future_is_refused(sent, clerk):
    seq = head_seq()

    with pytest.raises(ValidationFailed) as refusal:
        dispatch_receipt(
            dispatch=sent, actor=clerk, received_on=timezone.localdate() + timedelta(days=1), receipt_by="收發室"
        )

    assert "received_on" in refusal.value.field_errors
    sent.refresh_from_db()
    assert sent.state == DispatchState.SENT and sent.receipt_on is None
    assert actions_since(seq) == []


def test_receipt_dated_before_the_dispatch_is_refused(sent, clerk):
    with pytest.raises(ValidationFailed):
        dispatch_receipt(
            dispatch=sent, actor=clerk, received_on=timezone.localdate() - timedelta(days=1), receipt_by="收發室"
        )

    sent.refresh_from_db()
    assert sent.state == DispatchState.SENT


def _age(dispatch: Dispatch, days: int) -> None:
    Dispatch.objects.filter(pk=dispatch.pk).update(dispatched_at=timezone.now() - timedelta(days=days))


def test_overdue_receipts_lists_only_old_dispatches_without_receipt(register, send, clerk, settings):
    due = settings.REGISTRY_RECEIPT_DUE_DAYS
    overdue = send(register(Level.CONFIDENTIAL), "courier")
    fresh = send(register(Level.CONFIDENTIAL), "courier")
    received = send(register(Level.CONFIDENTIAL), "courier")
    discrepant = send(register(Level.CONFIDENTIAL), "courier")
    almost = send(register(Level.CONFIDENTIAL), "courier")
    for dispatch in (overdue, received, discrepant):
        _age(dispatch, due + 1)
    _age(almost, due - 1)
    dispatch_receipt(dispatch=received, actor=clerk, received_on=timezone.localdate(), receipt_by="收發室")
    dispatch_receipt(dispatch=discrepant, actor=clerk, received_on=timezone.localdate(), receipt_by="收發室", discrepancy="缺頁")

    assert [d.pk for d in overdue_receipts()] == [overdue.pk]
    assert fresh.pk not in {d.pk for d in overdue_receipts()}


def test_overdue_receipts_follows_the_configured_days(register, send, settings):
    dispatch = send(register(Level.CONFIDENTIAL), "courier")
    _age(dispatch, 5)

    settings.REGISTRY_RECEIPT_DUE_DAYS = 14
    assert list(overdue_receipts()) == []
    settings.REGISTRY_RECEIPT_DUE_DAYS = 3
    assert [d.pk for d in overdue_receipts()] == [dispatch.pk]
