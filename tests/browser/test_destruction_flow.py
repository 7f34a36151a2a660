"""Witnessed destruction (會同銷毀) in the browser.

The archivist drafts a destruction inventory of a document whose retention has ended, a supervisor
approves it, and an ethics officer records the destruction with himself as witness and the
archivist as the one who destroyed it. The document's register entry then shows 已銷毀 and its
trail keeps the destruction.

The document is handled, handed over and filed through the services in the test body; it is filed
for one year with the archive service's clock two years back, so its retention has ended today.
Every destruction step is taken through the pages. Forms are found by the URL they post to and
fields by their names, so the test holds whatever language the pages are in.
"""

from __future__ import annotations

import re
from datetime import timedelta
from types import SimpleNamespace
from unittest import mock

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PASSWORD = "Test-Password-115"
SUBJECT = "年度密件銷毀演練案"


@pytest.fixture
def people(clerk, supervisor, handler, archivist, ethics_officer):
    everyone = {
        "clerk": clerk,
        "supervisor": supervisor,
        "handler": handler,
        "archivist": archivist,
        "ethics": ethics_officer,
    }
    for person in everyone.values():
        person.set_password(PASSWORD)
        person.save(update_fields=["password"])
    return everyone


def test_draft_approve_witness_and_the_destroyed_documents_trail(people, handling_unit, new_page):
    from django.utils import timezone

    from classification import Level
    from registry.models import (
        DestructionList,
        DestructionState,
        Document,
        DocumentState,
        StorageLocation,
        StorageZone,
    )
    from registry.policies.destruction import destruction_obstacle
    from registry.services import archive as archive_services
    from registry.services import documents as svc
    from tests.factories import register_document

    clerk, supervisor, handler, archivist, ethics = (
        people["clerk"], people["supervisor"], people["handler"], people["archivist"], people["ethics"]
    )
    cabinet = StorageLocation.objects.create(
        code="A-1", name="機密檔案櫃", zone=StorageZone.CLASSIFIED, keeper=archivist
    )
    # A 密 document (not a national secret: destroyed without declassification), handled and filed.
    document = register_document(
        clerk, subject=SUBJECT, level=Level.OFFICIAL_SECRET, authorization_ref="", authorization_by=""
    )
    document = svc.document_open(document=document, actor=supervisor, instruction="辦畢歸檔", handling_unit=handling_unit)
    document = svc.document_route(document=document, actor=clerk, handler=handler)
    document = svc.document_sign_for(document=document, actor=handler)
    document = svc.document_begin_handling(document=document, actor=handler)
    archive_services.archive_handover(document=document, actor=handler)
    filed_then = timezone.now() - timedelta(days=2 * 366)
    with mock.patch.object(archive_services, "timezone", SimpleNamespace(now=lambda: filed_then)):
        archive_services.archive_receive(
            document=document, actor=archivist, location=cabinet, retention_years=1, class_number="0113/007"
        )
    document.refresh_from_db()
    assert document.state == DocumentState.ARCHIVED
    assert not destruction_obstacle(document)
    number = document.number

    # The archivist ticks the document and drafts the inventory; its subject is withheld.
    page = new_page(archivist.username)
    page.goto("/destructions/new/")
    assert SUBJECT not in page.content()
    page.get_by_label(number).check()
    page.locator("form[action='/destructions/new/'] button[type=submit]").click()
    expect(page.locator(".messages .message--success")).to_be_visible()
    inventory = DestructionList.objects.get()
    assert inventory.state == DestructionState.DRAFT
    detail = f"/destructions/{inventory.pk}/"
    expect(page).to_have_url(re.compile(re.escape(detail) + "$"))
    expect(page.locator("table.inventory")).to_contain_text(number)

    # The supervisor approves it.
    page = new_page(supervisor.username)
    page.goto(detail)
    page.locator(f"form[action='{detail}approve/'] button[type=submit]").click()
    expect(page.locator(".messages .message--success")).to_be_visible()
    inventory.refresh_from_db()
    assert inventory.state == DestructionState.APPROVED

    # The ethics officer records it: the archivist destroyed, he witnessed, today.
    page = new_page(ethics.username)
    page.goto(detail)
    form = page.locator(f"form[action='{detail}record/']")
    form.locator("select[name=destroyed_by]").select_option(str(archivist.pk))
    expect(form.locator("select[name=witness]")).to_have_value(str(ethics.pk))
    form.locator("select[name=method]").select_option("shred")
    expect(form.locator("input[name=destroyed_on]")).not_to_have_value("")
    form.locator("input[name=confirm]").check()  # destruction cannot be undone: confirmed on purpose
    form.locator("button[type=submit]").click()
    expect(page.locator(".messages .message--success")).to_be_visible()
    inventory.refresh_from_db()
    assert (inventory.state, inventory.destroyed_by, inventory.witness) == (DestructionState.DESTROYED, archivist, ethics)
    assert Document.objects.get(pk=document.pk).state == DocumentState.DESTROYED

    # The register entry says 已銷毀 and the trail keeps the destruction; still no subject.
    response = page.goto(f"/documents/{document.pk}/trail/")
    assert response is not None and response.status == 200
    expect(page.locator(".fields .state--destroyed")).to_contain_text("已銷毀")
    expect(page.locator(".later-trail li[data-action='document.destroy']")).to_have_count(1)
    expect(page.locator(".later-trail li[data-action='archive.receive']")).to_have_count(1)
    inventory_entry = page.locator(".destruction li.destruction--destroyed")
    expect(inventory_entry).to_contain_text(ethics.display_name)
    expect(inventory_entry).to_contain_text(archivist.display_name)
    expect(page.locator("p.destroyed")).to_be_visible()
    assert SUBJECT not in page.content()
