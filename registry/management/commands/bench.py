"""Benchmarks: the printed forms, and a city's registry at 10,000 and 1,000,000 documents.

    manage.py bench [--runs 5] [--only forms,scale] [--sizes 10000,1000000] [--explain] [--keepdb]

``make bench`` runs it on a PostgreSQL cluster kept under ``var/bench/`` (scripts/with-postgres.sh
with ``PG_DATA_DIR``). The command never writes into the database it is configured with:

* ``forms`` creates a database of its own beside it (``bench_<name>``), migrates it (the audit
  triggers come from the migrations), makes its units, people and documents through the services,
  measures the printed forms, and drops it again (``--keepdb`` keeps it for the next run).
* ``scale`` builds an office of each size in ``--sizes`` with set-based SQL (``registry.bench``),
  once: the offices are kept in databases named for the schema's migration state and reused by the
  next run. It then measures, interleaved across the sizes, the register (count, first, middle and
  last page) of five designated people beside the hand-written reference SQL, the document page,
  the dashboards, the archive, declassification and review pages, registration throughput at 1, 2
  and 8 clients beside the limit of one locked counter row (on a copy of the smallest office), the
  chain check's events per second, and one list query with JIT on and off. ``--explain`` prints
  the ``EXPLAIN (ANALYZE, BUFFERS)`` of the queries each list page ran at the largest size.

Speed is reported, not tested: a missed target is printed as MISSED and the exit code stays 0.

To add a benchmark, write ``def bench_something(ctx: BenchContext) -> Section`` and append it to
``BENCHMARKS``.
"""

from __future__ import annotations

import io
import logging
import os
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from classification import DeclassKind, Level, TransitMethod
from registry import printing as pdf

# --- results ----------------------------------------------------------------------------------


@dataclass
class Row:
    """One measured thing: median seconds over ``runs`` timed runs (after one warm-up)."""

    name: str
    median: float
    runs: int
    detail: str = ""
    pages: int | None = None
    target: float | None = None

    @property
    def ratio(self) -> float | None:
        return self.median / self.target if self.target else None

    @property
    def verdict(self) -> str:
        if self.target is None:
            return ""
        return "ok" if self.median <= self.target else "MISSED"


@dataclass
class Section:
    title: str
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # A custom table (header, rows of cells) for benchmarks whose shape is not one Row per line.
    table: tuple[list[str], list[list[str]]] | None = None


@dataclass
class BenchContext:
    runs: int
    out: Callable[[str], None]
    options: dict


def timed(fn: Callable[[], object], runs: int) -> tuple[float, object]:
    """One warm-up call, then the median of ``runs`` timed calls; returns (median, last result)."""
    result = fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), result


# --- the bench office, found or made (idempotent) -----------------------------------------------

BENCH_MARK = "BENCH"  # sender_ref of the bench's documents, so a second run finds them
FORM_COPIES = 500
READERS = 100  # copies 1..100 go to people by approved distribution, the rest are reproductions
DAY_DISPATCHES = 20


@dataclass
class Office:
    sec: object
    conf: object
    clerk: object
    supervisor: object
    handler: object
    ethics: object


def _unit(code: str, name: str, parent=None):
    from registry.models import Unit

    unit, _ = Unit.objects.get_or_create(code=code, defaults={"name": name, "parent": parent})
    return unit


def _person(username: str, full_name: str, unit, *roles):
    from registry.models import User

    person, created = User.objects.get_or_create(
        username=username, defaults={"full_name": full_name, "unit": unit, "clearance": Level.TOP_SECRET}
    )
    if created:
        person.set_unusable_password()
        person.save(update_fields=["password"])
        for role in roles:
            group, _ = Group.objects.get_or_create(name=str(role))
            person.groups.add(group)
        person.__dict__.pop("role_names", None)
    return person


