"""The admin goes through the people services: each change of a person is one audit event with
before → after and who; a refused change writes nothing but its refusal. The changes show on the
person's activity page and in the ethics office's trail search."""

from __future__ import annotations

import pytest
from django.urls import reverse

from classification import Level
from registry.models import AuditAction, AuditEvent, Document, NeedToKnowGrant, User
from tests.support import actions_since, details, head_seq, the_event

pytestmark = pytest.mark.django_db


def change_data(person, **overrides):
    data = {
        "username": person.username,
        "full_name": person.full_name,
        "email": person.email,
        "unit": person.unit_id,
        "clearance": person.clearance or "",
        "is_active": "on" if person.is_active else "",
        "groups": [g.pk for g in person.groups.all()],
        "change_reason": "",
        "successor": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v not in ("", None) or k in ("change_reason", "successor", "clearance")}


def post_change(client, person, **overrides):
    return client.post(reverse("admin:registry_user_change", args=[person.pk]), change_data(person, **overrides))


def test_admin_lowers_a_clearance_through_the_service(client, administrator, handler, held):
    client.force_login(administrator)
    since = head_seq()
    response = post_change(client, handler, clearance=Level.CONFIDENTIAL, change_reason="安全查核")
    assert response.status_code == 302, response.content.decode()[:2000]
    event = the_event(AuditAction.PERSON_CLEARANCE, since=since, actor=administrator, document=None)
    assert (details(event)["before"], details(event)["after"]) == (Level.TOP_SECRET.label, Level.CONFIDENTIAL.label)
    handler.refresh_from_db()
    assert not Document.objects.visible_to(handler).filter(pk=held.pk).exists()
    assert not NeedToKnowGrant.objects.filter(user=handler, ended_at__isnull=True).exists()


def test_admin_deactivating_a_holder_without_successor_is_refused_and_writes_nothing_else(client, administrator, handler, held):
    client.force_login(administrator)
    since = head_seq()
    response = post_change(client, handler, is_active="", change_reason="退休")
    assert response.status_code == 200
    assert held.number in response.content.decode()
    assert actions_since(since) == [AuditAction.ACTION_REFUSED]
    handler.refresh_from_db()
    assert handler.is_active


def test_admin_deactivating_with_a_successor_hands_over(client, administrator, handler, successor, held):
    client.force_login(administrator)
    since = head_seq()
    response = post_change(client, handler, is_active="", change_reason="退休", successor=successor.username)
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.custodian == successor
    assert AuditAction.HANDOVER in actions_since(since)
    assert AuditAction.PERSON_ACTIVE in actions_since(since)


def test_admin_role_and_detail_changes_are_audited(client, administrator, handler):
    from django.contrib.auth.models import Group

    from registry.roles import Role

    client.force_login(administrator)
    since = head_seq()
    clerk_group, _ = Group.objects.get_or_create(name=Role.CLERK.value)
    groups = [g.pk for g in handler.groups.all()] + [clerk_group.pk]
    assert post_change(client, handler, full_name="承辦張改名", groups=groups).status_code == 302
    roles = the_event(AuditAction.PERSON_ROLES, since=since, actor=administrator, document=None)
    assert Role.CLERK.value in details(roles)["after"]
    change = the_event(AuditAction.PERSON_CHANGE, since=since, actor=administrator, document=None)
    assert details(change)["after"] == {"full_name": "承辦張改名"}


def test_admin_password_reset_is_audited(client, administrator, handler):
    client.force_login(administrator)
    since = head_seq()
    response = client.post(
        reverse("admin:auth_user_password_change", args=[handler.pk]),
        {"password1": "Another-long-passphrase-115", "password2": "Another-long-passphrase-115", "usable_password": "true"},
    )
    assert response.status_code == 302
    event = the_event(AuditAction.PERSON_PASSWORD, since=since, actor=administrator, document=None)
    assert details(event)["subject"] == handler.pk


def test_admin_designates_the_agency_head(client, administrator, supervisor):
    client.force_login(administrator)
    since = head_seq()
    response = client.post(
        reverse("admin:registry_user_changelist"),
        {"action": "designate_agency_head", "_selected_action": [supervisor.pk]},
    )
    assert response.status_code == 302
    the_event(AuditAction.PERSON_AGENCY_HEAD, since=since, actor=administrator, document=None)
    assert list(User.objects.filter(is_agency_head=True)) == [supervisor]


def test_changes_show_on_the_activity_page_and_in_the_trail_search(client, administrator, ethics_officer, handler):
    from registry.services import people as svc

    svc.person_change_clearance(actor=administrator, person=handler, clearance=Level.CONFIDENTIAL, reason="安全查核")
    event = AuditEvent.objects.filter(action=AuditAction.PERSON_CLEARANCE).get()
    client.force_login(ethics_officer)
    activity = client.get(reverse("registry:review_person", kwargs={"user_id": handler.pk}))
    assert activity.status_code == 200
    assert event in activity.context["page"].object_list
    search = client.get(reverse("registry:audit_search"), {"person": handler.username})
    assert search.status_code == 200
    assert event in list(search.context["page"].object_list)


def test_a_person_added_in_the_admin_is_recorded(client, administrator, handling_unit):
    client.force_login(administrator)
    since = head_seq()
    response = client.post(
        reverse("admin:registry_user_add"),
        {
            "username": "newcomer",
            "full_name": "新進林",
            "unit": handling_unit.pk,
            "clearance": Level.CONFIDENTIAL,
            "password1": "A-newcomer-passphrase-115",
            "password2": "A-newcomer-passphrase-115",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    person = User.objects.get(username="newcomer")
    event = the_event(AuditAction.PERSON_CREATE, since=since, actor=administrator, document=None)
    assert details(event)["subject"] == person.pk
    assert details(event)["after"]["clearance"] == Level.CONFIDENTIAL.label


def test_the_ethics_office_finds_hand_overs_in_the_trail(client, administrator, ethics_officer, handler, successor, held):
    from registry.services import people as svc

    svc.handover_record(actor=administrator, person=handler, successor=successor)
    client.force_login(ethics_officer)
    search = client.get(reverse("registry:audit_search"), {"action": AuditAction.HANDOVER.value})
    assert search.status_code == 200
    found = list(search.context["page"].object_list)
    assert [details(e)["subject"] for e in found] == [handler.pk]
    items = client.get(reverse("registry:audit_search"), {"action": AuditAction.HANDOVER_ITEM.value, "number": held.number})
    assert [e.document_id for e in items.context["page"].object_list] == [held.pk]
