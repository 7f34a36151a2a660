"""Registration as a clerk's day needs it: 收文 and 發文 with their own words and states, 速別,
來文日期 and 限辦日期 stored, agencies remembered, the original agency taken from the sender, the
same sender's number flagged before it is registered twice, and an outgoing document that waits to
be dispatched instead of waiting to be opened."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from registry.errors import InvalidTransition, NotPermitted, PossibleDuplicate, RegistryError, ValidationFailed
from registry.models import AuditAction, AuditEvent, Direction, Document, DocumentState, Urgency
from registry.selectors import agency_names
from registry.selectors.dashboard import document_lists
from registry.services import archive as archive_services
from registry.services.dispatch import dispatch_record
from registry.services.documents import document_open
from tests.factories import register_document, valid_registration
from tests.support import document_snapshot, the_event

pytestmark = pytest.mark.django_db

OUTGOING = {"direction": Direction.OUTGOING, "authorization_ref": "", "authorization_by": ""}


def send(document, clerk, recipient="國防部"):
    return dispatch_record(
        document=document, actor=clerk, recipient=recipient, address="臺北市", method="hand", carrier="陳承辦"
    )


# --- stored fields ------------------------------------------------------------------------------


def test_urgency_dates_and_addressee_are_stored(clerk):
    today = timezone.localdate()
    document = register_document(
        clerk,
        urgency=Urgency.MOST_URGENT,
        sender_dated_on=today - timedelta(days=3),
        received_on=today - timedelta(days=1),
        due_on=today + timedelta(days=5),
    )
    document.refresh_from_db()

    assert document.urgency == Urgency.MOST_URGENT
    assert (document.sender_dated_on, document.received_on, document.due_on) == (
        today - timedelta(days=3),
        today - timedelta(days=1),
        today + timedelta(days=5),
    )
    assert json.loads(the_event(AuditAction.DOCUMENT_REGISTER, actor=clerk, document=document).details)[
        "urgency"
    ] == "most_urgent"


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"urgency": "yesterday"}, "urgency"),
        ({"due_on": date(2000, 1, 1)}, "due_on"),
        ({"sender_dated_on": date(2100, 1, 1)}, "sender_dated_on"),
        ({"received_on": date(2100, 1, 1)}, "received_on"),
        ({**OUTGOING, "addressee": "  "}, "addressee"),
    ],
)
def test_impossible_dates_unknown_urgency_and_an_outgoing_document_without_addressee_are_refused(
    clerk, overrides, field
):
    before = document_snapshot()

    with pytest.raises(ValidationFailed) as refusal:
        register_document(clerk, **overrides)

    assert field in refusal.value.field_errors
    assert document_snapshot() == before


def test_the_original_agency_is_the_sender_or_this_office_when_left_empty(clerk):
    received = register_document(clerk, sender="法務部調查局", original_agency="")
    sent = register_document(clerk, original_agency="", **OUTGOING)

    assert received.original_agency == "法務部調查局"
    assert sent.original_agency == settings.REGISTRY_AGENCY_NAME


# --- outgoing: drafted → dispatched -------------------------------------------------------------


def test_an_outgoing_document_waits_to_be_dispatched_and_is_never_opened(clerk, supervisor, handling_unit):
    document = register_document(clerk, **OUTGOING)

    assert document.state == DocumentState.DRAFTED
    assert document.pk not in [d.pk for d in document_lists(supervisor)["to_open"]]
    assert document.pk in [d.pk for d in document_lists(clerk)["to_dispatch"]]
    with pytest.raises(InvalidTransition):
        document_open(document=document, actor=supervisor, instruction="閱", handling_unit=handling_unit)


def test_dispatching_an_outgoing_document_marks_it_dispatched_and_takes_it_off_the_lists(clerk, supervisor):
    document = register_document(clerk, **OUTGOING)
    incoming = register_document(clerk)

    send(document, clerk)
    document.refresh_from_db()

    assert document.state == DocumentState.DISPATCHED
    assert document.pk not in [d.pk for d in document_lists(clerk)["to_dispatch"]]
    assert [d.pk for d in document_lists(supervisor)["to_open"]] == [incoming.pk]
    event = the_event(AuditAction.DISPATCH_SEND, actor=clerk, document=document)
    assert json.loads(event.details)["state"] == "dispatched"
    # A copy to a second addressee (副本) keeps it dispatched.
    send(document, clerk, recipient="行政院")
    document.refresh_from_db()
    assert document.state == DocumentState.DISPATCHED


def test_dispatching_an_incoming_document_leaves_its_state(clerk):
    document = register_document(clerk)

    send(document, clerk)
    document.refresh_from_db()

    assert document.state == DocumentState.REGISTERED


def test_the_office_copy_of_a_dispatched_document_goes_to_the_archive_from_the_clerk_who_holds_it(
    clerk, make_person, receiving_unit
):
    from registry.roles import Role

    document = register_document(clerk, **OUTGOING)
    with pytest.raises(RegistryError):  # not yet sent: a clerk hands over nothing
        archive_services.archive_handover(document=document, actor=clerk)
    send(document, clerk)
    other_clerk = make_person(Role.CLERK, unit=receiving_unit)

    with pytest.raises(NotPermitted):
        archive_services.archive_handover(document=document, actor=other_clerk)
    archive_services.archive_handover(document=document, actor=clerk)

    document.refresh_from_db()
    assert document.state == DocumentState.TO_ARCHIVE


def test_a_drafted_outgoing_document_may_be_cancelled_but_not_once_dispatched(clerk):
    from registry.services.documents import document_cancel

    drafted = register_document(clerk, **OUTGOING)
    sent = register_document(clerk, **OUTGOING)
    send(sent, clerk)

    assert document_cancel(document=drafted, actor=clerk, reason="誤登").state == DocumentState.CANCELLED
    with pytest.raises(InvalidTransition):
        document_cancel(document=sent, actor=clerk, reason="誤登")


# --- the duplicate check ------------------------------------------------------------------------


def test_the_same_number_from_the_same_sender_is_flagged_and_nothing_is_written(clerk):
    first = register_document(clerk, sender="國防部", sender_ref="國密字第1150009999號")
    before = document_snapshot()

    with pytest.raises(PossibleDuplicate) as refusal:
        register_document(clerk, sender=" 國防部 ", sender_ref="國密字第1150009999號 ")

    assert first.number in refusal.value.message
    assert "sender_ref" in refusal.value.field_errors
    assert document_snapshot() == before


def test_a_confirmed_duplicate_is_registered_and_the_audit_names_the_earlier_number(clerk):
    first = register_document(clerk, sender="國防部", sender_ref="國密字第1150009999號")

    second = register_document(clerk, sender="國防部", sender_ref="國密字第1150009999號", duplicate_confirmed=True)

    events = AuditEvent.objects.filter(action=AuditAction.DOCUMENT_REGISTER, document=second)
    assert [json.loads(e.details).get("duplicate_of") for e in events] == [[first.number]]


def test_another_sender_or_a_cancelled_registration_is_no_duplicate(clerk):
    from registry.services.documents import document_cancel

    first = register_document(clerk, sender="國防部", sender_ref="字第1號")
    register_document(clerk, sender="內政部", sender_ref="字第1號")
    document_cancel(document=first, actor=clerk, reason="誤登")

    assert register_document(clerk, sender="國防部", sender_ref="字第1號").state == DocumentState.REGISTERED


def test_a_duplicate_in_another_units_register_is_flagged_without_its_number_or_subject(
    clerk, make_person, other_unit
):
    from registry.roles import Role

    register_document(clerk, sender="國防部", sender_ref="國密字第1150008888號", subject="不得外洩之主旨")
    stranger = make_person(Role.CLERK, unit=other_unit)

    with pytest.raises(PossibleDuplicate) as refusal:
        register_document(stranger, sender="國防部", sender_ref="國密字第1150008888號")

    assert "不得外洩之主旨" not in refusal.value.message
    assert not re.search(r"\d{3}收\d{6}", refusal.value.message)
    assert refusal.value.numbers == []


# --- agencies remembered ------------------------------------------------------------------------


def test_agency_names_come_from_the_persons_register_and_never_carry_a_subject(clerk, make_person, other_unit):
    from registry.roles import Role

    register_document(clerk, sender="法務部調查局", subject="調查局密件主旨")
    register_document(clerk, addressee="行政院", **OUTGOING)
    stranger = make_person(Role.CLERK, unit=other_unit)
    register_document(stranger, sender="外交部", original_agency="外交部", authorization_by="外交部")

    names = agency_names(clerk)

    assert {"法務部調查局", "行政院", "國防部"} <= set(names)
    assert "外交部" not in names
    assert not any("主旨" in name for name in names)


# --- the page ------------------------------------------------------------------------------------


def compact(day: date) -> str:
    """The compact ROC form a clerk types: 1151120."""
    return f"{day.year - 1911:03d}{day.month:02d}{day.day:02d}"


def registration_post(**overrides) -> dict:
    values = valid_registration(**overrides)
    values["approval_date"] = compact(values["approval_date"])
    values = {key: ("" if value is None else value) for key, value in values.items()}
    values.update(pages=1, attachments=0, copies_count=1, marking_position="top_left", urgency="normal")
    values["level"] = int(values["level"])
    return values


def test_the_form_preselects_no_level(client, clerk):
    client.force_login(clerk)

    html = client.get(reverse("registry:document_register")).content.decode()

    select = re.search(r'<select name="level".*?</select>', html, re.S).group(0)
    assert 'value="" selected' in select
    assert select.count("selected") == 1


def test_each_direction_has_its_own_words_and_the_law_is_explained_beside_the_fields(client, clerk):
    client.force_login(clerk)

    incoming = client.get(reverse("registry:document_register")).content.decode()
    outgoing = client.get(reverse("registry:document_register") + "?direction=out").content.decode()

    for words in ("來文機關", "來文文號", "來文日期", "收文單位", "速別", "限辦日期"):
        assert words in incoming
    for words in ("受文者", "發文字號", "發文日期", "速別"):
        assert words in outgoing
    assert 'name="sender"' not in outgoing and 'name="addressee"' not in incoming
    assert ">來文機關" not in outgoing and ">受文者" not in incoming
    assert "國家機密保護法第11條" in incoming or "第11條" in incoming
    assert "第14條" in incoming and "第7條" in incoming
    assert 'name="direction" value="out"' in outgoing


def test_the_page_registers_an_outgoing_document_with_compact_roc_dates(client, clerk):
    client.force_login(clerk)
    data = registration_post(direction="out", authorization_ref="", authorization_by="", sender="", sender_ref="")
    issued, due = timezone.localdate() - timedelta(days=1), timezone.localdate() + timedelta(days=9)
    data.update(addressee="國防部", issue_ref="府授秘字第1150000123號", issued_on=compact(issued), due_on=compact(due))

    response = client.post(reverse("registry:document_register") + "?direction=out", data)

    assert response.status_code == 302, response.content.decode()[:3000]
    document = Document.objects.get(sender_ref="府授秘字第1150000123號")
    assert document.direction == Direction.OUTGOING
    assert document.addressee == "國防部"
    assert (document.received_on, document.due_on) == (issued, due)
    assert document.state == DocumentState.DRAFTED


def test_a_duplicate_on_the_page_asks_for_confirmation_keeps_the_input_and_then_registers(client, clerk):
    register_document(clerk, sender="國防部", sender_ref="國密字第1150007777號")
    client.force_login(clerk)
    data = registration_post(sender="國防部", sender_ref="國密字第1150007777號", subject="第二份正本")

    first = client.post(reverse("registry:document_register"), data)

    html = first.content.decode()
    assert first.status_code == 200
    assert 'name="duplicate_confirmed"' in html
    assert 'value="第二份正本"' in html
    assert Document.objects.filter(subject="第二份正本").count() == 0

    second = client.post(reverse("registry:document_register"), {**data, "duplicate_confirmed": "on"})

    assert second.status_code == 302
    assert Document.objects.filter(subject="第二份正本").count() == 1


def test_the_page_suggests_agencies_already_used(client, clerk):
    register_document(clerk, sender="法務部調查局")
    client.force_login(clerk)

    html = client.get(reverse("registry:document_register")).content.decode()

    assert '<datalist id="agency-names">' in html
    assert '<option value="法務部調查局">' in html
    assert 'list="agency-names"' in html


def test_a_blank_original_agency_on_the_page_is_the_sender(client, clerk):
    client.force_login(clerk)
    data = registration_post(sender="國家安全局", sender_ref="安字第1號", original_agency="", subject="預設機關")

    response = client.post(reverse("registry:document_register"), data)

    assert response.status_code == 302
    assert Document.objects.get(subject="預設機關").original_agency == "國家安全局"


def test_the_document_page_shows_an_outgoing_document_with_its_own_words_and_as_dispatched(client, clerk):
    document = register_document(clerk, addressee="行政院", sender_ref="府授秘字第1150000456號", **OUTGOING)
    send(document, clerk)
    client.force_login(clerk)

    html = client.get(reverse("registry:document_detail", kwargs={"pk": document.pk})).content.decode()

    assert "受文者" in html and "行政院" in html and "發文字號" in html
    assert "來文機關" not in html
    assert 'class="state state--dispatched">已發文' in html


def test_only_a_new_registration_needs_an_addressee_not_a_paper_register_row_checked_for_import():
    from classification import Level, Protection
    from registry.services.documents import validate_registration

    errors = validate_registration(
        level=Level.OFFICIAL_SECRET,
        direction=Direction.OUTGOING,
        protection=Protection(level=Level.OFFICIAL_SECRET, approval_date=date(2025, 1, 1), protection_years=None,
                              declass_kind=None, declass_date=None, declass_event="", declass_other=""),
        authorization_ref="",
        authorization_by="",
        original_agency="臺中市政府",
        approving_official="局長",
    )

    assert "addressee" not in errors