def office() -> Office:
    from registry.roles import Role

    sec = _unit("BENCH-SEC", "效能測試秘書處")
    conf = _unit("BENCH-CONF", "效能測試機要科", sec)
    return Office(
        sec=sec,
        conf=conf,
        clerk=_person("bench-clerk", "測試收發", sec, Role.CLERK),
        supervisor=_person("bench-supervisor", "測試主管", sec, Role.SUPERVISOR),
        handler=_person("bench-handler", "測試承辦", conf, Role.HANDLER),
        ethics=_person("bench-ethics", "測試政風", _unit("BENCH-ETH", "效能測試政風室"), Role.ETHICS),
    )


def _register(o: Office, *, subject: str, level: Level, tag: str, walk: bool):
    from registry.services import documents as svc

    document = svc.document_register(
        actor=o.clerk,
        direction="in",
        subject=subject,
        level=level,
        original_agency="國防部",
        approving_official="王部長",
        approval_date=timezone.localdate() - timedelta(days=30),
        protection_years=5,
        declass_kind=DeclassKind.EVENT,
        declass_event="演習結束",
        sender="國防部",
        sender_ref=f"{BENCH_MARK}-{tag}",
        authorization_ref="國密授字第1150000001號",
        authorization_by="國防部",
        pages=12,
        # Enough registered copies for every reader and attendee (the rest are reproductions).
        copies_count=max(READERS, MEETING_ATTENDEES),
        attachments=2,
        attachment_note="演習地圖、通訊名冊",
    )
    if walk:
        document = svc.document_open(document=document, actor=o.supervisor, instruction="請機要科辦理", handling_unit=o.conf)
        document = svc.document_route(document=document, actor=o.clerk, handler=o.handler)
        document = svc.document_sign_for(document=document, actor=o.handler)
        document = svc.document_begin_handling(document=document, actor=o.handler)
    return document


def form_document(o: Office, out):
    """The 極機密 document the forms print: 500 numbered copies, a dispatch, a day of dispatches."""
    from registry.models import Dispatch, Document, DocumentCopy
    from registry.roles import Role
    from registry.services import distribution as dist

    document = Document.objects.filter(sender_ref=f"{BENCH_MARK}-forms").first()
    if document is None:
        document = _register(o, subject="全市防災應變演習計畫（效能測試）", level=Level.SECRET, tag="forms", walk=True)
    have = DocumentCopy.objects.filter(document=document).count()
    if have < FORM_COPIES:
        started = time.perf_counter()
        readers = [
            _person(f"bench-reader-{n:03d}", f"測試讀者{n:03d}", o.conf, Role.HANDLER) for n in range(1, READERS + 1)
        ]
        holding = set(DocumentCopy.objects.filter(document=document).values_list("holder_id", flat=True))
        pending = [r for r in readers if r.pk not in holding][: FORM_COPIES - have]
        if pending:
            request = dist.distribution_request(document=document, actor=o.handler, recipients=pending, reason="演習協辦")
            for recipient in request.recipients.order_by("pk"):
                dist.distribution_decide(recipient=recipient, actor=o.supervisor, approve=True, reason="准")
        for _ in range(FORM_COPIES - DocumentCopy.objects.filter(document=document).count()):
            request = dist.reproduction_request(document=document, actor=o.handler, kind="copy", reason="演習現場使用")
            dist.reproduction_decide(request=request, actor=o.supervisor, approve=True, reason="准")
        out(f"  made {FORM_COPIES - have} numbered copies through the services in {time.perf_counter() - started:.1f} s")
    start_of_day = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    today = Dispatch.objects.filter(document=document, dispatched_at__gte=start_of_day).count()
    for n in range(today, DAY_DISPATCHES):
        method = (TransitMethod.BY_HAND, TransitMethod.DOUBLE_REGISTERED, TransitMethod.COURIER)[n % 3]
        _dispatch(o, document, n, method)
    return Document.objects.get(pk=document.pk)


