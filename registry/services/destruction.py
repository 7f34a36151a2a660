"""Destruction (辦公室機密維護 rule 6, 徹底銷毀; 國家機密保護法第15條; 檔案法第12條).

The archive drafts a destruction inventory (焚燬清冊), a supervisor approves it, and the act is
recorded only with an ethics officer (政風人員) as witness, a different person from the one who
destroys. A national secret is destroyed only once declassified; nothing is destroyed before its
retention period ends. Destroyed documents keep their registry entry and trail for ever.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from registry import audit
from registry.errors import InvalidTransition, NotPermitted, ValidationFailed
from registry.models import (
    AuditAction,
    DestructionItem,
    DestructionList,
    DestructionMethod,
    DestructionState,
    Document,
    DocumentState,
    User,
)
from registry.policies import require_approve_destruction, require_draft_destruction, require_record_destruction
from registry.policies.destruction import destruction_obstacle, refuse_same_people
from registry.roles import Role
from registry.services.locking import locked_documents


def _refuse_obstacles(documents: Sequence[Document]) -> None:
    problems = [p for p in (destruction_obstacle(d) for d in documents) if p]
    if problems:
        raise ValidationFailed(problems[0], field_errors={"documents": problems})


@transaction.atomic
def destruction_draft(*, actor: User, documents: Sequence[Document], note: str = "") -> DestructionList:
    """The archivist drafts a destruction inventory of documents that may be destroyed."""
    require_draft_destruction(actor)
    ids = sorted({d.pk for d in documents})
    if not ids:
        raise ValidationFailed(_("Choose at least one document."), field_errors={"documents": [_("Required.")]})
    documents = locked_documents(ids)
    _refuse_obstacles(documents)
    pending = DestructionItem.objects.filter(
        document_id__in=ids, destruction_list__state__in=[DestructionState.DRAFT, DestructionState.APPROVED]
    ).select_related("document")
    if pending:
        raise InvalidTransition(
            _("%(number)s is already on an inventory awaiting destruction.") % {"number": pending[0].document.number}
        )
    inventory = DestructionList.objects.create(drafted_by=actor, note=note.strip())
    DestructionItem.objects.bulk_create([DestructionItem(destruction_list=inventory, document=d) for d in documents])
    audit.record(
        action=AuditAction.DESTRUCTION_DRAFT,
        actor=actor,
        details={"list": inventory.pk, "documents": ids, "note": inventory.note},
    )
    return inventory


def _locked_list(inventory: DestructionList) -> DestructionList:
    return DestructionList.objects.select_for_update(no_key=True).get(pk=inventory.pk)


def _documents_of(inventory: DestructionList) -> list[Document]:
    ids = inventory.items.values_list("document_id", flat=True)
    return locked_documents(ids)


@transaction.atomic
def destruction_approve(*, destruction_list: DestructionList, actor: User) -> DestructionList:
    """The supervisor of the documents' units (or the head of the agency), cleared to every item's
    level and not its drafter, approves the inventory."""
    inventory = _locked_list(destruction_list)
    documents = _documents_of(inventory)
    require_approve_destruction(actor, inventory)
    _refuse_obstacles(documents)
    inventory.state = DestructionState.APPROVED
    inventory.approved_by = actor
    inventory.approved_at = timezone.now()
    inventory.save()
    audit.record(
        action=AuditAction.DESTRUCTION_APPROVE,
        actor=actor,
        details={"list": inventory.pk, "documents": [d.pk for d in documents]},
    )
    return inventory


@transaction.atomic
def destruction_record(
    *,
    destruction_list: DestructionList,
    actor: User,
    destroyed_by: User,
    witness: User | None,
    method: str,
    destroyed_on: date,
) -> DestructionList:
    """Record the destruction, done by one person and witnessed by an ethics officer (two people)."""
    inventory = _locked_list(destruction_list)
    if inventory.state != DestructionState.APPROVED:
        raise InvalidTransition(_("An inventory is destroyed only after it has been approved."))
    if witness is None:
        raise ValidationFailed(
            _("Destruction is recorded only with an ethics officer as witness (會同政風室)."),
            field_errors={"witness": [_("Required.")]},
        )
    if not witness.has_role(Role.ETHICS):
        raise NotPermitted(
            _("%(person)s is not an ethics officer (政風人員): only the ethics office witnesses destruction.")
            % {"person": witness.display_name}
        )
    if witness.pk == destroyed_by.pk:
        raise ValidationFailed(
            _("The witness and the person who destroys must be two different people."),
            field_errors={"witness": [_("Same person.")]},
        )
    if not destroyed_by.has_role(Role.ARCHIVIST):
        raise NotPermitted(
            _("%(person)s is not on the archive's staff: the archive destroys its files.")
            % {"person": destroyed_by.display_name}
        )
    require_record_destruction(actor, inventory)
    refuse_same_people(inventory, destroyed_by=destroyed_by, witness=witness)
    if actor.pk not in (witness.pk, destroyed_by.pk):
        raise NotPermitted(_("Only the witness or the person who destroyed the documents may record it."))
    if method not in DestructionMethod.values:
        raise ValidationFailed(_("Choose the method of destruction."), field_errors={"method": [_("Required.")]})
    if destroyed_on is None or destroyed_on > timezone.localdate():
        raise ValidationFailed(_("Give the day of destruction; it cannot lie in the future."), field_errors={"destroyed_on": [_("Invalid date.")]})
    documents = _documents_of(inventory)
    _refuse_obstacles(documents)
    now = timezone.now()
    for document in documents:
        document.state = DocumentState.DESTROYED
        document.destroyed_at = now
        document.save(update_fields=["state", "destroyed_at"])
        audit.record(
            action=AuditAction.DOCUMENT_DESTROY,
            actor=destroyed_by,
            document=document,
            details={"list": inventory.pk, "witness": witness.pk, "method": method},
        )
    inventory.state = DestructionState.DESTROYED
    inventory.destroyed_by = destroyed_by
    inventory.witness = witness
    inventory.method = method
    inventory.destroyed_on = destroyed_on
    inventory.save()
    audit.record(
        action=AuditAction.DESTRUCTION_RECORD,
        actor=actor,
        details={
            "list": inventory.pk,
            "documents": [d.pk for d in documents],
            "destroyed_by": destroyed_by.pk,
            "witness": witness.pk,
            "method": method,
            "destroyed_on": destroyed_on.isoformat(),
        },
    )
    return inventory
