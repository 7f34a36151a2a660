"""Reads about people: what a person holds (the items a hand-over moves), the people page's list,
a person's recent log-ins and the changes made to them."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import CharField, JSONField, Q, QuerySet
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast

from classification import Level
from registry.models import (
    AuditAction,
    AuditEvent,
    Decision,
    DistributionRequest,
    Document,
    DocumentCopy,
    DocumentState,
    Handover,
    ItemKind,
    Loan,
    LoanState,
    Meeting,
    MeetingPublication,
    MeetingState,
    PartyDecision,
    PartyRequest,
    PublicationState,
    ReproductionRequest,
    User,
)
from registry.models.distribution import CopyState

# The actions that change a person; their details name the person changed as "subject".
PERSON_ACTIONS = (
    AuditAction.PERSON_CREATE,
    AuditAction.PERSON_CHANGE,
    AuditAction.PERSON_ROLES,
    AuditAction.PERSON_CLEARANCE,
    AuditAction.PERSON_TRANSFER,
    AuditAction.PERSON_ACTIVE,
    AuditAction.PERSON_AGENCY_HEAD,
    AuditAction.PERSON_PASSWORD,
    AuditAction.HANDOVER,
    AuditAction.HANDOVER_SIGN,
    AuditAction.AUTH_OTP_REMOVED,
    AuditAction.AUTH_OTP_DESK_ENROL,
    AuditAction.AUTH_ENROL_CODE_ISSUE,
    AuditAction.AUTH_ENROL_CODE_REVOKE,
)


@dataclass(frozen=True)
class HeldItem:
    """One thing a person holds or waits on: what it is, the record, its document and level."""

    kind: str
    obj: object
    document: Document | None
    level: int | None

    @property
    def kind_label(self) -> str:
        return str(ItemKind(self.kind).label)

    @property
    def label(self) -> str:
        """Named by number, never by subject."""
        if self.kind == ItemKind.COPY:
            return f"{self.obj.document.number} 第{self.obj.number}份"
        if self.kind in (ItemKind.MEETING_CHAIR, ItemKind.MEETING_ORGANIZER, ItemKind.PUBLICATION_REQUEST):
            meeting = self.obj if isinstance(self.obj, Meeting) else self.obj.meeting
            return str(meeting)
        if self.document is not None:
            return self.document.number
        return f"#{self.obj.pk}"

    @property
    def level_label(self) -> str:
        return Level(self.level).label if self.level else ""


# A document on loan is held through its loan (listed once, as the loan).
_LIVE_DOCUMENT = ~Q(state__in=[DocumentState.DESTROYED, DocumentState.CANCELLED, DocumentState.ON_LOAN])


def holdings(person: User) -> list[HeldItem]:
    """Every item a hand-over of ``person`` moves: custody, documents routed to them, copies,
    loans, meeting roles and pending requests (a few indexed queries)."""
    items: list[HeldItem] = []
    for document in Document.objects.filter(_LIVE_DOCUMENT, custodian=person).order_by("pk"):
        items.append(HeldItem(ItemKind.CUSTODY, document, document, document.level))
    for document in Document.objects.filter(routed_to=person, state=DocumentState.ROUTED).order_by("pk"):
        items.append(HeldItem(ItemKind.ROUTED, document, document, document.level))
    for copy in DocumentCopy.objects.filter(holder=person, state=CopyState.HELD).select_related("document").order_by("pk"):
        items.append(HeldItem(ItemKind.COPY, copy, copy.document, copy.document.level))
    for loan in Loan.objects.filter(borrower=person, state=LoanState.LENT).select_related("document").order_by("pk"):
        items.append(HeldItem(ItemKind.LOAN, loan, loan.document, loan.document.level))
    open_meetings = Meeting.objects.exclude(state=MeetingState.CLOSED).order_by("pk")
    for meeting in open_meetings.filter(chair=person):
        items.append(HeldItem(ItemKind.MEETING_CHAIR, meeting, None, meeting.level))
    for meeting in open_meetings.filter(organizer=person):
        items.append(HeldItem(ItemKind.MEETING_ORGANIZER, meeting, None, meeting.level))
    pending_distribution = DistributionRequest.objects.filter(
        requested_by=person, recipients__decision=Decision.PENDING
    ).distinct()
    for request in pending_distribution.select_related("document").order_by("pk"):
        items.append(HeldItem(ItemKind.DISTRIBUTION_REQUEST, request, request.document, request.document.level))
    reproductions = ReproductionRequest.objects.filter(requested_by=person, decision=Decision.PENDING)
    for request in reproductions.select_related("document").order_by("pk"):
        items.append(HeldItem(ItemKind.REPRODUCTION_REQUEST, request, request.document, request.document.level))
    loan_requests = Loan.objects.filter(borrower=person, state__in=[LoanState.REQUESTED, LoanState.APPROVED])
    for loan in loan_requests.select_related("document").order_by("pk"):
        items.append(HeldItem(ItemKind.LOAN_REQUEST, loan, loan.document, loan.document.level))
    publications = MeetingPublication.objects.filter(requested_by=person, state=PublicationState.PENDING)
    for publication in publications.select_related("meeting").order_by("pk"):
        items.append(HeldItem(ItemKind.PUBLICATION_REQUEST, publication, None, publication.meeting.level))
    parties = PartyRequest.objects.filter(recorded_by=person, decision=PartyDecision.PENDING)
    for request in parties.select_related("document").order_by("pk"):
        level = request.document.level if request.document_id else None
        items.append(HeldItem(ItemKind.PARTY_REQUEST, request, request.document, level))
    return items


def people_list(*, query: str = "", unit=None, include_inactive: bool = True) -> QuerySet:
    """The people page's list: everyone, by unit and name, filtered by name or log-in."""
    people = User.objects.select_related("unit").order_by("unit__code", "username")
    if query := (query or "").strip():
        people = people.filter(Q(username__icontains=query) | Q(full_name__icontains=query))
    if unit is not None:
        people = people.filter(unit=unit)
    if not include_inactive:
        people = people.filter(is_active=True)
    return people