def _dispatch(o: Office, document, n: int, method: TransitMethod):
    from registry.services.dispatch import dispatch_record

    return dispatch_record(
        document=document,
        actor=o.clerk,
        recipient=f"臺中市政府第{n + 1}局",
        address=f"407 臺中市西屯區臺灣大道三段{n + 1}號",
        method=method,
        registered_no=f"台中郵局 {100000 + n}" if method == TransitMethod.DOUBLE_REGISTERED else "",
        carrier="測試承辦" if method == TransitMethod.BY_HAND else "",
    )


INVENTORY_ROWS = 100


def _archivist(o: Office):
    from registry.roles import Role

    return _person("bench-archivist", "測試檔管", o.sec, Role.ARCHIVIST)


def _cabinet():
    from registry.models import StorageLocation, StorageZone

    cabinet, _ = StorageLocation.objects.get_or_create(
        code="BENCH-C1", defaults={"name": "效能測試機密檔案櫃", "zone": StorageZone.CLASSIFIED}
    )
    return cabinet


def destruction_inventory(o: Office, out):
    """A drafted 焚燬清冊 of INVENTORY_ROWS 密 documents, each registered, handled, handed over and
    filed through the services, with its filing moved back past its one-year retention period."""
    from registry.models import DestructionList, Document, DocumentState
    from registry.services import archive
    from registry.services.destruction import destruction_draft

    inventory = DestructionList.objects.filter(note=BENCH_MARK).first()
    if inventory is not None and inventory.items.count() == INVENTORY_ROWS:
        return inventory
    started = time.perf_counter()
    archivist, cabinet = _archivist(o), _cabinet()
    documents = []
    for n in range(INVENTORY_ROWS):
        tag = f"destroy-{n:03d}"
        document = Document.objects.filter(sender_ref=f"{BENCH_MARK}-{tag}").first()
        if document is None:
            document = _register(o, subject=f"年度採購評選紀錄第{n:03d}冊（效能測試）", level=Level.OFFICIAL_SECRET, tag=tag, walk=True)
        if document.state == DocumentState.IN_HANDLING:
            document = archive.archive_handover(document=document, actor=o.handler)
        if document.state == DocumentState.TO_ARCHIVE:
            document = archive.archive_receive(
                document=document, actor=archivist, location=cabinet, retention_years=1, class_number=f"0401-{n:03d}"
            )
            # Two years have passed since the filing: the retention period has ended.
            Document.objects.filter(pk=document.pk).update(archived_at=document.archived_at - timedelta(days=731))
        documents.append(document)
    inventory = destruction_draft(actor=archivist, documents=documents, note=BENCH_MARK)
    out(f"  drafted a destruction inventory of {INVENTORY_ROWS} documents through the services in {time.perf_counter() - started:.1f} s")
    return inventory


def party_request(o: Office):
    """A partly granted party's request citing grounds 2 and 3, for the decision letter."""
    from registry.models import PartyDecision, PartyRequest
    from registry.services.party_requests import (
        party_request_decide,
        party_request_record,
    )

    request = PartyRequest.objects.filter(files_described__startswith=BENCH_MARK).first()
    if request is None:
        request = party_request_record(
            actor=o.clerk,
            applicant="效能測試申請人",
            applicant_kind="party",
            applicant_address="403 臺中市西區民權路99號",
            files_described=f"{BENCH_MARK} 本府112年都市計畫變更案卷宗",
            legal_interest="申請人為計畫範圍內土地所有權人，為提起訴願之需要",
            wants_copy=True,
        )
    if request.decision == PartyDecision.PENDING:
        request = party_request_decide(
            request=request,
            actor=o.supervisor,
            decision=PartyDecision.PARTIAL,
            grounds=[2, 3],
            released_part="會議紀錄第1頁至第12頁（已遮蔽個人資料）",
            conditions="現場閱覽，由本府人員在場監督",
            reasons="卷內含機密附件及第三人個人資料，其餘部分無保密必要，依行政程序法第46條第3項提供。",
            release_basis="所示部分不含機密附件及第三人個人資料，已無保密必要。",
        )
    return request


