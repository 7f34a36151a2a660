"""Destruction (office rule 6, 徹底銷毀; 國家機密保護法第15條; 檔案法第12條): the archive drafts
the inventory, a supervisor approves it, the act is recorded with an ethics officer as witness."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from registry.errors import InvalidTransition, NotPermitted
from registry.models import CopyState, DestructionList, DestructionState, Document, DocumentCopy, DocumentState, User
from registry.policies.base import active, need_clearance, need_role, not_own, permits, rule
from registry.policies.scope import UnitScope
from registry.roles import Role

# Who reads destruction inventories (metadata; each subject only to whoever knows the document).
INVENTORY_ROLES = (Role.ARCHIVIST, Role.SUPERVISOR, Role.ETHICS)


@rule("draft_destruction")
def require_draft_destruction(user: User) -> None:
    """The archive drafts destruction inventories (焚燬清冊)."""
    need_role(user, Role.ARCHIVIST, doing=_("draft destruction inventories"))


can_draft_destruction = permits(require_draft_destruction)


@rule("approve_destruction")
def require_approve_destruction(user: User, inventory: DestructionList) -> None:
    """The supervisor of the listed documents' units (or the head of the agency), cleared to every
    listed document's level and not the one who drafted it, approves a drafted inventory."""
    head = active(user) and user.is_agency_head
    if not head:
        need_role(user, Role.SUPERVISOR, doing=_("approve destruction inventories"))
    not_own(user, inventory.drafted_by_id, doing=_("approve an inventory you drafted"))
    if inventory.state != DestructionState.DRAFT:
        raise InvalidTransition(_("Only a drafted inventory can be approved."))
    documents = Document.objects.filter(destruction_items__destruction_list=inventory)
    if not head:
        foreign = documents.exclude(UnitScope.of(user).documents_q()).order_by("pk").first()
        if foreign is not None:
            raise NotPermitted(
                _(
                    "%(number)s belongs to %(unit)s: only the supervisor of the documents' units, or the head "
                    "of the agency, approves their destruction."
                )
                % {"number": foreign.number, "unit": foreign.responsible_unit.name}
            )
    top = documents.order_by("-level").first()
    if top is not None:
        need_clearance(user, top.level)


can_approve_destruction = permits(require_approve_destruction)


def refuse_same_people(inventory: DestructionList, *, destroyed_by: User, witness: User) -> None:
    """The one who drafted the inventory, the one who approved it and the witness of the
    destruction are three different people; the approver does not destroy either."""
    if witness.pk in (inventory.drafted_by_id, inventory.approved_by_id):
        raise NotPermitted(
            _("The witness may not be the person who drafted or approved the inventory (separation of duties)."),
            rule="separation_of_duties",
        )
    if destroyed_by.pk == inventory.approved_by_id:
        raise NotPermitted(
            _("The person who approved the inventory does not destroy it (separation of duties)."),
            rule="separation_of_duties",
        )


@rule("record_destruction")
def require_record_destruction(user: User, inventory: DestructionList) -> None:
    """The destruction of an approved inventory is recorded by the archive's person who destroyed
    or by the ethics officer who witnessed (which two people, the service checks)."""
    if not active(user) or not user.has_role(Role.ARCHIVIST, Role.ETHICS):
        raise NotPermitted(_("Only the witness or the person who destroyed the documents may record it."))
    if inventory.state != DestructionState.APPROVED:
        raise InvalidTransition(_("An inventory is destroyed only after it has been approved."))


can_record_destruction = permits(require_record_destruction)


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def destruction_obstacle(document: Document, *, today: date | None = None) -> str:
    """Why this document may not be destroyed yet, or "" when it may."""
    today = today or timezone.localdate()
    if document.state != DocumentState.ARCHIVED:
        return _("%(number)s is not in the archive (it is %(state)s).") % {
            "number": document.number,
            "state": document.get_state_display(),
        }
    if document.level_enum.rule.is_national_secret and document.declassified_on is None:
        return _(
            "%(number)s is a national secret not yet declassified: it may be destroyed only after "
            "declassification (National Secrets Protection Act, Article 15)."
        ) % {"number": document.number}
    if document.retention_years is None:
        return _("%(number)s is kept permanently (永久) and may not be destroyed.") % {"number": document.number}
    archived = timezone.localtime(document.archived_at).date() if document.archived_at else today
    ends = _add_years(archived, document.retention_years)
    if ends > today:
        return _(
            "%(number)s must be kept until %(date)s (retention period, Archives Act Article 12)."
        ) % {"number": document.number, "date": ends.isoformat()}
    if DocumentCopy.objects.filter(document=document, state=CopyState.HELD).exists():
        return _("%(number)s still has numbered copies outside the archive: recall them first.") % {
            "number": document.number
        }
    return ""
