"""Demo data a trainee can practise on: units, one person or more per role, two storage locations,
and two years of an office's work: sixty documents, one in every level and state (an outgoing
document drafted and dispatched, the later life of archive, loan and destruction included), some
due for declassification, some eligible for destruction, overdue loans and receipts, a meeting held
and one planned, and parties' requests decided and pending.

Idempotent: people, units and locations are found or made; each document is made only once (found
by its sender's reference). Everything goes through the services, on the days it happened (the
clock is moved to each step, time-machine), so the demo's audit chain is as real as production's
and every document's dates are in order.

The demo people who need a second factor (supervisors, the ethics officer, the administrator) get
a TOTP device enrolled for them, as an administrator would at the desk (audited): the demo needs no
enrolment code, and ``manage.py demo_totp`` prints their current codes.
"""

from __future__ import annotations

import heapq
import itertools
import os
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from classification import Level
from registry.auth import enrolment, otp
from registry.models import (
    DecisionKind,
    Document,
    Meeting,
    PartyRequest,
    StorageLocation,
    StorageZone,
    Unit,
    User,
)
from registry.roles import Role
from registry.services import archive as archive_services
from registry.services import declassification as declass_services
from registry.services import destruction as destruction_services
from registry.services import dispatch as dispatch_services
from registry.services import distribution as distribution_services
from registry.services import documents as doc_services
from registry.services import meetings as meeting_services
from registry.services import party_requests as party_services
from registry.services import people as people_services

DEMO_PASSWORD = os.environ.get("REGISTRY_DEMO_PASSWORD", "Demo-Registry-115")
DEMO_MARK = "示範"

UNITS = [
    ("SEC", "秘書處", None),
    ("SEC-DOC", "秘書處文書科", "SEC"),
    ("LAW", "法制局", None),
    ("LAW-1", "法制局法制科", "LAW"),
    ("ETH", "政風處", None),
    ("ARC", "秘書處檔案科", "SEC"),
    ("EY", "行政院（上級機關）", None),
]

PEOPLE = [
    # username, full name, unit, clearance, roles, staff
    ("clerk", "王收發", "SEC", Level.TOP_SECRET, [Role.CLERK], False),
    ("supervisor", "林主管", "SEC", Level.TOP_SECRET, [Role.SUPERVISOR], False),
    ("handler", "陳承辦", "SEC-DOC", Level.TOP_SECRET, [Role.HANDLER], False),
    ("handler2", "張承辦", "SEC-DOC", Level.CONFIDENTIAL, [Role.HANDLER], False),
    ("lawhandler", "李承辦", "LAW-1", Level.SECRET, [Role.HANDLER], False),
    ("lawsupervisor", "黃局長", "LAW", Level.TOP_SECRET, [Role.SUPERVISOR], False),
    ("archivist", "吳檔管", "ARC", Level.TOP_SECRET, [Role.ARCHIVIST], False),
    ("ethics", "周政風", "ETH", Level.TOP_SECRET, [Role.ETHICS], False),
    ("admin", "系統管理者", "SEC", None, [Role.ADMIN], True),
    ("head", "趙首長", "SEC", Level.TOP_SECRET, [], False),
]
# The agency head (首長), designated by the administrator: approves publications about meetings.
AGENCY_HEAD = "head"

SUBJECTS = [
    "有關本府防災應變演練計畫",
    "檢送國防部函轉之戰備整備事項",
    "市有土地標售底價案",
    "採購案評選委員名單",
    "人事考績初核資料",
    "檢舉案件處理情形",
    "重大建設都市計畫變更草案",
    "警政治安專案會議資料",
    "公共工程弊案調查報告",
    "選舉期間維安部署",
]

# Each entry: the state to walk to. Every level passes through every state of the handling flow,
# of an outgoing document (drafted, dispatched) and of the later life (archive, loan, destruction).
HANDLING_STATES = ["registered", "opened", "routed", "signed", "handling", "cancelled"]
OUTGOING_STATES = ["drafted", "dispatched"]
LATER_STATES = ["to_archive", "archived", "on_loan", "destroyed"]
STATES = HANDLING_STATES + OUTGOING_STATES + LATER_STATES