MEETING_ATTENDEES = 100
MEETING_SUBJECT = "全市防災應變機密會議（效能測試）"


def bench_meeting(o: Office, out):
    """A held 極機密 meeting of MEETING_ATTENDEES admitted attendees, each handed a numbered copy of
    its materials through the services, half of them returned: the attendance sheet and the recall
    list print from it. Made in one transaction, so a second run finds it whole or makes it anew."""
    from registry.models import Document, Meeting
    from registry.roles import Role
    from registry.services import distribution as dist
    from registry.services import meetings as svc

    existing = Meeting.objects.select_related("chair__unit", "organizing_unit", "materials")
    meeting = existing.filter(subject=MEETING_SUBJECT, organizer=o.handler).first()
    if meeting is not None:
        return meeting
    started = time.perf_counter()
    with transaction.atomic():
        materials = Document.objects.filter(sender_ref=f"{BENCH_MARK}-meeting").first()
        if materials is None:
            materials = _register(o, subject="防災應變會議資料（效能測試）", level=Level.SECRET, tag="meeting", walk=True)
        meeting = svc.meeting_register(
            actor=o.handler,
            subject=MEETING_SUBJECT,
            level=Level.SECRET,
            starts_at=timezone.now(),
            place="市政大樓十樓第一會議室",
            chair=o.supervisor,
        )
        svc.venue_check_record(
            meeting=meeting, actor=o.handler, checked_at=timezone.now(), no_eavesdropping=True, no_recording=True
        )
        attendees = []
        for n in range(1, MEETING_ATTENDEES + 1):
            person = _person(f"bench-reader-{n:03d}", f"測試讀者{n:03d}", o.conf, Role.HANDLER)
            attendee = svc.attendee_propose(meeting=meeting, actor=o.handler, person=person, reason="演習協辦")
            attendees.append(svc.attendee_decide(attendee=attendee, actor=o.handler, approve=True, reason="准"))
        svc.materials_set(meeting=meeting, actor=o.handler, document=materials)
        svc.meeting_announce(meeting=meeting, actor=o.handler)
        copies = [svc.materials_hand_out(meeting=meeting, actor=o.handler, attendee=a) for a in attendees]
        svc.materials_recall(meeting=meeting, actor=o.handler)
        for copy in copies[::2]:
            dist.copy_return(copy=copy, actor=o.handler)
    out(f"  held a meeting of {MEETING_ATTENDEES} attendees through the services in {time.perf_counter() - started:.1f} s")
    return existing.get(pk=meeting.pk)


# --- benchmarks -------------------------------------------------------------------------------


