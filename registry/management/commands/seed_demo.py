"""Demo data: units, one person or more per role, two storage locations, and fifty documents: one
in every level and state, the later life (archive, loan, destruction) included.

Idempotent: people, units and locations are found or made; each document is made only once (found
by its sender's reference). Everything goes through the services, so the demo's audit chain is as
real as production's.

The demo people who need a second factor (supervisors, the ethics officer, the administrator) get
a TOTP device enrolled for them, as an administrator would at the desk (audited): the demo needs no
enrolment code, and ``manage.py demo_totp`` prints their current codes.
"""

from __future__ import annotations

import itertools
import os
from datetime import date, timedelta

from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from classification import Level
from registry.auth import enrolment, otp
from registry.models import (
    DecisionKind,
    Document,
    StorageLocation,
    StorageZone,
    Unit,
    User,
)
from registry.roles import Role
from registry.services import archive as archive_services
from registry.services import declassification as declass_services
from registry.services import destruction as destruction_services
from registry.services import distribution as distribution_services
from registry.services import documents as doc_services
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

# Each entry: the state to walk to. Every level passes through every state of the handling flow
# and of the later life (archive, loan, destruction).
HANDLING_STATES = ["registered", "opened", "routed", "signed", "handling", "cancelled"]
LATER_STATES = ["to_archive", "archived", "on_loan", "destroyed"]
STATES = HANDLING_STATES + LATER_STATES

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
        made = 0
        subjects = itertools.cycle(SUBJECTS)
        levels = sorted(Level, reverse=True)
        # The handling states first, then the later life's: a demo loaded before the later life
        # existed keeps its documents' numbers and only gains the new ones.
        pairs = [*itertools.product(levels, HANDLING_STATES), *itertools.product(levels, LATER_STATES)]
        to_destroy = []
        for index, (level, state) in enumerate(pairs):
            subject = next(subjects)
            if Document.objects.filter(sender_ref=self.sender_ref(index)).exists():
                continue
            handler = people["handler"] if level > Level.CONFIDENTIAL or index % 2 else people["handler2"]
            document = self.walk(level, state, index, subject, units, people, handler)
            if state == "destroyed":
                to_destroy.append(document)
            made += 1
        if to_destroy:
            self.destroy(to_destroy, people)
        return made

    @staticmethod
    def sender_ref(index: int) -> str:
        return f"{DEMO_MARK}字第{1140000100 + index}號"

    def walk(self, level, state, index, subject, units, people, handler):
        clerk, supervisor = people["clerk"], people["supervisor"]
        national = level.rule.is_national_secret
        approval = date(2025 - index % 6, 1 + index % 12, 1 + index % 27)
        kwargs = {
            "actor": clerk,
            "direction": "in" if index % 3 else "internal",
            "subject": subject,
            "level": level,
            "sender": "國防部" if national else "臺中市政府警察局",
            "sender_ref": self.sender_ref(index),
            "original_agency": "國防部" if national else "臺中市政府",
            "approving_official": "部長" if national else "局長",
            "approval_date": approval,
            "pages": 1 + index % 7,
            "attachments": index % 3,
        }
        if level.rule.max_protection_years:
            kwargs["protection_years"] = level.rule.max_protection_years
        elif level >= Level.OFFICIAL_SECRET:
            kwargs["declass_kind"] = "event"
            kwargs["declass_event"] = "公布"
        if national and kwargs["direction"] == "in":
            kwargs["authorization_ref"] = f"國授字第{1140000200 + index}號"
            kwargs["authorization_by"] = "國防部"
            kwargs["authorization_scope"] = "承辦本案"
        document = doc_services.document_register(**kwargs)
        if state == "cancelled":
            return doc_services.document_cancel(document=document, actor=clerk, reason="重複登記")
        if state == "registered":
            return document
        document = doc_services.document_open(
            document=document, actor=supervisor, instruction="請文書科依規定辦理。", handling_unit=units["SEC-DOC"]
        )
        if state == "opened":
            return document
        document = doc_services.document_route(document=document, actor=clerk, handler=handler)
        if state == "routed":
            return document
        document = doc_services.document_sign_for(document=document, actor=handler)
        if state == "signed":
            return document
        document = doc_services.document_begin_handling(document=document, actor=handler)
        if state == "handling":
            if level in (Level.CONFIDENTIAL, Level.OFFICIAL_SECRET):
                self.distribute(document, handler, people)
            return document
        return self.later_life(document, level, state, index, handler, people)

    def later_life(self, document, level, state, index, handler, people):
        """Hand-over, filing, a loan; a document to be destroyed is kept one year only."""
        document = archive_services.archive_handover(document=document, actor=handler, note="承辦完畢")
        if state == "to_archive":
            return document
        zone = archive_services.zone_for(document)
        location = StorageLocation.objects.get(code="A-1" if zone == StorageZone.CLASSIFIED else "B-1")
        document = archive_services.archive_receive(
            document=document,
            actor=people["archivist"],
            location=location,
            retention_years=1 if state == "destroyed" else (None if level == Level.TOP_SECRET else 10),
            class_number=f"0114/{index:03d}",
        )
        if state == "on_loan":
            loan = archive_services.loan_request(document=document, actor=people["handler"], reason="查考前案")
            loan = archive_services.loan_decide(
                loan=loan,
                actor=people["supervisor"],
                approve=True,
                reason="業務需要",
                due_on=timezone.localdate() + timedelta(days=14),
            )
            archive_services.loan_lend(loan=loan, actor=people["archivist"])
        if state == "destroyed" and level.rule.is_national_secret:
            # A national secret is destroyed only once declassified (§15), and only 國防部, which
            # classified it, decides that (§10): the demo records its letter.
            declass_services.reclassify(
                document=document,
                actor=people["supervisor"],
                kind=DecisionKind.DECLASSIFY,
                reason="保密期限內已無保密必要",
                authority="國防部函",
                agency="國防部",
                agency_decided_on=timezone.localdate() - timedelta(days=7),
                agency_ref=f"國密字第{1150000300 + index}號",
            )
        document.refresh_from_db()
        return document

    def destroy(self, documents, people):
        """One inventory of the demo's documents to destroy: drafted, approved, witnessed."""
        # Demo seeding only: the retention period (one year) must have run out for the documents
        # to be destroyable today, and no service moves a filing date back, so the demo dates the
        # filing two years ago directly. The audit chain keeps the real time of the filing.
        Document.objects.filter(pk__in=[d.pk for d in documents]).update(
            archived_at=timezone.now() - timedelta(days=2 * 366)
        )
        inventory = destruction_services.destruction_draft(
            actor=people["archivist"], documents=documents, note="保存年限屆滿"
        )
        inventory = destruction_services.destruction_approve(destruction_list=inventory, actor=people["supervisor"])
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