# How long ago (in days) a document in each state was registered: the further along, the earlier,
# so that a trainee's register reads like two years of an office's work, and each story's steps
# fit between its registration and today.
FIRST_DAY_BY_STATE = {
    "destroyed": 720,
    "archived": 650,
    "on_loan": 560,
    "to_archive": 420,
    "dispatched": 330,
    "handling": 260,
    "signed": 120,
    "cancelled": 90,
    "routed": 60,
    "opened": 40,
    "drafted": 20,
    "registered": 12,
}
DEMO_TIME_ZONE = ZoneInfo("Asia/Taipei")

# The archive's two cabinets: classified files are kept apart from unclassified ones.
LOCATIONS = [
    ("A-1", "機密檔案櫃", StorageZone.CLASSIFIED),
    ("B-1", "一般檔案櫃", StorageZone.UNCLASSIFIED),
]


class Command(BaseCommand):
    help = "Load demo units, people and documents (idempotent); --print-logins prints the log-ins."

    def add_arguments(self, parser):
        parser.add_argument("--print-logins", action="store_true", help="only print the demo log-ins")

    def handle(self, *args, **options):
        if options["print_logins"]:
            self.print_logins()
            return
        with transaction.atomic():
            units = self.units()
            people = self.people(units)
            self.locations(people)
            enrolled = self.second_factors(people)
        made = self.documents(units, people)
        self.stdout.write(f"demo data ready: {len(units)} units, {len(people)} people, {made} new documents")
        if enrolled:
            self.stdout.write(f"second-factor devices enrolled for: {', '.join(enrolled)}")

    def print_logins(self):
        self.stdout.write(f"Demo log-ins (password for all: {DEMO_PASSWORD})")
        for username, full_name, _unit, _level, roles, _staff in PEOPLE:
            self.stdout.write(f"  {username:<14} {full_name:<6} {', '.join(r.value for r in roles)}")
        self.stdout.write(
            "Supervisors, the ethics officer and the administrator then give a code of their TOTP device:"
        )
        self.stdout.write("  manage.py demo_totp      prints their current codes (a new one every 30 seconds)")

    def units(self) -> dict[str, Unit]:
        units: dict[str, Unit] = {}
        for code, name, parent in UNITS:
            unit, _ = Unit.objects.get_or_create(
                code=code,
                defaults={"name": name, "parent": units.get(parent), "is_superior_agency": code == "EY"},
            )
            units[code] = unit
        return units

    def people(self, units) -> dict[str, User]:
        people: dict[str, User] = {}
        for username, full_name, unit, level, roles, staff in PEOPLE:
            user = User.objects.filter(username=username).first()
            created = user is None
            if created:
                user = User(username=username, full_name=full_name, unit=units[unit], clearance=level)
                user.is_staff = staff
                user.is_superuser = staff
                user.set_password(DEMO_PASSWORD)
                user.save()
            # The role groups come from a migration; a database emptied since (a flushed test
            # database) gets them back by name.
            user.groups.add(*(Group.objects.get_or_create(name=r.value)[0] for r in roles))
            people[username] = User.objects.get(pk=user.pk)
            if created:
                people_services.person_created(actor=None, person=people[username])
        if not User.objects.filter(is_agency_head=True).exists():
            people[AGENCY_HEAD] = people_services.designate_agency_head(actor=people["admin"], person=people[AGENCY_HEAD])
        return people

    def second_factors(self, people) -> list[str]:
        """A confirmed TOTP device for each demo person who needs one and has none (enrolled as at
        the desk, audited with no actor)."""
        enrolled = []
        for username, person in people.items():
            if otp.needs_second_factor(person) and otp.confirmed_device(person) is None:
                device = enrolment.enrolment_start(person=person)
                enrolment.device_enrol_at_desk(actor=None, person=person, device=device, via="seed_demo")
                enrolled.append(username)
        return enrolled

    def locations(self, people) -> None:
        for code, name, zone in LOCATIONS:
            StorageLocation.objects.get_or_create(
                code=code, defaults={"name": name, "zone": zone, "keeper": people["archivist"]}
            )

    def documents(self, units, people) -> int:
        """Every level in every state, each document's story told on the days it happened, all the
        stories together in the order of their days (so the audit chain reads in time order)."""
        _LOAD_DAY[:] = [timezone.localdate()]
        subjects = itertools.cycle(SUBJECTS)
        levels = sorted(Level, reverse=True)
        # The handling states first, then the later life's, then the outgoing ones: a demo loaded
        # before they existed keeps its documents' numbers and only gains the new ones.
        pairs = [
            *itertools.product(levels, HANDLING_STATES),
            *itertools.product(levels, LATER_STATES),
            *itertools.product(levels, OUTGOING_STATES),
        ]
        stories, to_destroy = [], []
        for index, (level, state) in enumerate(pairs):
            subject = next(subjects)
            if Document.objects.filter(sender_ref=self.sender_ref(index)).exists():
                continue
            handler = people["handler"] if level > Level.CONFIDENTIAL or index % 2 else people["handler2"]
            first_day = FIRST_DAY_BY_STATE[state] - levels.index(level) * 3
            stories.append(self.walk(level, state, index, subject, units, people, handler, first_day, to_destroy))
        if stories:
            stories.append(self.destroy(to_destroy, people))
        made = len(stories) - 1 if stories else 0
        if stories:
            if not Meeting.objects.filter(subject__startswith=DEMO_MARK).exists():
                stories.extend(self.meetings(units, people))
            if not PartyRequest.objects.filter(applicant__startswith=DEMO_MARK).exists():
                stories.append(self.party_requests(people))
        tell_in_order(stories)
        return made

    @staticmethod
    def sender_ref(index: int) -> str:
        return f"{DEMO_MARK}字第{1140000100 + index}號"

    def walk(self, level, state, index, subject, units, people, handler, first_day, to_destroy):
        """The story of one document, yielding the day of each next step before taking it."""
        clerk, supervisor = people["clerk"], people["supervisor"]
        national = level.rule.is_national_secret
        outgoing = state in OUTGOING_STATES
        registered_on = days_ago(first_day)
        approval = registered_on - timedelta(days=5 + index % 20)
        kwargs = {
            "actor": clerk,
            "direction": "out" if outgoing else ("in" if index % 3 else "internal"),
            "subject": subject,
            "level": level,
            "sender": "" if outgoing else ("國防部" if national else "臺中市政府警察局"),
            "sender_ref": self.sender_ref(index),
            "sender_dated_on": None if outgoing else approval,
            "addressee": ("國防部" if national else "臺中市政府警察局") if outgoing else "",
            "urgency": ("most_urgent", "urgent", "normal", "normal")[index % 4],
            "original_agency": "" if outgoing else ("國防部" if national else "臺中市政府"),
            "approving_official": "部長" if national else "局長",
            "approval_date": approval,
            "pages": 1 + index % 7,
            "attachments": index % 3,
        }
        if not outgoing and state in ("registered", "opened", "routed", "signed"):
            kwargs["due_on"] = registered_on + timedelta(days=7 + index % 10)
        # Some documents carry a declassification date that has since passed (due now), and
        # documents of 密 an event that a handler records: the trainee's 解密 list is not empty.
        due_by_date = state in ("handling", "archived", "to_archive") and level == Level.CONFIDENTIAL
        if due_by_date:
            kwargs["declass_kind"] = "date"
            kwargs["declass_date"] = days_ago(15)
        elif level.rule.max_protection_years:
            kwargs["protection_years"] = level.rule.max_protection_years
        elif level >= Level.OFFICIAL_SECRET:
            kwargs["declass_kind"] = "event"
            kwargs["declass_event"] = "公布"
        if national and kwargs["direction"] == "in":
            kwargs["authorization_ref"] = f"國授字第{1140000200 + index}號"
            kwargs["authorization_by"] = "國防部"
            kwargs["authorization_scope"] = "承辦本案"
        yield office_time(registered_on, index)
        document = doc_services.document_register(**kwargs)
        if outgoing:
            if state == "dispatched":
                yield office_time(registered_on + timedelta(days=1), index)
                dispatch = dispatch_services.dispatch_record(
                    document=document,
                    actor=clerk,
                    recipient=kwargs["addressee"],
                    address="臺北市中正區重慶南路一段122號" if national else "臺中市西屯區文心路二段588號",
                    method="hand" if level >= Level.SECRET else "double_registered",
                    registered_no="" if level >= Level.SECRET else f"雙掛第{114000 + index}號",
                    carrier="陳承辦" if level >= Level.SECRET else "",
                )
                # Every other dispatch has its receipt back; the rest are overdue (回執逾期).
                if index // 2 % 2:
                    yield office_time(registered_on + timedelta(days=6), index)
                    dispatch_services.dispatch_receipt(
                        dispatch=dispatch,
                        actor=clerk,
                        received_on=registered_on + timedelta(days=4),
                        receipt_by=kwargs["addressee"] + "收發室",
                    )
            return
        if state == "cancelled":
            yield office_time(registered_on, index, hour=15)
            doc_services.document_cancel(document=document, actor=clerk, reason="重複登記")
            return
        if state == "registered":
            return
        yield office_time(registered_on + timedelta(days=1), index)
        document = doc_services.document_open(
            document=document, actor=supervisor, instruction="請文書科依規定辦理。", handling_unit=units["SEC-DOC"]
        )
        if state == "opened":
            return
        yield office_time(registered_on + timedelta(days=1), index, hour=14)
        document = doc_services.document_route(document=document, actor=clerk, handler=handler)
        if state == "routed":
            return
        yield office_time(registered_on + timedelta(days=2), index)
        document = doc_services.document_sign_for(document=document, actor=handler)
        if state == "signed":
            return
        yield office_time(registered_on + timedelta(days=3), index)
        document = doc_services.document_begin_handling(document=document, actor=handler)
        if state == "handling":
            if level in (Level.CONFIDENTIAL, Level.OFFICIAL_SECRET):
                yield office_time(registered_on + timedelta(days=5), index)
                self.distribute(document, handler, people)
            if level == Level.OFFICIAL_SECRET:
                yield office_time(days_ago(10), index)
                declass_services.declass_event_record(
                    document=document,
                    actor=supervisor,
                    happened_on=timezone.localdate() - timedelta(days=1),
                    note="已於府公報公布",
                )
            return
        yield from self.later_life(document, level, state, index, handler, people, registered_on, to_destroy)

    def later_life(self, document, level, state, index, handler, people, registered_on, to_destroy):
        """Hand-over, filing, a loan; a document to be destroyed, or eligible for it, is kept one year."""
        yield office_time(registered_on + timedelta(days=20), index)
        document = archive_services.archive_handover(document=document, actor=handler, note="承辦完畢")
        if state == "to_archive":
            return
        yield office_time(registered_on + timedelta(days=22), index)
        zone = archive_services.zone_for(document)
        location = StorageLocation.objects.get(code="A-1" if zone == StorageZone.CLASSIFIED else "B-1")
        # Archived 密 and 限閱 documents are kept one year: by now they may be destroyed.
        short = state == "destroyed" or (state == "archived" and level <= Level.OFFICIAL_SECRET)
        document = archive_services.archive_receive(
            document=document,
            actor=people["archivist"],
            location=location,
            retention_years=1 if short else (None if level == Level.TOP_SECRET else 10),
            class_number=f"0114/{index:03d}",
        )
        if state == "on_loan":
            # Lent two months ago for two weeks: overdue now, for the archive to chase.
            yield office_time(days_ago(65), index)
            loan = archive_services.loan_request(document=document, actor=people["handler"], reason="查考前案")
            yield office_time(days_ago(64), index)
            loan = archive_services.loan_decide(
                loan=loan, actor=people["supervisor"], approve=True, reason="業務需要", due_on=days_ago(50)
            )
            yield office_time(days_ago(63), index)
            archive_services.loan_lend(loan=loan, actor=people["archivist"])
        if state == "destroyed":
            if level.rule.is_national_secret:
                # A national secret is destroyed only once declassified (§15), and only 國防部, which
                # classified it, decides that (§10): the demo records its letter.
                yield office_time(days_ago(120), index)
                declass_services.reclassify(
                    document=document,
                    actor=people["supervisor"],
                    kind=DecisionKind.DECLASSIFY,
                    reason="保密期限內已無保密必要",
                    authority="國防部函",
                    agency="國防部",
                    agency_decided_on=days_ago(125),
                    agency_ref=f"國密字第{1150000300 + index}號",
                )
            to_destroy.append(document.pk)

    def destroy(self, to_destroy, people):
        """One inventory of the demo's documents to destroy, a month ago: drafted, approved, witnessed."""
        yield office_time(days_ago(32), 0)
        documents = list(Document.objects.filter(pk__in=to_destroy).order_by("pk"))
        if not documents:
            return
        inventory = destruction_services.destruction_draft(
            actor=people["archivist"], documents=documents, note="保存年限屆滿"
        )
        yield office_time(days_ago(31), 0)
        inventory = destruction_services.destruction_approve(destruction_list=inventory, actor=people["supervisor"])
        yield office_time(days_ago(30), 0)
        destruction_services.destruction_record(
            destruction_list=inventory,
            actor=people["ethics"],
            destroyed_by=people["archivist"],
            witness=people["ethics"],
            method="shred",
            destroyed_on=timezone.localdate(),
        )

    def distribute(self, document, handler, people):
        """One approved and one refused recipient, so the demo shows numbered copies."""
        request = distribution_services.distribution_request(
            document=document,
            actor=handler,
            recipients=[people["lawhandler"], people["handler2"] if handler != people["handler2"] else people["handler"]],
            reason="會辦法制意見",
        )
        first, second = request.recipients.order_by("pk")
        distribution_services.distribution_decide(
            recipient=first, actor=people["supervisor"], approve=True, reason="業務必須知悉"
        )
        distribution_services.distribution_decide(
            recipient=second, actor=people["supervisor"], approve=False, reason="非業務必須知悉"
        )

    def meetings(self, units, people):
        """A meeting held three weeks ago and one planned for next week, each with its materials."""
        return [self.meeting(units, people, held=True), self.meeting(units, people, held=False)]

    def meeting(self, units, people, *, held: bool):
        handler, supervisor, clerk = people["handler"], people["supervisor"], people["clerk"]
        start = days_ago(30 if held else 8)
        name = "年度保防工作會報" if held else "重大工程防弊專案會議"
        yield office_time(start, 1)
        materials = doc_services.document_register(
            actor=clerk,
            direction="internal",
            subject=f"{name}會議資料",
            level=Level.CONFIDENTIAL,
            sender_ref=f"{DEMO_MARK}會字第{1 if held else 2}號",
            original_agency="臺中市政府",
            approving_official="秘書長",
            approval_date=start,
            protection_years=5,
            copies_count=10,
        )
        materials = doc_services.document_open(
            document=materials, actor=supervisor, instruction="請文書科準備會議資料。", handling_unit=units["SEC-DOC"]
        )
        materials = doc_services.document_route(document=materials, actor=clerk, handler=handler)
        yield office_time(start + timedelta(days=1), 1)
        materials = doc_services.document_sign_for(document=materials, actor=handler)
        materials = doc_services.document_begin_handling(document=materials, actor=handler)
        meeting_day = start + timedelta(days=9 if held else 15)
        meeting = meeting_services.meeting_register(
            actor=handler,
            subject=f"{DEMO_MARK}：{name}",
            level=Level.CONFIDENTIAL,
            starts_at=datetime.combine(meeting_day, time(10, 0), tzinfo=DEMO_TIME_ZONE),
            place="第一會議室",
            chair=supervisor,
        )
        meeting_services.materials_set(meeting=meeting, actor=handler, document=materials)
        attendee = meeting_services.attendee_propose(
            meeting=meeting, actor=handler, person=people["lawhandler"], reason="法制意見"
        )
        if not held:
            return  # planned: the attendee waits for the organizer's decision
        yield office_time(start + timedelta(days=2), 1)
        meeting_services.attendee_decide(attendee=attendee, actor=handler, approve=True, reason="業務相關")
        yield office_time(meeting_day, 1, hour=9)
        meeting_services.venue_check_record(
            meeting=meeting, actor=handler, checked_at=timezone.now(), no_eavesdropping=True, no_recording=True
        )
        yield office_time(meeting_day, 1, hour=10)
        meeting_services.meeting_announce(meeting=meeting, actor=supervisor)

    def party_requests(self, people):
        """Parties' requests to read files (行政程序法第46條): one decided, one pending."""
        clerk, supervisor = people["clerk"], people["supervisor"]
        yield office_time(days_ago(45), 2)
        decided = party_services.party_request_record(
            actor=clerk,
            applicant=f"{DEMO_MARK}申請人甲",
            applicant_kind="party",
            files_described="本人申請市有土地標售案之相關文件",
            legal_interest="標售案之投標人，主張權利所必要",
            received_on=timezone.localdate(),
        )
        yield office_time(days_ago(40), 2)
        party_services.party_request_decide(
            request=decided,
            actor=supervisor,
            decision="refused",
            reasons="涉及一般公務機密，依法規有保密之必要。",
            grounds=[2],
        )
        yield office_time(days_ago(4), 2)
        party_services.party_request_record(
            actor=clerk,
            applicant=f"{DEMO_MARK}申請人乙",
            applicant_kind="interested",
            files_described="採購案評選會議紀錄",
            legal_interest="未得標廠商，主張權利所必要",
            received_on=timezone.localdate(),
        )


