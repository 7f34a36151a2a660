"""The security tests' world: one office, one person per role, and on two sides — ``known`` (every
matrix person may know it) and ``unknown`` (walked by other people of the same units: no matrix
person may know it) — documents in every state of the handling path and of the later life, with
the rows the URLs name: a numbered copy and its grant, a pending recipient and copying request, a
dispatch, loans in each state, a change notice, destruction inventories (drafted and approved),
parties' requests (pending and approved), and a planned and a held meeting with attendees, copies
and publications.

The world is built once per test module through the services, inside a transaction that is rolled
back when the module ends (``sec_world``); every test runs in its own savepoint on top of it, and
``rolled_back`` lets a test undo each request it makes, so one world serves hundreds of requests.

Names here start with ``sec_`` (or are plain helpers) so they never shadow a shared fixture.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from classification import Level, TransitMethod
from registry.models import (
    Direction,
    Document,
    DocumentState,
    NeedToKnowGrant,
    ReclassificationNotice,
    StorageLocation,
    StorageZone,
    Unit,
    User,
)
from registry.models.documents import GrantBasis
from registry.roles import Role
from tests.factories import AGENCY_DECISION, next_sender_ref

# The columns of the authorization matrix: one person per role, a person with no role, and (in
# the matrix itself) the anonymous visitor.
ROLES = ("clerk", "supervisor", "handler", "archivist", "ethics", "admin", "norole")

# The states the action URLs need a document in, by a short tag.
STATES = {
    "registered": DocumentState.REGISTERED,
    "opened": DocumentState.OPENED,
    "routed": DocumentState.ROUTED,
    "signed": DocumentState.SIGNED,
    "handling": DocumentState.IN_HANDLING,
}


def _person(username: str, unit: Unit, *roles: Role, **fields) -> User:
    person = User.objects.create_user(
        username=username,
        password="correct-horse-battery-staple",
        unit=unit,
        clearance=fields.pop("clearance", Level.TOP_SECRET),
        full_name=fields.pop("full_name", username),
        **fields,
    )
    for role in roles:
        group, _ = Group.objects.get_or_create(name=str(role))
        person.groups.add(group)
    person.__dict__.pop("role_names", None)
    return person


def registration(**overrides) -> dict:
    """A valid incoming 機密 registration with the §14 written authorization, in five copies."""
    values = {
        "direction": Direction.INCOMING,
        "subject": "機密測試公文",
        "level": Level.CONFIDENTIAL,
        "original_agency": "國防部",
        "approving_official": "王部長",
        "approval_date": timezone.localdate() - timedelta(days=30),
        "protection_years": 5,
        "sender": "國防部",
        "sender_ref": next_sender_ref(),
        "authorization_ref": "國密授字第1150000001號",
        "authorization_by": "國防部",
        "copies_count": 5,
    }
    values.update(overrides)
    return values


@dataclass
class Variant:
    """The documents one side of the matrix uses: ``known`` (every matrix person may know them) or
    ``unknown`` (walked by other people of the same units: no matrix person may know them)."""

    docs: dict[str, Document] = field(default_factory=dict)  # state tag (and "archived") → document
    copy: object = None  # copy 1 of the handling document, held by a recipient
    grant: object = None  # that recipient's distribution grant
    pending_recipient: object = None  # a recipient waiting for the supervisor's decision
    reproduction: object = None  # a pending copying request
    dispatch: object = None  # a dispatch of the handling document, waiting for its receipt
    copy_holder: User | None = None
    knower: User | None = None  # someone (not the holder) who may know the handling document
    destruction_list: object = None  # a drafted destruction inventory of the archived document
    approved_list: object = None  # an approved inventory of the "destroyable" document
    party_request: object = None  # an approved party's request (行政程序法第46條) about the handling document
    pending_party_request: object = None  # one waiting for the supervisor's decision
    requested_loan: object = None  # of the archived document, waiting for the supervisor
    approved_loan: object = None  # of the archived document, waiting for the archive to lend it
    lent_loan: object = None  # of the "on_loan" document, out
    notice: object = None  # a change notice owed to a holder of the "later" document's copy
    planned: object = None  # a planned meeting (venue checked, materials named, one attendee pending)
    held: object = None  # a held meeting (materials handed out, minutes named, publications)
    pending_attendee: object = None  # of the planned meeting
    unserved_attendee: object = None  # an admitted attendee of the held meeting without a copy yet
    meeting_copy: object = None  # the copy handed out at the held meeting
    pending_publication: object = None  # of the held meeting, for the head of the agency
    approved_publication: object = None  # of the held meeting, approved, not yet published

    def subjects(self) -> list[str]:
        return [d.subject for d in self.docs.values()]


@dataclass
class World:
    people: dict[str, User]
    helpers: dict[str, User]
    units: dict[str, Unit]
    known: Variant
    unknown: Variant
    location: StorageLocation | None = None  # the archive's cabinet for classified files
    handover: object = None  # a hand-over (移交) between two helpers of the handling unit, unsigned

    def variant(self, knows: bool) -> Variant:
        return self.known if knows else self.unknown

    def secrets(self) -> list[str]:
        """Text that no matrix person may ever read: the unknown documents' subjects, the
        supervisor's instruction on them, and the reason given for their distribution and copying
        (free text in the audit details, which the review pages mask for those who do not know
        the document)."""
        return [*self.unknown.subjects(), UNKNOWN_INSTRUCTION, UNKNOWN_REASON]


UNKNOWN_INSTRUCTION = "請機要科依秘密批示乙辦理"
UNKNOWN_REASON = "乙案會辦密由"


def build_world() -> World:
    """Units, people and documents, all made the way the registry makes them."""
    from registry.services import dispatch as dispatch_svc
    from registry.services import distribution as dist_svc
    from registry.services import documents as doc_svc
    from registry.services.grants import grant_create

    sec = Unit.objects.create(code="S-SEC", name="秘書處")
    conf = Unit.objects.create(code="S-SEC-CONF", name="機要科", parent=sec)
    eth = Unit.objects.create(code="S-ETH", name="政風室")
    land = Unit.objects.create(code="S-LAND", name="地政局")
    units = {"receiving": sec, "handling": conf, "ethics": eth, "elsewhere": land}

    people = {
        "clerk": _person("s-clerk", sec, Role.CLERK, full_name="收發陳"),
        "supervisor": _person("s-supervisor", sec, Role.SUPERVISOR, full_name="主管林"),
        "handler": _person("s-handler", conf, Role.HANDLER, full_name="承辦張"),
        "archivist": _person("s-archivist", sec, Role.ARCHIVIST, full_name="檔管黃"),
        "ethics": _person("s-ethics", eth, Role.ETHICS, full_name="政風吳"),
        "admin": _person(
            "s-admin", sec, Role.ADMIN, full_name="管理蔡", is_staff=True, is_superuser=True
        ),
        "norole": _person("s-norole", conf, full_name="局外周"),
    }
    helpers = {
        "clerk2": _person("s-clerk2", sec, Role.CLERK, full_name="收發二"),
        "supervisor2": _person("s-supervisor2", sec, Role.SUPERVISOR, full_name="主管二"),
        "handler2": _person("s-handler2", conf, Role.HANDLER, full_name="承辦二"),
        "colleague": _person("s-colleague", conf, full_name="同仁甲"),
        "colleague2": _person("s-colleague2", conf, full_name="同仁乙"),
        "reader": _person("s-reader", conf, full_name="同仁丙"),
        "borrower": _person("s-borrower", conf, full_name="同仁丁"),
        "far_supervisor": _person("s-far-supervisor", land, Role.SUPERVISOR, full_name="地政主管"),
        "head": _person("s-head", sec, full_name="首長", is_agency_head=True),
        "leaver": _person("s-leaver", conf, Role.HANDLER, full_name="離職者"),
    }

    def walk(state: str, *, clerk, supervisor, handler, subject, instruction, **overrides):
        document = doc_svc.document_register(actor=clerk, **registration(subject=subject, **overrides))
        steps = [
            ("opened", lambda d: doc_svc.document_open(
                document=d, actor=supervisor, instruction=instruction, handling_unit=conf)),
            ("routed", lambda d: doc_svc.document_route(document=d, actor=clerk, handler=handler)),
            ("signed", lambda d: doc_svc.document_sign_for(document=d, actor=handler)),
            ("handling", lambda d: doc_svc.document_begin_handling(document=d, actor=handler)),
        ]
        for _tag, step in steps[: list(STATES).index(state)]:
            document = step(document)
        document.refresh_from_db()
        assert document.state == STATES[state]
        return document

    location = StorageLocation.objects.create(code="S-C01", name="機密檔案櫃", zone=StorageZone.CLASSIFIED)

    def archived_and_listed(side: Variant, *, clerk, supervisor, handler, subject, instruction) -> None:
        """A 密 document (not a national secret) handled, filed in the archive by the archivist
        (who does not come to know it), its one-year retention run out, and put on a destruction
        inventory; the side's ``archived`` document and ``destruction_list``."""
        from registry.services import archive as archive_svc
        from registry.services import destruction as destruction_svc

        document = doc_svc.document_register(
            actor=clerk, **registration(subject=subject, level=Level.OFFICIAL_SECRET, authorization_ref="")
        )
        document = doc_svc.document_open(
            document=document, actor=supervisor, instruction=instruction, handling_unit=conf
        )
        document = doc_svc.document_route(document=document, actor=clerk, handler=handler)
        document = doc_svc.document_sign_for(document=document, actor=handler)
        document = archive_svc.archive_handover(document=document, actor=handler)
        document = archive_svc.archive_receive(
            document=document, actor=people["archivist"], location=location, retention_years=1
        )
        # Time, not a rule, stands between filing and destruction: file it two years ago.
        Document.objects.filter(pk=document.pk).update(archived_at=timezone.now() - timedelta(days=2 * 366))
        document.refresh_from_db()
        side.docs["archived"] = document
        side.destruction_list = destruction_svc.destruction_draft(actor=people["archivist"], documents=[document])

    def party_requests(side: Variant, *, clerk, supervisor) -> None:
        """Two parties' requests about the side's archived 密 document (a national secret is never
        shown to a party while classified, 行政程序法第46條): one approved, one pending."""
        from registry.services import party_requests as party_svc

        def record():
            return party_svc.party_request_record(
                actor=clerk,
                applicant="陳當事人",
                applicant_kind="party",
                files_described="訴願案卷",
                legal_interest="主張權利所必要",
                document=side.docs["archived"],
            )

        side.party_request = party_svc.party_request_decide(
            request=record(), actor=supervisor, decision="approved", reasons="無第46條情形",
            release_basis="所示部分已無保密必要",
        )
        side.pending_party_request = record()

    def later_life(side: Variant, *, clerk, supervisor, handler, borrowers, holder, subject, instruction) -> None:
        """The archive, loans, destruction and declassification rows of one side.

        ``to_archive``: handed to the archive. ``destroyable``: filed, retention over, on an approved
        inventory. ``listable``: filed, retention over, on no inventory. ``on_loan``: filed and lent to ``borrowers[0]``. On ``archived`` (see
        ``archived_and_listed``) a loan asked by ``borrowers[1]`` waits for the supervisor and one
        by ``borrowers[2]`` for the archive. ``later``: in handling with an event as its
        declassification condition, a copy held by ``holder``, and downgraded, so a change notice
        is owed to the holder.
        """
        from registry.services import archive as archive_svc
        from registry.services import declassification as declass_svc
        from registry.services import destruction as destruction_svc

        def filed(tag, *, backdate):
            document = walk("signed", clerk=clerk, supervisor=supervisor, handler=handler,
                            subject=f"{subject}（{tag}）", instruction=instruction,
                            level=Level.OFFICIAL_SECRET, authorization_ref="")
            document = archive_svc.archive_handover(document=document, actor=handler)
            if tag == "to_archive":
                return document
            document = archive_svc.archive_receive(
                document=document, actor=people["archivist"], location=location, retention_years=1
            )
            if backdate:
                Document.objects.filter(pk=document.pk).update(archived_at=timezone.now() - timedelta(days=2 * 366))
                document.refresh_from_db()
            return document

        side.docs["to_archive"] = filed("to_archive", backdate=False)
        destroyable = side.docs["destroyable"] = filed("destroyable", backdate=True)
        inventory = destruction_svc.destruction_draft(actor=people["archivist"], documents=[destroyable])
        side.approved_list = destruction_svc.destruction_approve(destruction_list=inventory, actor=supervisor)
        side.docs["listable"] = filed("listable", backdate=True)  # on no inventory yet
        on_loan = side.docs["on_loan"] = filed("on_loan", backdate=False)
        due = timezone.localdate() + timedelta(days=14)
        loan = archive_svc.loan_request(document=on_loan, actor=borrowers[0], reason="查考")
        loan = archive_svc.loan_decide(loan=loan, actor=supervisor, approve=True, reason="同意", due_on=due)
        side.lent_loan = archive_svc.loan_lend(loan=loan, actor=people["archivist"])
        archived = side.docs["archived"]
        side.requested_loan = archive_svc.loan_request(document=archived, actor=borrowers[1], reason="查考")
        loan = archive_svc.loan_request(document=archived, actor=borrowers[2], reason="查考")
        side.approved_loan = archive_svc.loan_decide(loan=loan, actor=supervisor, approve=True, reason="同意", due_on=due)

        later = walk("handling", clerk=clerk, supervisor=supervisor, handler=handler, subject=f"{subject}（later）",
                     instruction=instruction, declass_kind="event", declass_event="公布", protection_years=None)
        request = dist_svc.distribution_request(document=later, actor=handler, recipients=[holder], reason="會辦")
        dist_svc.distribution_decide(recipient=request.recipients.get(), actor=supervisor, approve=True, reason="同意")
        decision = declass_svc.reclassify(
            document=later, actor=supervisor, kind="downgrade", reason="情勢變更", **AGENCY_DECISION,
            new_level=int(Level.OFFICIAL_SECRET),
        )
        side.notice = ReclassificationNotice.objects.get(decision=decision)
        later.refresh_from_db()
        side.docs["later"] = later

    def meetings(side: Variant, *, organizer, attendees, pending, materials, minutes) -> None:
        """A planned and a held meeting of ``organizer`` (also the chair), ``attendees`` admitted;
        ``minutes`` named as the held meeting's minutes."""
        from registry.services import meetings as meeting_svc

        def meeting(name):
            m = meeting_svc.meeting_register(
                actor=organizer, subject=name, level=int(Level.CONFIDENTIAL),
                starts_at=timezone.now() + timedelta(days=1), place="第一會議室", chair=organizer,
            )
            rows = []
            for person in attendees:
                row = meeting_svc.attendee_propose(meeting=m, actor=organizer, person=person, reason="業務相關")
                rows.append(meeting_svc.attendee_decide(attendee=row, actor=organizer, approve=True, reason="同意"))
            meeting_svc.materials_set(meeting=m, actor=organizer, document=materials)
            meeting_svc.venue_check_record(
                meeting=m, actor=organizer, checked_at=timezone.now(), no_eavesdropping=True, no_recording=True
            )
            return m, rows

        side.planned, _rows = meeting(f"{side.docs['handling'].subject}之會議（規劃）")
        side.pending_attendee = meeting_svc.attendee_propose(
            meeting=side.planned, actor=organizer, person=pending, reason="業務相關"
        )
        held, rows = meeting(f"{side.docs['handling'].subject}之會議（已舉行）")
        held = meeting_svc.meeting_announce(meeting=held, actor=organizer)
        side.meeting_copy = meeting_svc.materials_hand_out(meeting=held, actor=organizer, attendee=rows[0])
        side.unserved_attendee = rows[1]
        meeting_svc.materials_set(meeting=held, actor=organizer, document=minutes, minutes=True)
        side.pending_publication = meeting_svc.publication_request(meeting=held, actor=organizer, text="會議結論摘要")
        approved = meeting_svc.publication_request(meeting=held, actor=organizer, text="會議結論全文")
        side.approved_publication = meeting_svc.publication_decide(
            publication=approved, actor=helpers["head"], approve=True, reason="准予公布"
        )
        held.refresh_from_db()
        side.held = held

    # --- the side every matrix person knows ---------------------------------------------------
    known = Variant()
    for tag in STATES:
        known.docs[tag] = walk(
            tag,
            clerk=people["clerk"],
            supervisor=people["supervisor"],
            handler=people["handler"],
            subject=f"甲案已知文書（{tag}）",
            instruction="請機要科辦理甲案",
        )
    handling = known.docs["handling"]
    # The person without a role knows the handling document by an approved distribution and holds
    # copy 1; a second recipient waits for the decision.
    request = dist_svc.distribution_request(
        document=handling, actor=people["handler"], recipients=[people["norole"], helpers["colleague2"]], reason="甲案會辦"
    )
    approved = dist_svc.distribution_decide(
        recipient=request.recipients.get(user=people["norole"]), actor=people["supervisor"], approve=True, reason="同意"
    )
    known.copy, known.grant, known.copy_holder = approved.copy, approved.grant, people["norole"]
    known.knower = people["handler"]
    known.pending_recipient = request.recipients.get(user=helpers["colleague2"])
    known.reproduction = dist_svc.reproduction_request(
        document=handling, actor=people["handler"], kind="copy", reason="甲案會議"
    )
    known.dispatch = dispatch_svc.dispatch_record(
        document=handling,
        actor=people["clerk"],
        recipient="國防部",
        address="臺北市中山區北安路409號",
        method=TransitMethod.DOUBLE_REGISTERED,
        registered_no="A123456",
    )
    archived_and_listed(
        known,
        clerk=people["clerk"],
        supervisor=people["supervisor"],
        handler=people["handler"],
        subject="甲案已知文書（archived）",
        instruction="請機要科辦理甲案",
    )
    party_requests(known, clerk=people["clerk"], supervisor=people["supervisor"])
    later_life(
        known,
        clerk=people["clerk"],
        supervisor=people["supervisor"],
        handler=people["handler"],
        borrowers=[people["norole"], people["clerk"], people["ethics"]],
        holder=people["norole"],
        subject="甲案已知文書",
        instruction="請機要科辦理甲案",
    )
    matrix_attendees = [people[r] for r in ("norole", "handler", "clerk", "archivist", "ethics", "admin")]
    meetings(
        known,
        organizer=people["supervisor"],
        attendees=matrix_attendees,
        pending=helpers["reader"],
        materials=known.docs["handling"],
        minutes=walk("handling", clerk=people["clerk"], supervisor=people["supervisor"], handler=people["handler"],
                     subject="甲案會議紀錄", instruction="請機要科辦理甲案"),
    )
    # Everyone else of the matrix is given need-to-know of every known document.
    for document in known.docs.values():
        for person in people.values():
            if not Document.objects.visible_to(person).filter(pk=document.pk).exists():
                grant_create(
                    document=document,
                    user=person,
                    basis=GrantBasis.OTHER,
                    reason="矩陣測試知悉",
                    granted_by=people["supervisor"],
                )

    # --- the side no matrix person knows: other people of the same units walked it --------------
    unknown = Variant()
    for tag in STATES:
        unknown.docs[tag] = walk(
            tag,
            clerk=helpers["clerk2"],
            supervisor=helpers["supervisor2"],
            handler=helpers["handler2"],
            subject=f"乙案未知文書（{tag}）",
            instruction=UNKNOWN_INSTRUCTION,
        )
    handling = unknown.docs["handling"]
    request = dist_svc.distribution_request(
        document=handling,
        actor=helpers["handler2"],
        recipients=[helpers["colleague"], helpers["colleague2"]],
        reason=UNKNOWN_REASON,
    )
    approved = dist_svc.distribution_decide(
        recipient=request.recipients.get(user=helpers["colleague"]),
        actor=helpers["supervisor2"],
        approve=True,
        reason="同意",
    )
    unknown.copy, unknown.grant, unknown.copy_holder = approved.copy, approved.grant, helpers["colleague"]
    unknown.knower = helpers["handler2"]
    unknown.pending_recipient = request.recipients.get(user=helpers["colleague2"])
    unknown.reproduction = dist_svc.reproduction_request(
        document=handling, actor=helpers["handler2"], kind="copy", reason=UNKNOWN_REASON
    )
    unknown.dispatch = dispatch_svc.dispatch_record(
        document=handling,
        actor=helpers["clerk2"],
        recipient="內政部",
        address="臺北市中正區徐州路5號",
        method=TransitMethod.DOUBLE_REGISTERED,
        registered_no="B654321",
    )

    archived_and_listed(
        unknown,
        clerk=helpers["clerk2"],
        supervisor=helpers["supervisor2"],
        handler=helpers["handler2"],
        subject="乙案未知文書（archived）",
        instruction=UNKNOWN_INSTRUCTION,
    )
    party_requests(unknown, clerk=helpers["clerk2"], supervisor=helpers["supervisor2"])
    later_life(
        unknown,
        clerk=helpers["clerk2"],
        supervisor=helpers["supervisor2"],
        handler=helpers["handler2"],
        borrowers=[helpers["colleague"], helpers["colleague2"], helpers["borrower"]],
        holder=helpers["colleague"],
        subject="乙案未知文書",
        instruction=UNKNOWN_INSTRUCTION,
    )
    # The unknown side's meetings are another unit's: no supervisor of the matrix's units knows them.
    unknown_minutes = walk("handling", clerk=helpers["clerk2"], supervisor=helpers["supervisor2"],
                           handler=helpers["handler2"], subject="乙案會議紀錄", instruction=UNKNOWN_INSTRUCTION)
    for document in (unknown.docs["handling"], unknown_minutes):
        grant_create(
            document=document, user=helpers["far_supervisor"], basis=GrantBasis.OTHER,
            reason="會議資料", granted_by=helpers["supervisor2"],
        )
    meetings(
        unknown,
        organizer=helpers["far_supervisor"],
        attendees=[helpers["colleague"], helpers["colleague2"]],
        pending=helpers["reader"],
        materials=unknown.docs["handling"],
        minutes=unknown_minutes,
    )

    # A helper of the handling unit hands over a signed-for document to a colleague (移交).
    from registry.services.people import handover_record

    walk("signed", clerk=helpers["clerk2"], supervisor=helpers["supervisor2"], handler=helpers["leaver"],
         subject="丙案移交文書", instruction=UNKNOWN_INSTRUCTION)
    handover = handover_record(
        actor=helpers["supervisor2"], person=helpers["leaver"], successor=helpers["colleague"], reason="transfer"
    )

    world = World(people=people, helpers=helpers, units=units, known=known, unknown=unknown, location=location)
    world.handover = handover
    _check_world(world)
    return world


def _check_world(world: World) -> None:
    """The premise of every matrix column: who knows what."""
    for name, person in world.people.items():
        for tag in world.known.docs:
            visible = Document.objects.visible_to(person)
            assert visible.filter(pk=world.known.docs[tag].pk).exists(), (name, tag, "should know")
            assert not visible.filter(pk=world.unknown.docs[tag].pk).exists(), (name, tag, "should not know")
    assert NeedToKnowGrant.objects.filter(pk=world.known.grant.pk, ended_at__isnull=True).exists()


@pytest.fixture(scope="module")
def sec_world(django_db_setup, django_db_blocker):
    """The world, built once per module in a transaction rolled back at the module's end.

    Tests that use it must also request ``db`` (pytest-django then runs each test in a savepoint
    inside this transaction).
    """
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@contextmanager
def rolled_back():
    """Run a request (or anything) and undo every row it wrote, audit events included."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)