class _FontToolsWatch(logging.Handler):
    """Counts WeasyPrint's 'Using fontTools instead of HarfBuzz-Subset' warnings."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.fonttools = 0

    def emit(self, record):
        if "fontTools" in record.getMessage():
            self.fonttools += 1


def bench_forms(ctx: BenchContext) -> Section:
    """Each printed form, rendered the way its view renders it (context + WeasyPrint), no HTTP."""
    from pypdf import PdfReader

    from registry.models import Dispatch, DocumentCopy

    o = office()
    document = form_document(o, ctx.out)
    copy = DocumentCopy.objects.get(document=document, number=FORM_COPIES)
    dispatch = Dispatch.objects.filter(document=document).select_related("document", "copy").order_by("pk").first()
    today = timezone.localdate()
    inventory = destruction_inventory(o, ctx.out)
    letter_request = party_request(o)
    meeting = bench_meeting(o, ctx.out)

    def day_list():
        from registry.views.printing import day_dispatches

        return pdf.dispatch_list_context(today, day_dispatches(o.clerk, today), printed_by=o.clerk)

    forms = [
        ("cover_sheet", "one page", lambda: pdf.cover_sheet_context(document, copy=copy, printed_by=o.handler), 0.3),
        (
            "distribution_register",
            f"{FORM_COPIES} rows",
            lambda: pdf.distribution_register_context(document, printed_by=o.handler),
            3.0,
        ),
        ("envelope_inner", "DL label", lambda: pdf.inner_envelope_context(dispatch, printed_by=o.clerk), None),
        ("envelope_outer", "DL label", lambda: pdf.outer_envelope_context(dispatch), None),
        ("dispatch_list", f"{DAY_DISPATCHES} rows", day_list, None),
        (
            "destruction_inventory",
            f"{INVENTORY_ROWS} rows",
            lambda: pdf.destruction_inventory_context(inventory, viewer=o.ethics, printed_by=o.ethics),
            None,
        ),
        ("party_letter", "one page", lambda: pdf.party_letter_context(letter_request, printed_by=o.clerk), None),
        (
            "meeting_attendance",
            f"{MEETING_ATTENDEES} rows",
            lambda: pdf.meeting_attendance_context(meeting, printed_by=o.handler),
            None,
        ),
        ("meeting_recall", f"{MEETING_ATTENDEES} rows", lambda: pdf.meeting_recall_context(meeting, printed_by=o.handler), None),
    ]
    watch = _FontToolsWatch()
    weasy_logger = logging.getLogger("weasyprint")
    weasy_logger.addHandler(watch)
    section = Section("Printed forms (context + WeasyPrint render, no HTTP)")
    try:
        for name, detail, make_context, target in forms:
            template = pdf.TEMPLATES[name]
            median, content = timed(
                lambda template=template, make_context=make_context: pdf.render_pdf(template, make_context()), ctx.runs
            )
            pages = len(PdfReader(io.BytesIO(content)).pages)
            section.rows.append(Row(name, median, ctx.runs, detail=detail, pages=pages, target=target))
    finally:
        weasy_logger.removeHandler(watch)
    hb = pdf.harfbuzz_subsetting()
    used = "yes" if hb and not watch.fonttools else "NO (fontTools fallback)"
    section.notes.append(
        f"HarfBuzz font subsetting: {used}"
        + (f"; WeasyPrint logged {watch.fonttools} fontTools fallback(s)" if watch.fonttools else "")
    )
    return section


def bench_scale(ctx: BenchContext) -> Section:
    """A city's registry at each size of ``--sizes``: see the module's doc."""
    from registry.bench import databases, scale

    out, runs, sizes = ctx.out, ctx.runs, ctx.options["sizes"]
    key = databases.dataset_key()
    names = {}
    for size in sizes:
        names[size], _ = databases.ensure_office(size, key, out)
    databases.drop_stale(key, set(names.values()), out)
    offices = [scale.Office(databases.size_label(n), n, names[n], None) for n in sizes]
    offices = [scale.open_office(o.label, o.documents, o.name) for o in offices]
    big, small = offices[-1], offices[0]
    labels = [o.label for o in offices]
    size = scale.page_size()
    out("  capturing each page's queries and the reference SQL…")
    register = scale.register_items(offices, size, out)
    pages = scale.page_items(offices)
    out(f"  measuring {len(register) + len(pages)} items at {', '.join(labels)}, {runs} interleaved rounds…")
    scale.measure(register + pages, offices, runs, out)

    def ratio(item):
        return f"{scale.median(item, big.label) / scale.median(item, small.label):.1f}×" if len(offices) > 1 else ""

    head = ["item", *[f"{label} s" for label in labels]] + ([f"{big.label}/{small.label}"] if len(offices) > 1 else [])
    rows = []
    refs = {i.name.replace(" (reference SQL)", ""): i for i in register if i.group == "reference"}
    for item in (i for i in register if i.group == "register"):
        ref = refs[item.name.replace(" (page's SQL)", "")]
        rows.append(
            [item.name, *[f"{scale.median(item, label):.4f}" for label in labels], ratio(item),
             f"{scale.median(ref, big.label):.4f}",
             f"{scale.median(item, big.label) / max(scale.median(ref, big.label), 1e-6):.0f}×",
             "/".join(str(item.queries[label]) for label in labels)
             + (f"  ({', '.join(f'{item.rows[label]:,}' for label in labels)} rows)" if item.rows else "")]
        )
    out("")
    out(f"== Register: page through the test client vs the reference SQL (median of {runs}) ==")
    for line in _table([*head, f"ref SQL {big.label} s", f"page/SQL {big.label}", "queries"], rows,
                       right=set(range(1, len(head) + 3))):
        out(line)
    out("")
    out(f"== Pages (median of {runs}) ==")
    rows = [[i.name, *[f"{scale.median(i, label):.4f}" for label in labels], ratio(i),
             "/".join(str(i.queries[label]) for label in labels)] for i in pages]
    for line in _table([*head, "queries"], rows, right=set(range(1, len(head)))):
        out(line)

    clerk_count = next(i for i in register if i.name == "clerk: count (page's SQL)")
    count_sql = next(sql for sql, _ in clerk_count.captured[big.label] if "COUNT(" in sql.upper())
    jit = scale.jit_comparison(big, count_sql, runs)
    out("")
    out(f"== JIT: the clerk's register count at {big.label} ==")
    for setting in ("on", "off"):
        median, compile_ms = jit[setting]
        extra = f", JIT compile {compile_ms:.0f} ms" if compile_ms else ""
        out(f"  jit={setting}: {median:.4f} s{extra}")
    out("  the application's connections run with jit=off (config/env.py)")

    if ctx.options["explain"]:
        out("")
        out(f"== EXPLAIN (ANALYZE, BUFFERS) at {big.label}: the slowest queries of each list page ==")
        with databases.using(big.wrapper):
            for item in [*(i for i in register if i.group == "register" and "page" in i.name), *pages]:
                slowest = sorted(item.captured[big.label], key=lambda q: -q[1])[:2]
                for sql, took in slowest:
                    if not sql.lstrip().upper().startswith("SELECT") or took < 0.005:
                        continue
                    out(f"-- {item.name}: {took:.3f} s")
                    out(sql)
                    for line in scale.explain(sql):
                        out("   " + line)

    for office in offices:
        office.wrapper.close()
    levels = (1, 2, 8)
    out("")
    out(f"  registration throughput on a copy of {small.name}…")
    results, invariants = scale.registration_bench(small.name, levels, max(1, min(runs, 3)),
                                                   ctx.options["reg_seconds"], out)
    out(f"== Registration through document_register vs one locked counter row ({small.label} copy) ==")
    rows = []
    for clients in levels:
        reg, counter = results[("register", clients)], results[("counter", clients)]
        rows.append([str(clients), f"{reg:.0f}", f"{counter:.0f}", f"{reg / counter:.3f}"])
    for line in _table(["clients", "registrations/s", "counter tx/s", "ratio"], rows, right={0, 1, 2, 3}):
        out(line)
    out(f"  numbers after the run: {invariants.numbers:,} documents, {invariants.number_gaps} gaps, "
        f"{invariants.counters_off} counters off; chain whole: {invariants.chain_whole}")

    out("")
    out("== verify_audit (registry.audit.verify_chain) ==")
    for office in offices:
        took, checked, whole = scale.verify_bench(office, 1 if office is big and big.documents >= 500_000 else runs)
        out(f"  {office.label}: {checked:,} events in {took:.1f} s = {checked / took:,.0f} events/s (whole: {whole})")
        office.wrapper.close()
    section = Section(f"Scale: offices of {', '.join(f'{n:,}' for n in sizes)} documents")
    section.notes.append(
        "each office: 200 units, ~5,000 people, ~3.2 grants per document, a handler with exactly 1,000 grants; "
        "pages through Django's test client as the designated people; only the ratios are meant to be compared"
    )
    return section


IMPORT_ROWS = 50_000
IMPORT_TARGET_S = 60.0


def bench_import(ctx: BenchContext) -> Section:
    """A paper register of IMPORT_ROWS rows (CSV in the template's layout) read, checked and
    imported in one transaction through ``services.imports``, as the page and the command do. Each
    run imports a year of its own (ROC 80, 81, …), so every run writes all its rows anew."""
    import csv as csv_module
    import io

    from registry.imports import COLUMNS, read_table
    from registry.models import Document
    from registry.services.imports import import_register

    o = office()
    titles = [title for title, *_rest in COLUMNS]

    def register_file(year: int) -> bytes:
        out = io.StringIO()
        writer = csv_module.writer(out)
        writer.writerow(titles)
        for serial in range(1, IMPORT_ROWS + 1):
            day = f"{year}/{1 + serial % 12}/{1 + serial % 28}"
            cells = {
                "登記號": f"{year}收{serial:06d}", "密等": "密", "主旨": f"舊登記簿匯入第{serial}號",
                "原核定機關": "臺中市政府", "核定人": "王科長", "核定日期": day, "解密條件": "公布後解密",
                "來文機關": "內政部", "來文文號": f"內授字第{year}{serial:07d}號", "收文日期": day, "登記日期": day,
                "主辦單位代碼": o.sec.code, "保管人帳號": o.clerk.username, "頁數": "2", "份數": "1",
            }
            writer.writerow([cells.get(title, "") for title in titles])
        return out.getvalue().encode()

    samples = []
    used = set(Document.objects.filter(reg_year__lt=100).values_list("reg_year", flat=True).distinct())
    free_years = [year for year in range(1, 100) if year not in used]
    for run in range(max(1, min(ctx.runs, 3))):
        year = free_years[run]
        content = register_file(year)
        start = time.perf_counter()
        report = import_register(actor=o.clerk, rows=read_table(content, "register.csv").rows, commit=True)
        samples.append(time.perf_counter() - start)
        if not report.committed:
            raise CommandError(f"the bench's own register did not import: {report.errors[:3]}")
        ctx.out(f"  imported {len(report.created):,} rows of year {year} in {samples[-1]:.1f} s")
    median = statistics.median(samples)
    section = Section("Import of a paper register")
    section.rows.append(
        Row(name="import_register", median=median, runs=len(samples), detail=f"{IMPORT_ROWS:,} rows, CSV",
            target=IMPORT_TARGET_S)
    )
    section.notes.append(f"{IMPORT_ROWS / median:,.0f} rows/s: read, every row checked, one transaction, one audit event")
    return section


BENCHMARKS: list[tuple[str, Callable[[BenchContext], Section]]] = [
    ("forms", bench_forms),
    ("import", bench_import),
    ("scale", bench_scale),
]


# --- machine and output -------------------------------------------------------------------------


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def _table(header: list[str], rows: list[list[str]], right: set[int]) -> list[str]:
    widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells):
        out = []
        for i, cell in enumerate(cells):
            pad = " " * (widths[i] - _width(cell))
            out.append(pad + cell if i in right else cell + pad)
        return "  ".join(out).rstrip()

    return [line(header), line(["-" * w for w in widths]), *(line(r) for r in rows)]


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


class Command(BaseCommand):
    help = "Time the printed forms and the register list on a throwaway database of the bench's own."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=5, help="timed runs per item, after one warm-up (default 5)")
        parser.add_argument(
            "--only", default="", help=f"comma-separated benchmarks to run: {', '.join(n for n, _ in BENCHMARKS)}"
        )
        parser.add_argument(
            "--sizes",
            default="10000,1000000",
            help="documents in each bench office, smallest first (default 10000,1000000)",
        )
        parser.add_argument(
            "--explain", action="store_true", help="print EXPLAIN (ANALYZE, BUFFERS) of each list page's queries"
        )
        parser.add_argument(
            "--reg-seconds", type=float, default=3.0, help="seconds per registration throughput sample (default 3)"
        )
        parser.add_argument(
            "--keepdb", action="store_true", help="keep the bench database afterwards and reuse it next time"
        )

    def handle(self, *args, runs, only, sizes, explain, reg_seconds, keepdb, **options):
        if runs < 1:
            raise CommandError("--runs must be at least 1")
        try:
            sizes = sorted({int(s) for s in sizes.split(",") if s.strip()})
        except ValueError:
            raise CommandError("--sizes takes whole numbers, e.g. 10000,1000000") from None
        wanted = [n.strip() for n in only.split(",") if n.strip()]
        unknown = set(wanted) - {n for n, _ in BENCHMARKS}
        if unknown:
            raise CommandError(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
        benches = [(n, fn) for n, fn in BENCHMARKS if not wanted or n in wanted]

        out = self.stdout.write
        context = BenchContext(
            runs=runs, out=out, options={"sizes": sizes, "explain": explain, "reg_seconds": reg_seconds}
        )
        if not {"forms", "import"} & {name for name, _ in benches}:
            # The scale offices live in databases of their own (registry.bench.databases).
            self._run(benches, context)
            return
        old_name = connection.settings_dict["NAME"]
        bench_name = f"bench_{os.path.basename(str(old_name)) or 'registry'}"
        if connection.vendor == "sqlite":
            bench_name = ""  # SQLite: Django's in-memory test database
        connection.settings_dict.setdefault("TEST", {})["NAME"] = bench_name or None
        out(f"Creating the bench database {bench_name or '(in memory)'} beside {old_name} and migrating it…")
        try:
            # create_test_db() migrates it with call_command("migrate"): the audit triggers included.
            connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False, keepdb=keepdb)
        except Exception as exc:
            raise CommandError(
                f"cannot create the bench database next to {old_name!r} ({exc}); the bench needs a database "
                "user that may CREATE DATABASE — run it through scripts/with-postgres.sh (make bench)"
            ) from exc
        try:
            self._run(benches, context)
        finally:
            if keepdb:
                out(f"Kept the bench database {bench_name}.")
            else:
                connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=False)

    def _run(self, benches, ctx: BenchContext) -> None:
        out = ctx.out
        cores = os.cpu_count() or 0
        try:
            usable = len(os.sched_getaffinity(0))
        except (AttributeError, OSError):
            usable = cores
        out("")
        database = connection.vendor
        if connection.vendor == "postgresql":
            connection.ensure_connection()
            version = connection.pg_version
            database = f"PostgreSQL {version // 10000}.{version % 100}"
        out(f"Machine: {cpu_model()}, {cores} cores ({usable} usable); Python {platform.python_version()}; {database}")
        import weasyprint

        out(f"WeasyPrint {weasyprint.__version__}; HarfBuzz subsetting available: "
            f"{'yes' if pdf.harfbuzz_subsetting() else 'NO — fontTools fallback, expect seconds per page'}")
        for name, fn in benches:
            out("")
            out(f"[{name}] setting up…")
            section = fn(ctx)
            out(f"== {section.title} ==")
            if section.rows:
                header = ["form", "what", "pages", "median s", "target s", "ratio", ""]
                rows = [
                    [
                        r.name,
                        r.detail,
                        "" if r.pages is None else str(r.pages),
                        f"{r.median:.3f}",
                        "" if r.target is None else f"< {r.target:g}",
                        "" if r.ratio is None else f"{r.ratio:.2f}",
                        r.verdict,
                    ]
                    for r in section.rows
                ]
                for line in _table(header, rows, right={2, 3, 4, 5}):
                    out(line)
            if section.table:
                header, rows = section.table
                for line in _table(header, rows, right=set(range(2, len(header)))):
                    out(line)
            for note in section.notes:
                out(f"  {note}")
        out("")
        out(f"Median of {ctx.runs} timed runs after one warm-up. Speed is reported, not tested: exit code 0.")
