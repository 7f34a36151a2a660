"""The page offers an action if and only if the service accepts it.

For every person of the authorization matrix's world (one per role and one without a role), every
document of both sides (one they may know, one they may not, in every state of the handling path
and of the later life) and every action of a document's page: ``document_permissions`` says whether
the person may; the service, called with valid input (and rolled back), says whether it accepts; the
page the person can open (the document, else its register entry) holds the action's form exactly
when the map allows it. The same for the actions on the rows of a document (a recipient, a copying
request, a grant, a copy, a dispatch, a loan, a change notice) with the rule book's ``can_*``.

One rule book, two uses: a hint that re-derived a rule for the page would drift from the service,
and this test would name the first person, document and action where it did.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from classification import TransitMethod
from registry import policies
from registry.errors import NotPermitted, RegistryError, ValidationFailed
from registry.models import DistributionRecipient, DocumentCopy, NeedToKnowGrant, ReproductionRequest
from registry.services import archive as archive_svc
from registry.services import declassification as declass_svc
from registry.services import dispatch as dispatch_svc
from registry.services import distribution as dist_svc
from registry.services import documents as doc_svc
from tests.factories import AGENCY_DECISION
from tests.security.conftest import rolled_back

pytestmark = pytest.mark.django_db


def _service_calls(world):
    """action → a call of its service with valid input, for ``(person, document)``."""
    handling = world.units["handling"]
    return {
        "open": lambda p, d: doc_svc.document_open(document=d, actor=p, instruction="請辦", handling_unit=handling),
        "route": lambda p, d: doc_svc.document_route(document=d, actor=p, handler=world.people["handler"]),
        "sign_for": lambda p, d: doc_svc.document_sign_for(document=d, actor=p),
        "begin_handling": lambda p, d: doc_svc.document_begin_handling(document=d, actor=p),
        "request_distribution": lambda p, d: dist_svc.distribution_request(
            document=d, actor=p, recipients=[world.helpers["reader"]], reason="會辦"
        ),
        "request_reproduction": lambda p, d: dist_svc.reproduction_request(
            document=d, actor=p, kind="publish", reason="會議"
        ),
        "recall_copies": lambda p, d: dist_svc.copy_recall(document=d, actor=p, reason="結案"),
        "dispatch": lambda p, d: dispatch_svc.dispatch_record(
            document=d, actor=p, recipient="國防部", address="臺北市中山區北安路409號",
            method=TransitMethod.DOUBLE_REGISTERED, registered_no="A1",
        ),
        "hand_over": lambda p, d: archive_svc.archive_handover(document=d, actor=p),
        "file": lambda p, d: archive_svc.archive_receive(document=d, actor=p, location=world.location, retention_years=1),
        "request_loan": lambda p, d: archive_svc.loan_request(document=d, actor=p, reason="查考"),
        "record_declass_event": lambda p, d: declass_svc.declass_event_record(
            document=d, actor=p, happened_on=timezone.localdate()
        ),
        "record_review": lambda p, d: declass_svc.review_record(document=d, actor=p, outcome="keep"),
        "reclassify": lambda p, d: declass_svc.reclassify(
            document=d, actor=p, kind="declassify", reason="已無保密必要", **AGENCY_DECISION
        ),
        "cancel": lambda p, d: doc_svc.document_cancel(document=d, actor=p, reason="誤登"),
    }


# The URL each action's form posts to.
ACTION_URLS = {
    "open": "registry:document_open",
    "route": "registry:document_route",
    "sign_for": "registry:document_sign_for",
    "begin_handling": "registry:document_begin_handling",
    "request_distribution": "registry:distribution_request",
    "request_reproduction": "registry:reproduction_request",
    "recall_copies": "registry:copy_recall",
    "dispatch": "registry:dispatch_record",
    "hand_over": "registry:archive_handover",
    "file": "registry:archive_receive",
    "request_loan": "registry:loan_request",
    "record_declass_event": "registry:declass_event",
    "record_review": "registry:review_record",
    "reclassify": "registry:reclassify",
    "cancel": "registry:document_cancel",
}


def accepts(call) -> bool:
    """Whether the service accepts (its work rolled back): True, or False for a refusal of the rule
    book. A refusal of the input is the test's own mistake and fails loudly."""
    with rolled_back():
        try:
            call()
        except ValidationFailed as error:
            raise AssertionError(f"the valid input was refused: {error.message}") from error
        except RegistryError:
            return False
    return True


def page_forms(client, person, document) -> set[str] | None:
    """The action URLs the person's page of the document posts to; None when they can open none."""
    if policies.can_know(person, document):
        url = reverse("registry:document_detail", kwargs={"pk": document.pk})
    elif policies.can_read_trail(person, document):
        url = reverse("registry:document_trail", kwargs={"pk": document.pk})
    else:
        return None
    with rolled_back():
        client.force_login(person)
        response = client.get(url)
    assert response.status_code == 200, (person.username, document.number, response.status_code)
    return set(re.findall(r'action="([^"#]+)(?:#[^"]*)?"', response.content.decode()))


def _documents(world):
    return [(f"{side}:{tag}", doc) for side in ("known", "unknown") for tag, doc in getattr(world, side).docs.items()]