def with_subject(events: QuerySet) -> QuerySet:
    """Annotate the person an event is about: ``subject_key`` (their id) and ``subject_name``
    (their log-in name, as the second factor's events name them)."""
    data = Cast("details", JSONField())
    return events.annotate(
        subject_key=Cast(KeyTextTransform("subject", data), CharField()),
        subject_name=Cast(KeyTextTransform("person", data), CharField()),
    )


def about_people_q(people) -> Q:
    """Events that change one of ``people`` (on a queryset passed through ``with_subject``)."""
    people = list(people)
    if not people:
        return Q(pk__in=[])
    return Q(action__in=PERSON_ACTIONS) & (
        Q(subject_key__in=[str(p.pk) for p in people]) | Q(subject_name__in=[p.get_username() for p in people])
    )


def person_changes(person: User, *, limit: int = 50) -> QuerySet:
    """The changes made to a person (clearance, unit, roles, password, second factor, hand-overs),
    newest first."""
    return (
        with_subject(AuditEvent.objects.filter(action__in=PERSON_ACTIONS))
        .filter(about_people_q([person]))
        .select_related("actor")
        .order_by("-seq")[:limit]
    )


def recent_logins(person: User, *, limit: int = 10) -> QuerySet:
    """A person's own recent log-ins, newest first, each with its address (``ip``) and browser (``agent``)."""
    data = Cast("details", JSONField())
    return (
        AuditEvent.objects.filter(actor=person, action=AuditAction.AUTH_LOGIN)
        .annotate(ip=KeyTextTransform("ip", data), agent=KeyTextTransform("agent", data))
        .order_by("-seq")[:limit]
    )


def handovers_of(person: User) -> QuerySet:
    """Hand-overs from or to a person, newest first."""
    return (
        Handover.objects.filter(Q(predecessor=person) | Q(successor=person))
        .select_related("predecessor", "successor", "by")
        .order_by("-at", "-pk")
    )


def unsigned_handovers(person: User) -> QuerySet:
    """Hand-overs waiting for the person's signature as successor."""
    return Handover.objects.filter(successor=person, signed_at__isnull=True).select_related("predecessor", "by")
