"""Reads of documents: the register, a document's rows for its page, and the people a form offers.

Every list of documents starts from ``policies.register_for`` (or ``Document.objects.visible_to``),
so its ``known`` annotation decides masking.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import CharField, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat, LPad
from django.utils import timezone

from registry import policies
from registry.models import (
    AuditAction,
    AuditEvent,
    ClassificationDecision,
    DestructionItem,
    Dispatch,
    DistributionRecipient,
    Document,
    DocumentCopy,
    HandlingStep,
    Loan,
    NeedToKnowGrant,
    ReclassificationNotice,
    ReproductionRequest,
    ReviewRecord,
    Unit,
    User,
)
from registry.models.documents import SERIES_BY_DIRECTION
from registry.policies import UnitScope
from registry.roles import Role
from registry.selectors.pages import KeysetPage, keyset_page

# What a register row shows besides the document itself: one JOIN each, never a query per row.
REGISTER_RELATED = ("responsible_unit", "handling_unit", "routed_to", "custodian", "registered_by")

_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_SERIES = "".join(SERIES_BY_DIRECTION.values())
_WHOLE_NUMBER = re.compile(rf"([0-9]{{1,3}})([{_SERIES}])([0-9]{{1,6}})")


def register_rows(queryset: QuerySet) -> QuerySet:
    """A register queryset ready for a table: related rows joined, newest first."""
    return queryset.select_related(*REGISTER_RELATED).order_by("-registered_at", "-pk")


def filter_by_number(queryset: QuerySet, text: str, *, prefix: str = "") -> QuerySet:
    """Documents whose registration number is ``text`` (115收000012, 115收12) or contains it."""
    text = "".join(text.translate(_FULL_WIDTH_DIGITS).split())
    if not text:
        return queryset
    if match := _WHOLE_NUMBER.fullmatch(text):
        return queryset.filter(
            **{
                f"{prefix}reg_year": int(match[1]),
                f"{prefix}reg_series": match[2],
                f"{prefix}reg_serial": int(match[3]),
            }
        )
    number = Concat(
        Cast(f"{prefix}reg_year", CharField()),
        f"{prefix}reg_series",
        LPad(Cast(f"{prefix}reg_serial", CharField()), 6, Value("0")),
        output_field=CharField(),
    )
    return queryset.alias(number_text=number).filter(number_text__contains=text)


def register_list(
    user: User,
    *,
    number: str = "",
    level: int | None = None,
    state: str = "",
    unit: Unit | None = None,
    registered_from: date | None = None,
    registered_to: date | None = None,
    received_from: date | None = None,
    received_to: date | None = None,
    q: str = "",
    sender_ref: str = "",
    agency: str = "",
    direction: str = "",
    custodian: str = "",
) -> QuerySet:
    """The register (登記簿) a person may read, filtered, unordered and without ``known``: page it
    with ``register_page``.

    ``q`` finds a sender's 文號, an agency, a whole registration number, or words of the subject —
    the subject only among the documents this person knows, so a search never tells anyone that a
    document they do not know speaks of something."""
    queryset = policies.register_for(user, known=False)
    if q := search_text(q):
        queryset = queryset.filter(pk__in=_matching(user, q))
    if sender_ref := search_text(sender_ref):
        queryset = queryset.filter(sender_ref__contains=sender_ref)
    if agency := search_text(agency):
        queryset = queryset.filter(pk__in=_agency_matches(agency))
    if direction:
        queryset = queryset.filter(direction=direction)
    if custodian := search_text(custodian):
        people = User.objects.filter(Q(username__iexact=custodian) | Q(full_name__contains=custodian))
        queryset = queryset.filter(custodian__in=people.values("pk")[:50])
    if received_from:
        queryset = queryset.filter(received_on__gte=received_from)
    if received_to:
        queryset = queryset.filter(received_on__lte=received_to)
    if level:
        queryset = queryset.filter(level=level)
    if state:
        queryset = queryset.filter(state=state)
    if unit is not None:
        queryset = queryset.filter(Q(responsible_unit=unit) | Q(handling_unit=unit))
    # Whole days of Taipei as a range of moments: an index on the moment serves it, a cast to a
    # date per row would not.
    if registered_from:
        queryset = queryset.filter(registered_at__gte=day_start(registered_from))
    if registered_to:
        queryset = queryset.filter(registered_at__lt=day_start(registered_to + timedelta(days=1)))
    return filter_by_number(queryset, number or "")


def search_text(text: str) -> str:
    """A search term as typed: full-width digits made plain, spaces collapsed, at most 100 characters."""
    return " ".join((text or "").translate(_FULL_WIDTH_DIGITS).split())[:100]


def _agency_branches(term: str) -> list[QuerySet]:
    """Documents whose sending or original agency contains ``term`` (each an indexed lookup on
    PostgreSQL: trigram indexes, migration 0014)."""
    documents = Document.objects.order_by()
    return [
        documents.filter(sender__contains=term).values("pk"),
        documents.filter(original_agency__contains=term).values("pk"),
    ]


def _agency_matches(term: str) -> QuerySet:
    first, *others = _agency_branches(term)
    return first.union(*others)


def _matching(user: User, term: str) -> QuerySet:
    """The ids ``q`` finds: a 文號 or an agency containing it, a whole registration number, or a
    subject containing it among the documents the person knows (``policies.known_ids``)."""
    documents = Document.objects.order_by()
    branches = [
        documents.filter(sender_ref__contains=term).values("pk"),
        *_agency_branches(term),
        documents.filter(pk__in=policies.known_ids(user), subject__contains=term).values("pk"),
    ]
    if _WHOLE_NUMBER.fullmatch(term.replace(" ", "")):
        branches.append(filter_by_number(documents, term).values("pk"))
    return branches[0].union(*branches[1:])


def register_page(user: User, *, after: str = "", before: str = "", size: int | None = None, **filters) -> KeysetPage:
    """One page of the person's register, newest first, each row with ``known`` and its related
    rows; the same cost on the first page and the last."""
    return keyset_page(
        register_list(user, **filters),
        after=after,
        before=before,
        size=size or settings.REGISTRY_PAGE_SIZE,
        decorate=lambda rows: rows.select_related(*REGISTER_RELATED).with_need_to_know(user),
    )


def day_start(day: date) -> datetime:
    """The first moment of ``day`` in Taipei."""
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


# --- one document's rows, for its page ----------------------------------------------------------


def document_steps(document: Document) -> QuerySet:
    """A document's handling steps in order, with the people and units they name."""
    return HandlingStep.objects.filter(document=document).select_related("actor", "to_unit", "to_user")