# The present of the load: a story's steps run with the clock moved, so "n days ago" is counted
# from the day the load began, never from the moved clock.
_LOAD_DAY: list[date] = []


def days_ago(days: int) -> date:
    return (_LOAD_DAY[0] if _LOAD_DAY else timezone.localdate()) - timedelta(days=days)


def office_time(day: date, index: int, *, hour: int | None = None) -> datetime:
    """A moment of office hours on ``day`` (moved to the Friday before, on a weekend)."""
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    moment = time(hour if hour is not None else 9 + index % 7, (index * 7) % 60)
    return datetime.combine(day, moment, tzinfo=DEMO_TIME_ZONE)


def tell_in_order(stories) -> None:
    """Run the stories' steps in the order of their moments, the clock moved to each step's moment.

    A story is a generator that yields the moment of its next step before taking it. A step never
    comes before its story's previous one (a weekend moved back a day can otherwise put it there),
    and no moment lies after the present: a step meant for later is taken now."""
    import time_machine

    now = timezone.now()
    queue: list = []
    order = itertools.count()

    def push(story, last):
        try:
            upcoming = next(story)
        except StopIteration:
            return
        upcoming = min(max(upcoming, last + timedelta(minutes=1)), now)
        heapq.heappush(queue, (upcoming, next(order), story))

    for story in stories:
        push(story, datetime.min.replace(tzinfo=DEMO_TIME_ZONE))
    while queue:
        moment, _order, story = heapq.heappop(queue)
        with transaction.atomic(), time_machine.travel(moment, tick=False):
            push(story, moment)