def test_the_map_the_service_and_the_page_agree_on_every_document_action(sec_world):
    calls = _service_calls(sec_world)
    assert set(calls) == set(policies.DOCUMENT_ACTIONS) == set(ACTION_URLS)
    client = Client()
    disagreements = []
    offered_somewhere = set()
    for role, person in sec_world.people.items():
        for tag, document in _documents(sec_world):
            document.refresh_from_db()
            allowed = policies.document_permissions(person, document)
            forms = page_forms(client, person, document)
            for action, call in calls.items():
                accepted = accepts(lambda c=call, p=person, d=document: c(p, d))
                url = reverse(ACTION_URLS[action], kwargs={"pk": document.pk})
                shown = forms is not None and url in forms
                # A person who can open no page of the document is offered nothing, whatever the
                # rule book says of the service; where there is a page, it offers exactly that.
                if allowed[action] != accepted or (forms is not None and shown != allowed[action]):
                    disagreements.append((role, tag, action, f"map={allowed[action]}", f"service={accepted}", f"page={shown}"))
                if shown:
                    offered_somewhere.add(action)
    assert not disagreements, "\n".join(map(str, disagreements[:30]))
    # The world gives every action someone who may take it, so the agreement is not all "no".
    assert offered_somewhere == set(calls)


def test_the_rows_of_a_document_are_offered_exactly_as_the_service_accepts(sec_world):
    """Each row action: ``can_*`` for the row, the service on that row (rolled back)."""
    side = sec_world.known
    due = timezone.localdate() + timedelta(days=7)
    rows = [
        (
            "decide_distribution",
            lambda: DistributionRecipient.objects.get(pk=side.pending_recipient.pk),
            policies.can_decide_distribution,
            lambda p, r: dist_svc.distribution_decide(recipient=r, actor=p, approve=True, reason="准"),
        ),
        (
            "decide_reproduction",
            lambda: ReproductionRequest.objects.get(pk=side.reproduction.pk),
            policies.can_decide_reproduction,
            lambda p, r: dist_svc.reproduction_decide(request=r, actor=p, approve=False, reason="不准"),
        ),
        (
            "revoke_grant",
            lambda: NeedToKnowGrant.objects.get(pk=side.grant.pk),
            policies.can_revoke_grant,
            lambda p, r: dist_svc.grant_revoke(grant=r, actor=p, reason="調離"),
        ),
        (
            "sign_for_copy",
            lambda: DocumentCopy.objects.get(pk=side.copy.pk),
            policies.can_sign_for_copy,
            lambda p, r: dist_svc.copy_sign_for(copy=r, actor=p),
        ),
        (
            "pass_copy",
            lambda: DocumentCopy.objects.get(pk=side.copy.pk),
            policies.can_pass_copy,
            lambda p, r: dist_svc.copy_pass(copy=r, actor=p, to_user=side.knower),
        ),
        (
            "return_copy",
            lambda: DocumentCopy.objects.get(pk=side.copy.pk),
            policies.can_return_copy,
            lambda p, r: dist_svc.copy_return(copy=r, actor=p),
        ),
        (
            "record_receipt",
            lambda: type(side.dispatch).objects.get(pk=side.dispatch.pk),
            policies.can_record_receipt,
            lambda p, r: dispatch_svc.dispatch_receipt(dispatch=r, actor=p, received_on=timezone.localdate(), receipt_by="王"),
        ),
        (
            "decide_loan",
            lambda: type(side.requested_loan).objects.get(pk=side.requested_loan.pk),
            policies.can_decide_loan,
            lambda p, r: archive_svc.loan_decide(loan=r, actor=p, approve=True, reason="准", due_on=due),
        ),
        (
            "lend",
            lambda: type(side.approved_loan).objects.get(pk=side.approved_loan.pk),
            policies.can_lend,
            lambda p, r: archive_svc.loan_lend(loan=r, actor=p),
        ),
        (
            "take_back",
            lambda: type(side.lent_loan).objects.get(pk=side.lent_loan.pk),
            policies.can_take_back,
            lambda p, r: archive_svc.loan_return(loan=r, actor=p),
        ),
        (
            "mark_notice_told",
            lambda: type(side.notice).objects.get(pk=side.notice.pk),
            policies.can_mark_notice_told,
            lambda p, r: declass_svc.notice_mark_told(notice=r, actor=p, method="電話通知"),
        ),
    ]
    disagreements = []
    allowed_somewhere = set()
    for name, load, can, call in rows:
        for role, person in [*sec_world.people.items(), ("holder", side.copy_holder)]:
            row = load()
            allowed = can(person, row)
            accepted = accepts(lambda c=call, p=person, reload=load: c(p, reload()))
            if allowed != accepted:
                disagreements.append((name, role, f"can={allowed}", f"service={accepted}"))
            if allowed:
                allowed_somewhere.add(name)
    assert not disagreements, "\n".join(map(str, disagreements))
    assert allowed_somewhere == {name for name, *_ in rows}


def test_a_refusal_names_its_rule(sec_world):
    """A refusal of the rule book carries the rule's name, which the audit of the refusal records."""
    document = sec_world.unknown.docs["registered"]
    with pytest.raises(NotPermitted) as refusal:
        policies.require_open(sec_world.people["handler"], document)
    assert refusal.value.rule == "open"
