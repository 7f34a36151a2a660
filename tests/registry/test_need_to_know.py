"""DESIGN point 2 and 3: deny by default. A document is visible only to its custodian and to people
with a live need-to-know grant, mirrored into guardian's direct-foreign-key permission table; no
role, not even administrator or ethics officer, sees it by role alone. Lists are one query with
an EXISTS, whatever their length."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from classification import Level
from registry import policies
from registry.errors import NotPermitted, ValidationFailed
from registry.models import (
    AuditAction,
    AuditEvent,
    Document,
    DocumentState,
    DocumentUserObjectPermission,
    NeedToKnowGrant,
    User,
)
from registry.models.documents import GrantBasis
from registry.services.grants import expire_grants, grant_create, grant_end
from tests.factories import register_document
from tests.support import document_snapshot, head_seq, the_event

pytestmark = pytest.mark.django_db

PEOPLE = ["clerk", "supervisor", "handler", "second_handler", "archivist", "ethics_officer", "administrator", "outsider"]

# Who may know a document in each state, having walked it with the office fixtures.
KNOWN_IN_STATE = {
    DocumentState.REGISTERED: {"clerk"},  # custody
    DocumentState.OPENED: {"clerk", "supervisor"},  # custody; opened-grant
    DocumentState.ROUTED: {"clerk", "supervisor"},  # routing alone gives the handler nothing
    DocumentState.SIGNED: {"supervisor", "handler"},  # the clerk gave up custody
    DocumentState.IN_HANDLING: {"supervisor", "handler"},
    DocumentState.CANCELLED: {"clerk"},
}


def sees(user, document) -> bool:
    return Document.objects.visible_to(user).filter(pk=document.pk).exists()


def grant(document, user, granted_by, *, expires_at=None, basis=GrantBasis.DISTRIBUTION):
    return grant_create(
        document=document, user=user, basis=basis, reason="核准分發", granted_by=granted_by, expires_at=expires_at
    )


def move_grant_into_the_past(g: NeedToKnowGrant, *, ago=timedelta(minutes=1)):
    """Let time pass over a grant: its end (and its guardian row's) now lies in the past."""
    past = timezone.now() - ago
    NeedToKnowGrant.objects.filter(pk=g.pk).update(expires_at=past)
    DocumentUserObjectPermission.objects.filter(user=g.user, content_object=g.document).update(expires_at=past)
    return past


# --- who sees what ------------------------------------------------------------------------------


@pytest.mark.parametrize("state", list(KNOWN_IN_STATE))
@pytest.mark.parametrize("who", PEOPLE)
def test_only_custody_or_need_to_know_shows_a_document(walk, everyone, state, who):
    document = walk(state)
    person = User.objects.get(pk=everyone[who].pk)

    expected = who in KNOWN_IN_STATE[state]
    assert sees(person, document) is expected
    assert policies.can_know(person, document) is expected
    assert (document in Document.objects.visible_to(person)) is expected


@pytest.mark.parametrize("who", ["archivist", "ethics_officer", "administrator", "outsider", "second_handler"])
def test_no_role_sees_a_document_by_role_alone(walk, everyone, who):
    documents = [walk(DocumentState.IN_HANDLING) for _ in range(3)]

    assert list(Document.objects.visible_to(everyone[who])) == []
    assert not any(policies.can_know(everyone[who], d) for d in documents)


def test_superuser_sees_nothing_although_django_would_grant_it_every_permission(walk, administrator):
    document = walk(DocumentState.IN_HANDLING)

    # Django's has_perm short-circuits for superusers: that is exactly why reads never use it.
    assert administrator.has_perm("registry.view_document", document)
    assert not Document.objects.visible_to(administrator).exists()
    assert not policies.can_know(administrator, document)


def test_anonymous_and_disabled_people_see_nothing(walk, handler):
    from django.contrib.auth.models import AnonymousUser

    document = walk(DocumentState.IN_HANDLING)
    assert sees(handler, document)

    handler.is_active = False
    handler.save(update_fields=["is_active"])

    assert not sees(handler, document)
    assert not Document.objects.visible_to(AnonymousUser()).exists()
    assert not Document.objects.visible_to(None).exists()


def test_a_live_grant_shows_the_document_and_is_mirrored_into_guardian(walk, supervisor, archivist):
    document = walk(DocumentState.IN_HANDLING)
    assert not sees(archivist, document)
    seq = head_seq()
    until = timezone.now() + timedelta(days=7)

    g = grant(document, archivist, supervisor, expires_at=until, basis=GrantBasis.LOAN)

    assert sees(archivist, document)
    [perm] = DocumentUserObjectPermission.objects.filter(user=archivist, content_object=document)
    assert perm.expires_at == until
    assert perm.permission.codename == "view_document"
    event = the_event(AuditAction.GRANT_CREATE, actor=supervisor, document=document, since=seq)
    assert f'"grant":{g.pk}' in event.details and f'"user":{archivist.pk}' in event.details


def test_the_guardian_row_lasts_as_long_as_the_longest_live_grant(walk, supervisor, archivist):
    document = walk(DocumentState.IN_HANDLING)
    soon, later = timezone.now() + timedelta(days=1), timezone.now() + timedelta(days=30)

    grant(document, archivist, supervisor, expires_at=later)
    grant(document, archivist, supervisor, expires_at=soon)

    assert DocumentUserObjectPermission.objects.get(user=archivist, content_object=document).expires_at == later
    grant(document, archivist, supervisor)  # no end
    assert DocumentUserObjectPermission.objects.get(user=archivist, content_object=document).expires_at is None


# --- expiry -------------------------------------------------------------------------------------


def test_an_expired_grant_hides_the_document_before_anything_tidies_up(walk, supervisor, archivist):
    document = walk(DocumentState.IN_HANDLING)
    g = grant(document, archivist, supervisor, expires_at=timezone.now() + timedelta(hours=1))
    assert sees(archivist, document)

    move_grant_into_the_past(g)

    assert not sees(archivist, document)
    assert not policies.can_know(archivist, document)
    # The rows are still there: hiding does not wait for expire_grants.
    assert NeedToKnowGrant.objects.get(pk=g.pk).ended_at is None
    assert DocumentUserObjectPermission.objects.filter(user=archivist, content_object=document).exists()


def test_expire_grants_ends_the_grant_removes_the_permission_and_is_audited_once(walk, supervisor, archivist):
    document = walk(DocumentState.IN_HANDLING)
    g = grant(document, archivist, supervisor, expires_at=timezone.now() + timedelta(hours=1))
    move_grant_into_the_past(g)
    seq = head_seq()

    assert expire_grants() == 1

    g.refresh_from_db()
    assert g.ended_at is not None and g.end_reason == "expired"
    assert not DocumentUserObjectPermission.objects.filter(user=archivist, content_object=document).exists()
    event = the_event(AuditAction.GRANT_EXPIRE, actor=None, document=document, since=seq)
    assert f'"grant":{g.pk}' in event.details
    assert not sees(archivist, document)

    seq = head_seq()
    assert expire_grants() == 0  # idempotent
    assert head_seq() == seq


def test_expire_grants_command_reports_what_it_ended(walk, supervisor, archivist):
    from io import StringIO

    from django.core.management import call_command

    document = walk(DocumentState.IN_HANDLING)
    move_grant_into_the_past(grant(document, archivist, supervisor, expires_at=timezone.now() + timedelta(hours=1)))
    out = StringIO()

    call_command("expire_grants", stdout=out)

    assert out.getvalue().startswith("1 ")
    assert not DocumentUserObjectPermission.objects.filter(user=archivist, content_object=document).exists()


def test_expiry_of_one_grant_leaves_another_live_grant_standing(walk, supervisor, archivist):
    document = walk(DocumentState.IN_HANDLING)
    lasting = grant(document, archivist, supervisor)
    short = grant(document, archivist, supervisor, expires_at=timezone.now() + timedelta(hours=1))
    NeedToKnowGrant.objects.filter(pk=short.pk).update(expires_at=timezone.now() - timedelta(minutes=1))

    assert expire_grants() == 1

    assert NeedToKnowGrant.objects.get(pk=lasting.pk).is_live()
    assert DocumentUserObjectPermission.objects.get(user=archivist, content_object=document).expires_at is None
    assert sees(archivist, document)


def test_expire_grants_leaves_unexpired_grants_alone(walk, supervisor, archivist):
    document = walk(DocumentState.IN_HANDLING)
    grant(document, archivist, supervisor, expires_at=timezone.now() + timedelta(hours=1))
    seq = head_seq()

    assert expire_grants() == 0

    assert sees(archivist, document)
    assert head_seq() == seq


# --- ending a grant -----------------------------------------------------------------------------


def test_grant_end_removes_access_at_once_and_is_audited(walk, supervisor, archivist):
    document = walk(DocumentState.IN_HANDLING)
    g = grant(document, archivist, supervisor)
    seq = head_seq()

    grant_end(grant=g, actor=supervisor, reason="  借調歸還  ")

    g.refresh_from_db()
    assert (g.ended_by, g.end_reason) == (supervisor, "借調歸還")
    assert g.ended_at is not None and not g.is_live()
    assert not DocumentUserObjectPermission.objects.filter(user=archivist, content_object=document).exists()
    assert not sees(archivist, document)
    event = the_event(AuditAction.GRANT_END, actor=supervisor, document=document, since=seq)
    assert '"reason":"借調歸還"' in event.details


def test_ending_an_ended_grant_changes_nothing(walk, supervisor, archivist):
    document = walk(DocumentState.IN_HANDLING)
    g = grant(document, archivist, supervisor)
    grant_end(grant=g, actor=supervisor, reason="歸還")
    before = document_snapshot()

    grant_end(grant=g, actor=supervisor, reason="再次")

    assert document_snapshot() == before
    assert NeedToKnowGrant.objects.get(pk=g.pk).end_reason == "歸還"


def test_ending_the_supervisors_grant_hides_the_document_from_the_supervisor(walk, supervisor):
    document = walk(DocumentState.IN_HANDLING)
    [opened] = NeedToKnowGrant.objects.filter(document=document, user=supervisor)

    grant_end(grant=opened, actor=supervisor, reason="業務移交")

    assert not sees(supervisor, document)


# --- refused grants -----------------------------------------------------------------------------


@pytest.mark.parametrize("clearance", [Level.CONFIDENTIAL, Level.RESTRICTED, None])
def test_a_grant_to_someone_cleared_below_the_level_is_refused_and_writes_nothing(
    walk, supervisor, make_person, handling_unit, clearance
):
    document = walk(DocumentState.IN_HANDLING, level=Level.SECRET, protection_years=20)
    low = make_person(unit=handling_unit, clearance=clearance, full_name="低階同仁")
    before = document_snapshot()

    with pytest.raises(NotPermitted) as refusal:
        grant(document, low, supervisor)

    assert "低階同仁" in refusal.value.message and "極機密" in refusal.value.message
    assert document_snapshot() == before
    assert not sees(low, document)


def test_a_grant_to_a_disabled_account_is_refused(walk, supervisor, make_person):
    document = walk(DocumentState.IN_HANDLING)
    gone = make_person(is_active=False)
    before = document_snapshot()

    with pytest.raises(NotPermitted):
        grant(document, gone, supervisor)

    assert document_snapshot() == before


@pytest.mark.parametrize(
    "kwargs, field",
    [({"reason": "  "}, "reason"), ({"expires_at": "past"}, "expires_at")],
)
def test_a_grant_without_reason_or_ending_in_the_past_is_refused(walk, supervisor, archivist, kwargs, field):
    document = walk(DocumentState.IN_HANDLING)
    if kwargs.get("expires_at") == "past":
        kwargs = {"expires_at": timezone.now() - timedelta(seconds=1)}
    args = {"document": document, "user": archivist, "basis": GrantBasis.OTHER, "reason": "核准", "granted_by": supervisor}
    before = document_snapshot()

    with pytest.raises(ValidationFailed) as refusal:
        grant_create(**{**args, **kwargs})

    assert field in refusal.value.field_errors
    assert document_snapshot() == before


# --- the register: masked entries ---------------------------------------------------------------


def register_entries(user):
    return {d.pk: d.known for d in policies.register_for(User.objects.get(pk=user.pk))}


@pytest.mark.parametrize(
    "who, listed, known",
    [
        ("clerk", True, False),  # register role, in scope, gave up custody
        ("archivist", True, False),  # register role, whole register
        ("ethics_officer", True, False),  # register role, whole register
        ("supervisor", True, True),  # opened it
        ("handler", True, True),  # signed for it
        ("second_handler", False, False),
        ("administrator", False, False),
        ("outsider", False, False),
    ],
)
def test_register_lists_entries_by_role_but_unmasks_only_with_need_to_know(walk, everyone, who, listed, known):
    document = walk(DocumentState.IN_HANDLING)

    entries = register_entries(everyone[who])

    assert (document.pk in entries) is listed
    if listed:
        assert entries[document.pk] is known


def test_register_unmasks_for_the_clerk_while_the_clerk_holds_the_paper(walk, clerk):
    registered = walk(DocumentState.REGISTERED)
    handed_on = walk(DocumentState.SIGNED)

    entries = register_entries(clerk)

    assert entries == {registered.pk: True, handed_on.pk: False}


def test_register_of_another_units_clerk_does_not_list_the_document(walk, make_person, other_unit):
    from registry.roles import Role

    document = walk(DocumentState.REGISTERED)
    stranger = make_person(Role.CLERK, unit=other_unit)

    assert document.pk not in register_entries(stranger)


def test_register_masks_again_once_a_grant_expires(walk, supervisor, clerk):
    document = walk(DocumentState.IN_HANDLING)  # in the clerk's register, no longer in custody
    g = grant(document, clerk, supervisor, expires_at=timezone.now() + timedelta(hours=1))
    assert register_entries(clerk)[document.pk] is True

    move_grant_into_the_past(g)

    assert register_entries(clerk)[document.pk] is False


# --- one query, whatever the length -------------------------------------------------------------


def queries_to_list(fn):
    with CaptureQueriesContext(connection) as ctx:
        rows = list(fn())
        [getattr(row, "known", None) for row in rows]
    return len(ctx.captured_queries), rows, [q["sql"] for q in ctx.captured_queries]


@pytest.mark.parametrize("who", ["clerk", "archivist", "supervisor", "handler"])
def test_register_and_visible_lists_take_the_same_queries_for_5_or_50_documents(
    everyone, walk, clerk, supervisor, handling_unit, who
):
    from registry.services.documents import document_open

    def add(n):
        for _ in range(n):
            d = register_document(clerk)
            document_open(document=d, actor=supervisor, instruction="辦", handling_unit=handling_unit)
        walk(DocumentState.IN_HANDLING)  # one the handler knows

    def person():
        return User.objects.get(pk=everyone[who].pk)  # cold caches, as in a new request

    add(4)
    few_register, few_rows, _ = queries_to_list(lambda: policies.register_for(person()))
    few_visible, _, _ = queries_to_list(lambda: Document.objects.visible_to(everyone[who]))
    add(45)
    many_register, many_rows, sqls = queries_to_list(lambda: policies.register_for(person()))
    many_visible, _, visible_sqls = queries_to_list(lambda: Document.objects.visible_to(everyone[who]))

    assert len(many_rows) > len(few_rows) > 0, f"the register is empty for {who}"
    assert many_register == few_register
    assert many_visible == few_visible == 1
    document_sql = [s for s in sqls if 'FROM "registry_document"' in s][-1]
    assert "EXISTS" in document_sql
    assert "EXISTS" in visible_sqls[0]
    # The direct-foreign-key table, never guardian's generic varchar object_pk one.
    assert "registry_documentuserobjectpermission" in visible_sqls[0]
    assert "guardian_userobjectpermission" not in visible_sqls[0]


def test_visible_list_uses_the_permission_tables_index_not_a_python_loop(walk, supervisor):
    for _ in range(3):
        walk(DocumentState.IN_HANDLING)

    with CaptureQueriesContext(connection) as ctx:
        ids = list(Document.objects.visible_to(supervisor).values_list("pk", flat=True))

    assert len(ids) == 3
    assert len(ctx.captured_queries) == 1
    assert "AuditEvent" not in ctx.captured_queries[0]["sql"]
    assert AuditEvent.objects.filter(action=AuditAction.DOCUMENT_VIEW).count() == 0


# --- the handling trail (metadata only) ---------------------------------------------------------


@pytest.mark.parametrize(
    "who, may",
    [
        ("ethics_officer", True),  # reviews every trail
        ("archivist", True),  # keeps the whole register
        ("clerk", True),  # the receiving unit's register
        ("supervisor", True),
        ("handler", True),
        ("second_handler", False),
        ("administrator", False),
        ("outsider", False),
    ],
)
def test_the_handling_trail_is_for_the_register_roles_in_scope_and_those_who_know(walk, everyone, who, may):
    document = walk(DocumentState.IN_HANDLING)

    assert policies.can_read_trail(User.objects.get(pk=everyone[who].pk), document) is may


def test_a_lowered_clearance_hides_the_document_whatever_grants_remain(walk, handler, make_person, handling_unit):
    """Access is computed from the person's present clearance: a grant made when they were cleared
    does not keep a document above their new clearance visible, in the list or on its page."""
    document = walk(DocumentState.IN_HANDLING, level=Level.SECRET, protection_years=20)
    reader = make_person(unit=handling_unit, username="lowered", full_name="降等者", clearance=Level.TOP_SECRET)
    grant_create(document=document, user=reader, basis="other", reason="會辦", granted_by=handler)
    assert policies.can_know(reader, document)

    User.objects.filter(pk=reader.pk).update(clearance=Level.CONFIDENTIAL)
    reader = User.objects.get(pk=reader.pk)

    assert not policies.can_know(reader, document)
    assert not Document.objects.visible_to(reader).filter(pk=document.pk).exists()
    assert not policies.register_for(reader).filter(pk=document.pk, known=True).exists()
    # The grant itself is still on record: it is the present clearance that hides the document.
    assert document.grants.filter(user=reader, ended_at__isnull=True).exists()
