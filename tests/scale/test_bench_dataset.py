"""The scale benchmark's office builder, at a small size: what it builds keeps the services' rules.

``manage.py bench`` builds a million-document office with set-based SQL instead of the services;
this test builds a small one the same way and checks what the services would guarantee, so the
builder cannot drift from the schema or the rules unnoticed (CI does not run the bench itself).
"""

from __future__ import annotations

import pytest
from django.db import connection

from registry import audit, policies
from registry.bench import dataset
from registry.models import (
    AuditEvent,
    Document,
    DocumentState,
    DocumentUserObjectPermission,
    NeedToKnowGrant,
    RegistrationCounter,
    User,
)
from registry.roles import Role

SHAPE = dataset.Shape(documents=200, units=12, people=12 * 16, handler_grants=40, grants_per_document=3.2)


@pytest.fixture
def office(db):
    return dataset.build(SHAPE)


def test_the_small_office_has_its_shape(office):
    assert Document.objects.count() == 200
    assert set(Document.objects.values_list("state", flat=True)) >= {
        DocumentState.ARCHIVED, DocumentState.IN_HANDLING, DocumentState.DESTROYED, DocumentState.CANCELLED
    }
    assert len(set(Document.objects.values_list("level", flat=True))) == 5
    assert len(set(Document.objects.values_list("reg_year", flat=True))) >= 10
    grants = NeedToKnowGrant.objects.count()
    assert 0.9 * 3.2 * 200 <= grants <= 1.1 * 3.2 * 200
    assert AuditEvent.objects.count() == 200


def test_guardian_mirrors_the_live_grants_exactly_as_the_service_would(office):
    from registry.services.grants import sync_permission

    found = dataset.check(verify_chain=False)
    assert found.guardian_mismatches == 0
    assert found.guardian_rows == DocumentUserObjectPermission.objects.count() > 0
    # The service itself leaves every row as it is.
    before = set(DocumentUserObjectPermission.objects.values_list("user_id", "content_object_id", "expires_at"))
    for grant in NeedToKnowGrant.objects.select_related("user", "document").order_by("?")[:60]:
        sync_permission(user=grant.user, document=grant.document)
    after = set(DocumentUserObjectPermission.objects.values_list("user_id", "content_object_id", "expires_at"))
    assert after == before


def test_numbers_are_gapless_and_the_counters_agree(office):
    found = dataset.check(verify_chain=False)
    assert found.numbers == 200 and found.number_gaps == 0 and found.counters_off == 0
    for counter in RegistrationCounter.objects.all():
        serials = sorted(Document.objects.filter(reg_year=counter.year, reg_series=counter.series).values_list("reg_serial", flat=True))
        assert serials == list(range(1, counter.last + 1))


def test_a_registration_after_the_build_takes_the_next_number(office):
    from django.utils import timezone

    from classification.roc import roc_year
    from registry.services.documents import next_registration_number

    year = roc_year(timezone.localdate())
    last = Document.objects.filter(reg_year=year, reg_series="收").order_by("-reg_serial").values_list("reg_serial", flat=True).first() or 0
    assert next_registration_number(year=year, series="收") == last + 1


def test_the_audit_chain_verifies_and_takes_the_next_append(office):
    report = audit.verify_chain()
    assert report.whole and report.checked == 200
    event = audit.record(action="audit.search", actor=User.objects.get(username="bench-ethics"), details={})
    assert event.seq == 201
    assert audit.verify_chain().whole


def test_the_designated_people_see_what_their_roles_reach(office):
    handler = User.objects.get(username=dataset.DESIGNATED["handler"])
    assert handler.has_role(Role.HANDLER)
    assert NeedToKnowGrant.objects.filter(user=handler, ended_at__isnull=True).count() == 40
    assert Document.objects.visible_to(handler).count() == 40
    assert policies.register_for(handler).count() == 40
    clerk = User.objects.get(username=dataset.DESIGNATED["clerk"])
    assert clerk.has_role(Role.CLERK) and 0 < policies.register_for(clerk).count() < 200
    assert policies.register_for(User.objects.get(username=dataset.DESIGNATED["archivist"])).count() == 200
    ethics = User.objects.get(username=dataset.DESIGNATED["ethics"])
    assert ethics.has_role(Role.ETHICS) and policies.register_for(ethics).count() == 200
    supervisor = User.objects.get(username=dataset.DESIGNATED["supervisor"])
    assert supervisor.has_role(Role.SUPERVISOR)


def test_nobody_holds_a_live_grant_above_their_clearance(office):
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT count(*) FROM registry_needtoknowgrant g JOIN registry_user u ON u.id = g.user_id
               JOIN registry_document d ON d.id = g.document_id
               WHERE g.ended_at IS NULL AND (u.clearance IS NULL OR u.clearance < d.level)"""
        )
        assert cursor.fetchone()[0] == 0


def test_the_pages_open_on_the_built_office(office, client):
    handler = User.objects.get(username=dataset.DESIGNATED["handler"])
    client.force_login(handler)
    document = Document.objects.visible_to(handler).first()
    for url in ("/", "/register/", f"/documents/{document.pk}/", f"/documents/{document.pk}/trail/"):
        assert client.get(url).status_code == 200, url
    ethics = User.objects.get(username=dataset.DESIGNATED["ethics"])
    client.force_login(ethics)
    assert client.get("/review/").status_code == 200


def test_a_bulk_build_drops_and_makes_again_the_indexes_and_keeps_the_invariants(db):
    """How the big offices are built (plain indexes made at the end, no row-by-row FK checks),
    at a small size: every index the migrations made is there again, and the rules hold."""

    def indexes():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename LIKE 'registry_%%'"
            )
            return {row[0] for row in cursor.fetchall()}

    before = indexes()
    built = dataset.build(dataset.Shape(documents=200, units=12, people=12 * 16, handler_grants=40, bulk=True))
    assert any(name.endswith("indexes") for name in built.seconds)
    assert indexes() == before
    found = dataset.check()
    assert found.hold and found.chain_whole and found.guardian_mismatches == 0 and found.number_gaps == 0