def document_copies(document: Document) -> list[DocumentCopy]:
    """Every numbered copy of a document, with its holder, by number then issue."""
    return list(
        DocumentCopy.objects.filter(document=document).select_related("holder", "document").order_by("number", "issued_at", "pk")
    )


def outstanding_copies(document: Document) -> QuerySet:
    """Copies recalled and not yet back."""
    return DocumentCopy.objects.filter(document=document, state="held", recalled_at__isnull=False).select_related("holder")


def distribution_recipients(document: Document) -> list[DistributionRecipient]:
    return list(
        DistributionRecipient.objects.filter(request__document=document)
        .select_related("user", "request__requested_by", "request__document", "decided_by", "copy")
        .order_by("request__requested_at", "pk")
    )


def reproduction_requests(document: Document) -> list[ReproductionRequest]:
    return list(
        ReproductionRequest.objects.filter(document=document)
        .select_related("requested_by", "decided_by", "copy", "document")
        .order_by("requested_at", "pk")
    )


def live_grants(document: Document, *, now=None) -> list[NeedToKnowGrant]:
    """The need-to-know grants of a document that are live now."""
    now = now or timezone.now()
    return list(
        NeedToKnowGrant.objects.filter(document=document, ended_at__isnull=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .select_related("user", "granted_by", "document")
        .order_by("granted_at", "pk")
    )


def document_dispatches(document: Document) -> list[Dispatch]:
    return list(
        Dispatch.objects.filter(document=document).select_related("dispatched_by", "copy", "document").order_by("-dispatched_at")
    )


def document_loans(document: Document) -> list[Loan]:
    return list(
        Loan.objects.filter(document=document)
        .select_related("borrower", "decided_by", "lent_by", "received_by", "document")
        .order_by("requested_at", "pk")
    )


# The audit actions of a document's later life, shown on its pages as a second trail. The handling
# steps before it are HandlingStep rows; these steps are only in the audit chain.
LATER_LIFE_ACTIONS = (
    AuditAction.ARCHIVE_HANDOVER,
    AuditAction.ARCHIVE_RECEIVE,
    AuditAction.LOAN_REQUEST,
    AuditAction.LOAN_APPROVE,
    AuditAction.LOAN_REFUSE,
    AuditAction.LOAN_LEND,
    AuditAction.LOAN_RETURN,
    AuditAction.DECLASS_EVENT,
    AuditAction.REVIEW_RECORD,
    AuditAction.RECLASSIFY,
    AuditAction.NOTICE_TOLD,
    AuditAction.DOCUMENT_DESTROY,
    AuditAction.PARTY_REQUEST,
    AuditAction.PARTY_DECIDE,
    AuditAction.PARTY_READING,
)


def later_life_trail(document: Document) -> QuerySet:
    """The later-life events of a document, oldest first: what, when, who; never the details."""
    return (
        AuditEvent.objects.filter(document=document, action__in=LATER_LIFE_ACTIONS)
        .select_related("actor")
        .only("seq", "at", "action", "actor__username", "actor__full_name", "document_id")
        .order_by("seq")
    )


def classification_decisions(document: Document) -> list[ClassificationDecision]:
    return list(
        ClassificationDecision.objects.filter(document=document).select_related("decided_by").order_by("decided_at", "pk")
    )


def change_notices(document: Document) -> list[ReclassificationNotice]:
    return list(
        ReclassificationNotice.objects.filter(decision__document=document)
        .select_related("recipient", "told_by", "copy", "decision__document")
        .order_by("pk")
    )


def document_reviews(document: Document) -> list[ReviewRecord]:
    return list(ReviewRecord.objects.filter(document=document).select_related("reviewed_by"))


def document_inventories(document: Document) -> list:
    """The destruction inventories that hold the document, oldest first."""
    items = (
        DestructionItem.objects.filter(document=document)
        .select_related(
            "destruction_list__drafted_by",
            "destruction_list__approved_by",
            "destruction_list__destroyed_by",
            "destruction_list__witness",
        )
        .order_by("destruction_list__drafted_at", "pk")
    )
    return [item.destruction_list for item in items]


# --- the people a form offers ---------------------------------------------------------------------


def handling_units() -> QuerySet:
    """Units of the office a supervisor may instruct to handle a document."""
    return Unit.objects.filter(is_superior_agency=False).order_by("code")


def active_people() -> QuerySet:
    """Every active person, by unit and name."""
    return User.objects.filter(is_active=True).select_related("unit").order_by("unit__code", "full_name", "username")


def people_around(document: Document, *, limit: int = 40) -> list[User]:
    """Active people who may be the next to act on a document: its designated handler and
    custodian, the people of its receiving and handling units and of the units above them, and
    the archive; cleared to its level. Only candidates: the rule book says which of them may."""
    units = {document.responsible_unit_id, document.handling_unit_id} - {None}
    parents = set(Unit.objects.filter(pk__in=units, parent__isnull=False).values_list("parent_id", flat=True))
    near = (
        Q(unit_id__in=units | parents)
        | Q(pk__in=[pk for pk in (document.routed_to_id, document.custodian_id) if pk])
        | Q(groups__name=Role.ARCHIVIST.value)
    )
    people = (
        active_people()
        .filter(near, clearance__gte=int(document.level))
        .prefetch_related("groups")
        .distinct()
    )
    return list(people[:limit])


def cleared_people(level: int) -> QuerySet:
    """Active people cleared to ``level``."""
    return active_people().filter(clearance__gte=int(level))


def people_with_roles(*roles: Role) -> QuerySet:
    """Active people holding one of ``roles``."""
    return active_people().filter(groups__name__in=[str(r) for r in roles]).distinct()


def handlers_for(document: Document) -> QuerySet:
    """Active designated handlers (密件承辦人) in the instructed unit and the units below it."""
    if document.handling_unit_id is None:
        return User.objects.none()
    return (
        User.objects.filter(
            is_active=True,
            groups__name=Role.HANDLER.value,
            unit_id__in=sorted(UnitScope.below(document.handling_unit_id).ids),
        )
        .select_related("unit")
        .distinct()
        .order_by("unit__code", "full_name", "username")
    )


def people_who_know(document: Document) -> QuerySet:
    """Active people who may know the document now: its custodian and every live grant."""
    live = NeedToKnowGrant.objects.filter(document=document, ended_at__isnull=True).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now())
    )
    return active_people().filter(clearance__gte=document.level).filter(
        Q(pk=document.custodian_id) | Q(pk__in=live.values("user_id"))
    )


AGENCY_LOOKBACK = 500
AGENCY_SUGGESTIONS = 100


def agency_names(user: User) -> list[str]:
    """Agencies already written in the person's register (senders, addressees, classifying and
    authorizing agencies of its latest entries), most used first, to suggest at registration.

    Only the agency columns are read, never a subject, and only from the person's own register.
    """
    columns = ("sender", "addressee", "original_agency", "authorization_by")
    latest = (
        policies.register_for(user, known=False)
        .order_by("-registered_at", "-id")
        .values_list(*columns)[:AGENCY_LOOKBACK]
    )
    counts: dict[str, int] = {}
    for row in latest:
        for name in row:
            name = " ".join(name.split())
            if name:
                counts[name] = counts.get(name, 0) + 1
    ranked = sorted(counts, key=lambda name: (-counts[name], name))
    return ranked[:AGENCY_SUGGESTIONS]
