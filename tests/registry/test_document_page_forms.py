"""The document page's forms: a refused action shows the page again (400, not a redirect) with
what was typed, each error beside its field and named in a summary on top of the form that links
to the field; the refusal is recorded once. Irreversible actions ask for a ticked confirmation,
and no form chooses a level, a decision or a declaration for the person. The page leads with the
next step and who takes it."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from classification import TransitMethod
from registry.models import (
    AuditAction,
    ClassificationDecision,
    Dispatch,
    DocumentState,
    NeedToKnowGrant,
    StorageLocation,
)
from registry.services import archive as archive_services
from registry.services import distribution as distribution_services
from tests.support import events_since, head_seq, refusal_shown

pytestmark = pytest.mark.django_db

# The confirmation box, shown again with its error beside it.
CONFIRM_REFUSED = re.compile(r'class="field field--confirm[^"]*field--error"')


def url(name, **kwargs):
    return reverse(f"registry:{name}", kwargs=kwargs)


def html(response) -> str:
    return response.content.decode()


def form_html(response, anchor: str) -> str:
    """The markup of the form whose id is ``anchor``."""
    match = re.search(rf'<form[^>]* id="{anchor}".*?</form>', html(response), re.S)
    assert match, f"no form #{anchor} on the page"
    return match.group(0)


@pytest.fixture
def handling(walk):
    return walk(DocumentState.IN_HANDLING, subject="表單保留測試")


@pytest.fixture
def registered(walk):
    return walk(DocumentState.REGISTERED, subject="剛登記的公文")


# --- a refused form keeps its input, at its place --------------------------------------------------


def test_a_refused_dispatch_shows_the_page_again_with_what_was_typed_and_the_error_at_the_field(
    client, clerk, handling
):
    client.force_login(clerk)
    page = url("document_trail", pk=handling.pk)  # the clerk dispatches without knowing the content
    seq = head_seq()
    response = client.post(
        url("dispatch_record", pk=handling.pk),
        {
            "recipient": "國防部政務辦公室",
            "address": "臺北市中山區北安路409號",
            "method": TransitMethod.DOUBLE_REGISTERED.value,
            "registered_no": "",
            "next": page,
        },
    )
    assert response.status_code == 400
    assert response.templates[0].name == "documents/document_trail.html"
    form = form_html(response, "dispatch-record")
    # The form posts to its own place on the page, and shows what was typed.
    assert f'action="{url("dispatch_record", pk=handling.pk)}#dispatch-record"' in form
    assert 'value="國防部政務辦公室"' in form and 'value="臺北市中山區北安路409號"' in form
    assert f'<option value="{TransitMethod.DOUBLE_REGISTERED.value}" selected>' in form
    # The summary on top takes the focus, is announced, names the field and links to it.
    summary = re.search(r'<div class="error-summary"[^>]*>', form).group(0)
    assert 'role="alert"' in summary and "autofocus" in summary and 'tabindex="-1"' in summary
    lines = refusal_shown(response)
    assert lines and any(line.startswith("掛號號碼") or "Registered-mail" in line for line in lines), lines
    assert 'href="#id_registered_no"' in form
    # The error is beside the field too, which says it is invalid.
    assert re.search(r'field--registered_no field--error', form)
    assert re.search(r'<input[^>]*name="registered_no"[^>]*aria-invalid="true"', form)
    # The hidden "next" of every form on the page is the page itself, not the action's address.
    assert f'name="next" value="{page}"' in form
    assert not Dispatch.objects.exists()
    assert len(events_since(seq, AuditAction.ACTION_REFUSED)) == 1


def test_a_refused_filing_keeps_the_chosen_retention_period(client, archivist, walk):
    document = walk(DocumentState.TO_ARCHIVE, subject="歸檔測試")
    wrong = StorageLocation.objects.create(code="U-01", name="一般檔案櫃", zone="unclassified")
    client.force_login(archivist)
    response = client.post(
        url("archive_receive", pk=document.pk),
        {"location": wrong.pk, "retention_years": "10", "class_number": "0402"},
    )
    assert response.status_code == 400
    form = form_html(response, "archive-receive")
    assert '<option value="10" selected>' in form
    assert 'value="0402"' in form
    assert refusal_shown(response)
    document.refresh_from_db()
    assert document.state == DocumentState.TO_ARCHIVE


def test_a_form_refused_on_the_register_entry_shows_the_register_entry_again(client, supervisor, registered):
    client.force_login(supervisor)
    trail = url("document_trail", pk=registered.pk)
    response = client.post(url("document_open", pk=registered.pk), {"instruction": "", "next": trail})
    assert response.status_code == 400
    assert response.templates[0].name == "documents/document_trail.html"
    form = form_html(response, "open")
    assert "field--instruction field--error" in form
    assert f'name="next" value="{trail}"' in form
    registered.refresh_from_db()
    assert registered.state == DocumentState.REGISTERED


def test_a_refusal_of_a_form_the_page_does_not_offer_goes_back_as_a_message(client, handler, handling):
    """The handler may not decide a declassification: there is no form of theirs to show again."""
    client.force_login(handler)
    seq = head_seq()
    response = client.post(
        url("reclassify", pk=handling.pk), {"kind": "declassify", "reason": "x", "authority": "y", "confirm": "on"}
    )
    assert response.status_code == 302
    assert len(events_since(seq, AuditAction.ACTION_REFUSED)) == 1
    assert not ClassificationDecision.objects.exists()


def test_every_form_on_the_page_has_its_own_anchor(client, supervisor, handling, second_handler, handler):
    distribution_services.distribution_request(document=handling, actor=handler, recipients=[second_handler], reason="會辦")
    client.force_login(supervisor)
    body = html(client.get(url("document_detail", pk=handling.pk)))
    ids = re.findall(r'<form[^>]* id="([^"]+)"', body)
    assert len(ids) == len(set(ids))
    for action, anchor in re.findall(r'<form[^>]*action="[^"#]*#([^"]+)"[^>]*id="([^"]+)"', body):
        assert action == anchor
    assert "reclassify" in ids and any(i.startswith("distribution-decide-") for i in ids)


# --- irreversible actions ask for confirmation; no dangerous defaults ------------------------------


def test_cancelling_a_registration_needs_the_box_ticked(client, clerk, registered):
    client.force_login(clerk)
    response = client.post(url("document_cancel", pk=registered.pk), {"reason": "重複登記"})
    assert response.status_code == 400
    form = form_html(response, "cancel")
    assert 'value="重複登記"' in form and CONFIRM_REFUSED.search(form)
    registered.refresh_from_db()
    assert registered.state == DocumentState.REGISTERED

    response = client.post(url("document_cancel", pk=registered.pk), {"reason": "重複登記", "confirm": "on"})
    assert response.status_code == 302
    registered.refresh_from_db()
    assert registered.state == DocumentState.CANCELLED


def test_revoking_a_grant_needs_the_box_ticked(client, supervisor, handler, second_handler, handling):
    request = distribution_services.distribution_request(
        document=handling, actor=handler, recipients=[second_handler], reason="會辦"
    )
    distribution_services.distribution_decide(recipient=request.recipients.get(), actor=supervisor, approve=True, reason="同意")
    grant = NeedToKnowGrant.objects.get(user=second_handler, document=handling)
    client.force_login(supervisor)
    response = client.post(url("grant_revoke", pk=handling.pk, item=grant.pk), {"reason": "調離"})
    assert response.status_code == 400
    assert CONFIRM_REFUSED.search(form_html(response, f"grant-revoke-{grant.pk}"))
    grant.refresh_from_db()
    assert grant.ended_at is None


def test_a_decision_of_declassification_is_never_preselected_and_needs_the_box_ticked(client, supervisor, handling):
    client.force_login(supervisor)
    form = form_html(client.get(url("document_detail", pk=handling.pk)), "reclassify")
    kind = re.search(r'<select name="kind".*?</select>', form, re.S).group(0)
    assert re.search(r'<option value="" selected>', kind)
    assert "selected" not in kind.replace('<option value="" selected>', "")
    assert not re.search(r'<input type="checkbox" name="confirm"[^>]*checked', form)

    response = client.post(url("reclassify", pk=handling.pk), {"kind": "declassify", "reason": "已公布", "authority": "本府函"})
    assert response.status_code == 400
    assert CONFIRM_REFUSED.search(form_html(response, "reclassify"))
    assert not ClassificationDecision.objects.exists()


def test_the_dispatch_form_declares_nothing_and_chooses_no_method_for_the_clerk(client, clerk, handling):
    client.force_login(clerk)
    form = form_html(client.get(url("document_trail", pk=handling.pk)), "dispatch-record")
    assert not re.search(r'<input type="checkbox" name="inner_sealed"[^>]*checked', form)
    method = re.search(r'<select name="method".*?</select>', form, re.S).group(0)
    assert '<option value="" selected>' in method


def test_filing_chooses_no_retention_period(client, archivist, walk):
    document = walk(DocumentState.TO_ARCHIVE, subject="歸檔測試")
    client.force_login(archivist)
    form = form_html(client.get(url("document_trail", pk=document.pk)), "archive-receive")
    retention = re.search(r'<select name="retention_years".*?</select>', form, re.S).group(0)
    assert '<option value="" selected>' in retention
    # A filing without a period is refused, and nothing is filed.
    location = StorageLocation.objects.create(code="C-09", name="機密檔案櫃", zone=archive_services.zone_for(document))
    response = client.post(url("archive_receive", pk=document.pk), {"location": location.pk, "retention_years": ""})
    assert response.status_code == 400
    document.refresh_from_db()
    assert document.state == DocumentState.TO_ARCHIVE


# --- the page leads ---------------------------------------------------------------------------------


def test_after_registering_the_page_says_who_opens_it_and_cancelling_is_folded_away(client, clerk, supervisor, registered):
    client.force_login(clerk)
    response = client.get(url("document_detail", pk=registered.pk))
    body = html(response)
    step = response.context["next_step"]
    assert not step["yours"] and supervisor in step["who"]
    assert supervisor.display_name in re.search(r'<section class="panel next-step".*?</section>', body, re.S).group(0)
    # The first form on the page is not the cancellation, which sits folded under its own heading.
    assert re.search(r'<details class="danger-zone">\s*<summary>', body)
    assert body.index('class="panel next-step"') < body.index('id="cancel"')
    assert [item["anchor"] for item in step["mine"]][-1:] == ["cancel"]


def test_the_supervisor_is_told_it_is_their_turn_with_a_link_to_the_form(client, supervisor, registered):
    client.force_login(supervisor)
    response = client.get(url("document_trail", pk=registered.pk))
    step = response.context["next_step"]
    assert step["yours"]
    assert step["mine"][0]["anchor"] == "open"
    assert 'href="#open"' in html(response) and 'id="open"' in html(response)


def test_the_sections_of_the_document_page_fold_and_those_with_the_persons_work_are_open(client, handler, handling):
    client.force_login(handler)
    response = client.get(url("document_detail", pk=handling.pk))
    body = html(response)
    assert re.search(r'<section class="panel section" id="timeline"[^>]*><details>', body)  # history: folded
    assert re.search(r'<section class="panel section" id="distribution"[^>]*><details open>', body)  # their form
    assert re.search(r'<section class="panel section" id="grants"[^>]*><details>', body)


def test_a_form_refused_with_another_documents_page_as_its_return_address_is_not_shown_there(
    client, supervisor, walk
):
    first = walk(DocumentState.REGISTERED, subject="甲")
    second = walk(DocumentState.REGISTERED, subject="乙")
    client.force_login(supervisor)
    elsewhere = url("document_trail", pk=second.pk)
    response = client.post(url("document_open", pk=first.pk), {"instruction": "", "next": elsewhere})
    assert response.status_code == 302 and response.url == elsewhere
