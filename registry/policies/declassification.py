"""Declassification, changes of level and the yearly review (國家機密保護法第10、11、27、28條)."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from classification import DeclassKind
from registry.errors import InvalidTransition
from registry.models import Document, DocumentState, ReclassificationNotice, Unit, User
from registry.policies.base import active, permits, rule
from registry.policies.distribution import require_decide_for_document
from registry.roles import Role

# Documents whose later life is over take no decisions and need no review.
CLOSED_STATES = (DocumentState.DESTROYED, DocumentState.CANCELLED)
EVENT_KINDS = (DeclassKind.EVENT, DeclassKind.ATTACHMENT_REMOVED, DeclassKind.OTHER)


def _normal(name: str) -> str:
    return "".join((name or "").split())


def originates_here(document: Document) -> bool:
    """Whether this office is the document's original classifying agency: the agency itself
    (``REGISTRY_AGENCY_NAME``) or one of its own units, written plainly or after the agency's name."""
    agency = _normal(settings.REGISTRY_AGENCY_NAME)
    origin = _normal(document.original_agency)
    if not origin:
        return False
    if origin == agency:
        return True
    own_units = {_normal(name) for name in Unit.objects.filter(is_superior_agency=False).values_list("name", flat=True)}
    return origin in own_units or (origin.startswith(agency) and origin[len(agency) :] in own_units)


def need_open(document: Document) -> None:
    """Refuse a document already declassified, destroyed or cancelled."""
    if document.state in CLOSED_STATES or document.declassified_on:
        raise InvalidTransition(_("This document is already declassified or closed."))


@rule("review_document")
def require_review_document(user: User, document: Document) -> None:
    """The archive, or the deciding supervisor, records the declassifying event, the yearly review
    and the notices given."""
    if active(user) and user.has_role(Role.ARCHIVIST):
        return
    require_decide_for_document(user, document)


can_review_document = permits(require_review_document)


@rule("record_declass_event")
def require_record_declass_event(user: User, document: Document) -> None:
    """Record, once, that the event a document's condition names has happened (e.g. 公布)."""
    require_review_document(user, document)
    if document.declass_kind not in EVENT_KINDS:
        raise InvalidTransition(_("This document's condition is not an event: its dates are known already."))
    need_open(document)
    if document.declass_event_met_on is not None:
        raise InvalidTransition(_("The declassifying event of this document has already been recorded."))


can_record_declass_event = permits(require_record_declass_event)


@rule("record_review")
def require_record_review(user: User, document: Document) -> None:
    """Record the yearly review of a classified document that is still open."""
    require_review_document(user, document)
    if document.state in CLOSED_STATES or document.declassified_on:
        raise InvalidTransition(_("A declassified, destroyed or cancelled document is not reviewed."))
    if not document.level_enum.rule.is_classified:
        raise InvalidTransition(_("Only a classified document is reviewed; this one is %(level)s.") % {"level": document.level_label})


can_record_review = permits(require_record_review)


@rule("reclassify")
def require_reclassify(user: User, document: Document) -> None:
    """The deciding supervisor records a declassification or change of level of an open document
    (the decision itself, or the original agency's decision, §10)."""
    require_decide_for_document(user, document)
    need_open(document)


can_reclassify = permits(require_reclassify)


@rule("mark_notice_told")
def require_mark_notice_told(user: User, notice: ReclassificationNotice) -> None:
    """Record, once, that a change notice was given."""
    require_review_document(user, notice.decision.document)
    if notice.told_at is not None:
        raise InvalidTransition(_("This notice has already been recorded as given."))


can_mark_notice_told = permits(require_mark_notice_told)


def reclassify_authority_errors(
    document: Document, *, authority: str, agency: str, agency_decided_on, agency_ref: str, agency_is_superior: bool
) -> dict[str, list[str]]:
    """§10: only the original classifying agency (or its superior) decides. A document this office
    originated may be decided here on the office's own authority; one of another agency only by
    recording that agency's decision: which agency, on which day, under which 文號."""
    errors: dict[str, list[str]] = {}
    if originates_here(document):
        if not authority.strip():
            errors["authority"] = [_("Required.")]
        return errors
    message = _(
        "%(agency)s classified this document: only it or its superior agency may declassify it or change "
        "its level or period (National Secrets Protection Act, Article 10). Record that agency's decision: "
        "the agency, the day and its document number (文號)."
    ) % {"agency": document.original_agency}
    if not agency.strip():
        errors["agency"] = [message]
    elif _normal(agency) != _normal(document.original_agency) and not agency_is_superior:
        errors["agency"] = [
            _("The decision must be %(agency)s's own, or its superior agency's (tick that it is the superior).")
            % {"agency": document.original_agency}
        ]
    if agency_decided_on is None:
        errors["agency_decided_on"] = [message if not errors else _("Required.")]
    if not agency_ref.strip():
        errors["agency_ref"] = [message if not errors else _("Required.")]
    return errors
