"""A whole office in a freshly migrated database, built with set-based SQL.

``build(Shape(documents=1_000_000))`` writes, in one transaction and mostly with
``INSERT … SELECT … FROM generate_series``: units in a tree, people with roles and clearances,
documents spread over every state, level, direction and year, their handling steps, need-to-know
grants (mirrored into guardian's direct-FK table exactly as ``registry.services.grants.sync_permission``
would: one row per person and document with a live grant, ``expires_at`` the latest end or NULL),
numbered copies and their issue, archive locations, loans, dispatches, registration counters that
agree with the numbers, and an audit chain whose hashes are computed by the project's own hashing
(``chain_hash`` below) and written with COPY.

The office's designated people, by user name (``DESIGNATED``): a handler who knows exactly
``Shape.handler_grants`` documents by grants and nothing else (never routed to, never custodian),
a clerk and a supervisor of the first department, an archivist and an ethics officer. Supervisors
and ethics officers among them have a confirmed TOTP device.

Nothing here goes through the services: at a million documents that would take days. The
invariants the services keep are checked afterwards by ``check`` (and by
tests/scale/test_bench_dataset.py on a small office), so the builder cannot drift from them unseen.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from classification import Level
from registry import audit
from registry.models.audit import GENESIS_HASH
from registry.models.documents import VIEW_PERMISSION
from registry.roles import Role

# Bump when the builder makes a different office: the cached bench databases are keyed by it.
BUILDER_VERSION = 3

DESIGNATED = {
    "handler": "bench-handler",
    "clerk": "bench-clerk",
    "supervisor": "bench-supervisor",
    "archivist": "bench-archivist",
    "ethics": "bench-ethics",
}


def chain_hash(*, seq: int, at: datetime, actor_id, action: str, document_id, details: str, prev_hash: str) -> str:
    """The hash of one audit event, by the registry's own function under the current key. Every
    hash the builder writes is made here, so a change in how the chain hashes is followed in this
    one place."""
    return audit.event_hash(
        seq=seq, at=at, actor_id=actor_id, action=action, document_id=document_id, details=details, prev_hash=prev_hash,
        key_id=audit.current_key_id(),
    )


@dataclass(frozen=True)
class Shape:
    """How big the office is. The defaults are the issue's city office, with ``documents`` given."""

    documents: int
    units: int = 200
    people: int = 5000
    grants_per_document: float = 3.2
    audit_events: int | None = None  # default: as many as documents
    handler_grants: int = 1000
    years: int = 11  # documents registered over this many years, up to now
    locations: int = 20
    # Build as for a big office: plain indexes dropped and made again at the end, foreign keys not
    # checked row by row (None: from 100,000 documents on).
    bulk: bool | None = None

    @property
    def departments(self) -> int:
        return max(2, min(10, self.units // 10))

    @property
    def slots(self) -> int:
        """People per unit: slot 0 supervisor, 1 clerk, 2–11 handlers, then others."""
        return self.people // self.units

    @property
    def events(self) -> int:
        return self.documents if self.audit_events is None else self.audit_events

    def check(self) -> None:
        if self.units < 4 or self.slots < 14:
            raise ValueError("an office needs at least 4 units and 14 people per unit")
        if self.handler_grants > self.documents:
            raise ValueError("the handler cannot know more documents than there are")


@dataclass
class Built:
    shape: Shape
    now: datetime
    seconds: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)


# States by the share of documents in them (per mille), for the older 97 % of the office; the newest
# 3 % are still on their way in (registered … in handling, a few cancelled).
_OLD_STATES = [
    ("cancelled", 20), ("signed", 20), ("handling", 160), ("to_archive", 20),
    ("archived", 620), ("on_loan", 30), ("destroyed", 130),
]
_NEW_STATES = ["registered", "opened", "routed", "signed", "handling", "cancelled"]
_OPENED_ON = ("opened", "routed", "signed", "handling", "to_archive", "archived", "on_loan", "destroyed")
_ROUTED_ON = ("routed", "signed", "handling", "to_archive", "archived", "on_loan", "destroyed")
_SIGNED_ON = ("signed", "handling", "to_archive", "archived", "on_loan", "destroyed")
_FILED = ("archived", "on_loan", "destroyed")


_BULK_TABLES = (
    "registry_document", "registry_needtoknowgrant", "registry_documentuserobjectpermission",
    "registry_handlingstep", "registry_documentcopy", "registry_copycustody", "registry_loan",
    "registry_dispatch", "registry_auditevent",
)


def _sql_list(values) -> str:
    return ", ".join(f"'{v}'" for v in values)


def _h(expr: str, salt: int, modulo: int) -> str:
    """A deterministic pseudo-random number in [0, modulo) from an integer expression."""
    return f"mod(hashint8(({expr})::bigint * 16777619 + {salt}) & 2147483647, {modulo})"


def _person(unit: str, slot: str, shape: Shape) -> str:
    """The id of the person in ``slot`` of ``unit`` (people are numbered slot-major)."""
    return f"(({slot}) * {shape.units} + ({unit}))"


class _Builder:
    def __init__(self, shape: Shape, out: Callable[[str], None]):
        shape.check()
        self.s = shape
        self.out = out
        self.now = timezone.now().replace(microsecond=0)
        self.built = Built(shape=shape, now=self.now)
        d = shape.departments
        self.archive_unit = 2 + d  # the first section of the first department: 檔案科
        self.ethics_unit = 1 + d  # the last department: 政風處
        self.handler_unit = self.archive_unit + 1  # a section of the second department
        # Grantees by distribution and loans: people without duties, cleared to 絕對機密.
        self.pool = [slot for slot in range(13, shape.slots) if slot % 4 != 3] or list(range(2, 12))

    # --- helpers -----------------------------------------------------------------------------

    def sql(self, statement: str, params=None) -> int:
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
            return cursor.rowcount

    def scalar(self, statement: str, params=None):
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
            return cursor.fetchone()[0]

    def step(self, name: str, fn: Callable[[], None]) -> None:
        started = time.perf_counter()
        fn()
        self.built.seconds[name] = time.perf_counter() - started
        self.out(f"    {name}: {self.built.seconds[name]:.1f} s")

    def pool_person(self, unit_expr: str, hash_expr: str, salt: int) -> str:
        slots = "ARRAY[" + ",".join(str(s) for s in self.pool) + "]"
        slot = f"({slots})[1 + {_h(hash_expr, salt, len(self.pool))}]"
        return _person(unit_expr, slot, self.s)

    # --- the office ----------------------------------------------------------------------------

    def run(self) -> Built:
        for table in ("registry_document", "registry_user", "registry_unit", "registry_auditevent"):
            if self.scalar(f"SELECT EXISTS (SELECT 1 FROM {table})"):
                raise RuntimeError(f"the bench office is built into an empty, freshly migrated database ({table} has rows)")
        with transaction.atomic():
            indexes = []
            if self.s.bulk or (self.s.bulk is None and self.s.documents >= 100_000):
                self._skip_row_checks()
                indexes = self._drop_indexes()
            self.step("units and people", self.people)
            self.step("documents", self.documents)
            self.step("handling steps", self.steps)
            self.step("grants, copies, loans", self.grants)
            self.step("guardian permissions", self.permissions)
            self.step("dispatches", self.dispatches)
            self.step("audit chain", self.chain)
            self.step("sequences", self.sequences)
            if indexes:
                self.step(f"{len(indexes)} indexes", lambda: [self.sql(index) for index in indexes])
        for table in ("registry_document", "registry_needtoknowgrant", "registry_documentuserobjectpermission",
                      "registry_handlingstep", "registry_documentcopy", "registry_loan", "registry_dispatch",
                      "registry_auditevent", "registry_user"):
            self.built.counts[table] = self.scalar(f"SELECT count(*) FROM {table}")
        return self.built

    def _drop_indexes(self) -> list[str]:
        """Drop the plain indexes of the big tables for the build and give back their definitions:
        one sort per index afterwards is much cheaper than millions of index insertions. Unique
        indexes and primary keys stay (constraints)."""
        with connection.cursor() as cursor:
            cursor.execute(
                """SELECT i.indexname, i.indexdef FROM pg_indexes i
                   WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
                     AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
                     AND i.indexdef NOT LIKE 'CREATE UNIQUE%%'""",
                [list(_BULK_TABLES)],
            )
            found = cursor.fetchall()
            for name, _definition in found:
                cursor.execute(f'DROP INDEX "{name}"')
        return [definition for _name, definition in found]

    def _skip_row_checks(self) -> None:
        """Skip the foreign-key checks row by row for this transaction (millions of trigger calls).
        Small offices keep them, so the builder's test proves every reference it writes is valid.
        Only a superuser may skip them; others build more slowly."""
        try:
            with transaction.atomic():
                self.sql("SET LOCAL session_replication_role = replica")
        except DatabaseError:  # not a superuser: keep the checks
            self.out("    (not a superuser: building with foreign-key checks row by row)")

    def people(self) -> None:
        s, d = self.s, self.s.departments
        self.sql(
            f"""
            INSERT INTO registry_unit (id, code, name, parent_id, is_superior_agency)
            SELECT u, 'B' || lpad(u::text, 4, '0'),
                   CASE WHEN u = 1 THEN '效能測試市政府'
                        WHEN u = 2 THEN '效能測試秘書處'
                        WHEN u = {self.ethics_unit} THEN '效能測試政風處'
                        WHEN u = {self.archive_unit} THEN '效能測試檔案科'
                        WHEN u <= {1 + d} THEN '效能測試第' || (u - 1) || '局'
                        ELSE '效能測試第' || (1 + mod(u - {2 + d}, {d})) || '局第' || u || '科' END,
                   CASE WHEN u = 1 THEN NULL WHEN u <= {1 + d} THEN 1 ELSE 2 + mod(u - {2 + d}, {d}) END,
                   false
            FROM generate_series(1, {s.units}) u
            """
        )
        n = s.slots * s.units
        designated = {
            _person("2", "1", s): DESIGNATED["clerk"],
            _person("2", "0", s): DESIGNATED["supervisor"],
            _person(str(self.handler_unit), "12", s): DESIGNATED["handler"],
            _person(str(self.archive_unit), "12", s): DESIGNATED["archivist"],
            _person(str(self.ethics_unit), "12", s): DESIGNATED["ethics"],
        }
        names = " ".join(f"WHEN p = {pid} THEN '{name}'" for pid, name in designated.items())
        self.sql(
            f"""
            INSERT INTO registry_user (id, password, last_login, is_superuser, username, first_name, last_name,
                email, is_staff, is_active, date_joined, full_name, unit_id, clearance, is_agency_head)
            SELECT p, '!' || md5(p::text || clock_timestamp()::text), NULL, false,
                   CASE {names} ELSE 'p' || lpad(p::text, 6, '0') END, '', '', '', false, true, %(now)s,
                   '測試人員' || lpad(p::text, 5, '0'), 1 + mod(p - 1, {s.units}),
                   CASE WHEN (p - 1) / {s.units} >= 13 AND mod((p - 1) / {s.units}, 4) = 3 THEN {int(Level.CONFIDENTIAL)}
                        ELSE {int(Level.TOP_SECRET)} END,
                   p = 1
            FROM generate_series(1, {n}) p
            """,
            {"now": self.now},
        )
        groups = {}
        for role in Role:
            groups[role] = self.scalar(
                "INSERT INTO auth_group (name) VALUES (%s) ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING id",
                [str(role)],
            )
        slot = f"((p - 1) / {s.units})"
        unit = f"(1 + mod(p - 1, {s.units}))"
        self.sql(
            f"""
            INSERT INTO registry_user_groups (user_id, group_id)
            SELECT p, CASE WHEN {slot} = 0 THEN {groups[Role.SUPERVISOR]}
                           WHEN {slot} = 1 THEN {groups[Role.CLERK]}
                           WHEN {slot} BETWEEN 2 AND 11 THEN {groups[Role.HANDLER]}
                           WHEN {unit} = {self.archive_unit} THEN {groups[Role.ARCHIVIST]}
                           WHEN {unit} = {self.ethics_unit} THEN {groups[Role.ETHICS]}
                           ELSE {groups[Role.HANDLER]} END
            FROM generate_series(1, {n}) p
            WHERE {slot} <= 12 OR ({slot} >= 12 AND {unit} IN ({self.archive_unit}, {self.ethics_unit}))
            """
        )
        self.sql(
            f"""
            INSERT INTO registry_storagelocation (code, name, zone, keeper_id, active)
            SELECT 'BL' || lpad(k::text, 3, '0'), '效能測試檔案櫃' || k,
                   CASE WHEN mod(k, 2) = 1 THEN 'classified' ELSE 'unclassified' END, {designated_id(designated, 'archivist')}, true
            FROM generate_series(1, {s.locations}) k
            """
        )
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from registry.models import User

        for username in (DESIGNATED["supervisor"], DESIGNATED["ethics"]):
            TOTPDevice.objects.create(user=User.objects.get(username=username), name="bench", confirmed=True)

    def documents(self) -> None:
        s = self.s
        n = s.documents
        span = s.years * 365 * 86400
        start = self.now - timedelta(seconds=span)
        new_from = n - max(1, n * 3 // 100)
        cases, acc = [], 0
        for state, share in _OLD_STATES:
            acc += share
            cases.append(f"WHEN {_h('i', 3, 1000)} < {acc} THEN '{state}'")
        new_states = "ARRAY[" + _sql_list(_NEW_STATES) + "]"
        level = (
            f"CASE WHEN {_h('i', 2, 100)} < 10 THEN 1 WHEN {_h('i', 2, 100)} < 50 THEN 2 "
            f"WHEN {_h('i', 2, 100)} < 80 THEN 3 WHEN {_h('i', 2, 100)} < 95 THEN 4 ELSE 5 END"
        )
        direction = f"CASE WHEN {_h('i', 1, 100)} < 60 THEN 'in' WHEN {_h('i', 1, 100)} < 85 THEN 'out' ELSE 'internal' END"
        unit = f"(1 + {_h('i', 4, s.units)})"
        self.sql(
            f"""
            CREATE TEMP TABLE bench_doc ON COMMIT DROP AS
            SELECT i, at, (extract(year FROM at AT TIME ZONE 'Asia/Taipei') - 1911)::int AS year, direction,
                   CASE direction WHEN 'in' THEN '收' WHEN 'out' THEN '發' ELSE '內' END AS series,
                   level, state, unit,
                   {_person('unit', '1', s)} AS clerk, {_person('unit', '0', s)} AS supervisor,
                   {_person('unit', '2 + ' + _h('i', 5, 10), s)} AS handler
            FROM (
                SELECT i, %(start)s::timestamptz + ((i - 1)::float8 / {n} * {span}) * interval '1 second' AS at,
                       {direction} AS direction, {level} AS level, {unit} AS unit,
                       CASE WHEN i > {new_from} THEN ({new_states})[1 + {_h('i', 6, len(_NEW_STATES))}]
                            ELSE CASE {' '.join(cases)} ELSE 'destroyed' END END AS state
                FROM generate_series(1, {n}) i
            ) g
            """,
            {"start": start},
        )
        self.sql("CREATE UNIQUE INDEX ON bench_doc (i)")
        now = "%(now)s::timestamptz"
        archived_at = f"at + ({now} - at) / 2"
        self.sql(
            f"""
            INSERT INTO registry_document (
                id, reg_year, reg_series, reg_serial, direction, sender_ref, sender, subject, level, marking_position,
                protection_years, declass_kind, declass_date, declass_event, declass_other, original_agency,
                approving_official, approval_date, authorization_ref, authorization_by, authorization_scope,
                pages, attachments, attachment_note, copies_count, responsible_unit_id, handling_unit_id,
                instruction, routed_to_id, custodian_id, state, registered_by_id, registered_at, received_on,
                cancel_reason, storage_location_id, class_number, archived_at, retention_years, declass_due_on,
                declass_event_met_on, declassified_on, last_reviewed_on, destroyed_at, addressee, urgency)
            SELECT i, year, series, row_number() OVER (PARTITION BY year, series ORDER BY i), direction,
                   'BENCH-' || i, CASE WHEN direction = 'in' THEN '國防部' ELSE '' END,
                   '效能測試公文第' || i || '號', level, 'top_left',
                   CASE WHEN level >= 2 THEN 5 END, '', NULL, '', '', '效能測試市政府', '王市長',
                   (at AT TIME ZONE 'Asia/Taipei')::date - 30,
                   CASE WHEN level >= 3 AND direction = 'in' THEN '國密授字第' || i || '號' ELSE '' END,
                   CASE WHEN level >= 3 AND direction = 'in' THEN '國防部' ELSE '' END, '',
                   1 + {_h('i', 7, 20)}, 0, '', 1,
                   unit, CASE WHEN state IN ({_sql_list(_OPENED_ON)}) THEN unit END,
                   CASE WHEN state IN ({_sql_list(_OPENED_ON)}) THEN '請依規定辦理' ELSE '' END,
                   CASE WHEN state IN ({_sql_list(_ROUTED_ON)}) THEN handler END,
                   CASE WHEN state IN ({_sql_list(_FILED)}) THEN NULL
                        WHEN state IN ({_sql_list(_SIGNED_ON)}) THEN handler ELSE clerk END,
                   state, clerk, at, (at AT TIME ZONE 'Asia/Taipei')::date,
                   CASE WHEN state = 'cancelled' THEN '誤登' ELSE '' END,
                   CASE WHEN state IN ({_sql_list(_FILED)})
                        THEN (SELECT min(id) FROM registry_storagelocation) + 2 * {_h('i', 8, self.s.locations // 2)}
                             + CASE WHEN level >= 2 THEN 0 ELSE 1 END END,
                   CASE WHEN state IN ({_sql_list(_FILED)}) THEN 'B' || lpad(({_h('i', 9, 1000)})::text, 3, '0') ELSE '' END,
                   CASE WHEN state IN ({_sql_list(_FILED)}) THEN {archived_at} END,
                   CASE WHEN state IN ({_sql_list(_FILED)}) THEN 10 END,
                   CASE WHEN level >= 2 THEN ((at AT TIME ZONE 'Asia/Taipei')::date - 30 + interval '5 years')::date END,
                   NULL,
                   CASE WHEN state = 'destroyed' AND level >= 2 THEN ({archived_at})::date END,
                   CASE WHEN level >= 2 AND {_h('i', 10, 3)} = 0 THEN ((at + ({now} - at) * 0.8) AT TIME ZONE 'Asia/Taipei')::date END,
                   CASE WHEN state = 'destroyed' THEN at + ({now} - at) * 0.75 END,
                   CASE WHEN direction = 'out' THEN '國防部' ELSE '' END, 'normal'
            FROM bench_doc
            """,
            {"now": self.now},
        )
        self.sql(
            """
            INSERT INTO registry_registrationcounter (year, series, last)
            SELECT reg_year, reg_series, max(reg_serial) FROM registry_document GROUP BY reg_year, reg_series
            """
        )

    def steps(self) -> None:
        opened, routed, signed = _sql_list(_OPENED_ON), _sql_list(_ROUTED_ON), _sql_list(_SIGNED_ON)
        handling = _sql_list(("handling", "to_archive", "archived", "on_loan", "destroyed"))
        self.sql(
            f"""
            INSERT INTO registry_handlingstep (document_id, kind, actor_id, at, to_unit_id, to_user_id, note)
            SELECT i, 'register', clerk, at, unit, NULL::bigint, '' FROM bench_doc
            UNION ALL SELECT i, 'open', supervisor, at + interval '1 hour', unit, NULL, '請依規定辦理'
                FROM bench_doc WHERE state IN ({opened})
            UNION ALL SELECT i, 'route', clerk, at + interval '2 hours', unit, handler, ''
                FROM bench_doc WHERE state IN ({routed})
            UNION ALL SELECT i, 'sign_for', handler, at + interval '3 hours', NULL, NULL, ''
                FROM bench_doc WHERE state IN ({signed})
            UNION ALL SELECT i, 'begin_handling', handler, at + interval '4 hours', NULL, NULL, ''
                FROM bench_doc WHERE state IN ({handling})
            UNION ALL SELECT i, 'cancel', clerk, at + interval '30 minutes', NULL, NULL, '誤登'
                FROM bench_doc WHERE state = 'cancelled'
            """
        )

    def grants(self) -> None:
        s = self.s
        archivist = self.scalar("SELECT id FROM registry_user WHERE username = %s", [DESIGNATED["archivist"]])
        handler = self.scalar("SELECT id FROM registry_user WHERE username = %s", [DESIGNATED["handler"]])
        now = {"now": self.now}
        grant_cols = "(user_id, document_id, permission, basis, reason, granted_by_id, granted_at, expires_at, ended_at, ended_by_id, end_reason)"
        filed_at = "(SELECT archived_at FROM registry_document WHERE id = i)"
        # The supervisor who opened it, and the handler who signed for it (ended when it was filed).
        self.sql(
            f"""
            INSERT INTO registry_needtoknowgrant {grant_cols}
            SELECT supervisor, i, '{VIEW_PERMISSION}', 'opened', 'Opened and instructed as unit supervisor', supervisor,
                   at + interval '1 hour', NULL::timestamptz, NULL::timestamptz, NULL::bigint, ''
            FROM bench_doc WHERE state IN ({_sql_list(_OPENED_ON)})
            UNION ALL
            SELECT handler, i, '{VIEW_PERMISSION}', 'signed', 'Signed for as designated handler', handler,
                   at + interval '3 hours', NULL,
                   CASE WHEN state IN ({_sql_list(_FILED)}) THEN {filed_at} END,
                   CASE WHEN state IN ({_sql_list(_FILED)}) THEN {archivist} END,
                   CASE WHEN state IN ({_sql_list(_FILED)}) THEN 'Handling ended; filed in the archive' ELSE '' END
            FROM bench_doc WHERE state IN ({_sql_list(_SIGNED_ON)})
            """
        )
        # Loans: every document on loan has a lent loan (a fifth overdue); one archived document in
        # twenty was lent and has come back. Each loan's grant ends with it.
        borrower = self.pool_person(f"1 + {_h('i', 11, s.units)}", "i", 12)
        self.sql(
            f"""
            CREATE TEMP TABLE bench_loan ON COMMIT DROP AS
            SELECT i, {borrower} AS borrower, state = 'on_loan' AS open,
                   {filed_at} + ({now_expr()} - {filed_at}) / 3 AS lent_at, supervisor
            FROM bench_doc
            WHERE state = 'on_loan' OR (state = 'archived' AND {_h('i', 13, 20)} = 0)
            """,
            now,
        )
        self.sql(
            f"""
            INSERT INTO registry_needtoknowgrant {grant_cols}
            SELECT borrower, i, '{VIEW_PERMISSION}', 'loan', '借調查考', supervisor, lent_at, NULL,
                   CASE WHEN NOT open THEN lent_at + interval '14 days' END, CASE WHEN NOT open THEN {archivist} END,
                   CASE WHEN NOT open THEN 'Loan returned' ELSE '' END
            FROM bench_loan
            """
        )
        self.sql(
            f"""
            INSERT INTO registry_loan (document_id, borrower_id, reason, requested_at, state, decision, decided_by_id,
                decided_at, decision_reason, due_on, lent_by_id, lent_at, returned_at, received_by_id, grant_id)
            SELECT g.document_id, g.user_id, '借調查考', g.granted_at - interval '2 days',
                   CASE WHEN g.ended_at IS NULL THEN 'lent' ELSE 'returned' END, 'approved', g.granted_by_id,
                   g.granted_at - interval '1 day', '准', (g.granted_at AT TIME ZONE 'Asia/Taipei')::date
                       + CASE WHEN {_h('g.document_id', 14, 5)} = 0 THEN 7 ELSE 3650 END,
                   {archivist}, g.granted_at, g.ended_at, CASE WHEN g.ended_at IS NOT NULL THEN {archivist} END, g.id
            FROM registry_needtoknowgrant g WHERE g.basis = 'loan'
            """
        )
        # Approved distribution, with a numbered copy each, up to grants_per_document on average.
        have = self.scalar("SELECT count(*) FROM registry_needtoknowgrant")
        wanted = round(s.documents * s.grants_per_document) - s.handler_grants - have
        eligible = self.scalar(f"SELECT count(*) FROM bench_doc WHERE state IN ({_sql_list(_SIGNED_ON)})")
        if wanted > 0 and eligible:
            base, extra = divmod(wanted, eligible)
            extra_per_mille = round(extra * 1000 / eligible)
            grantee = self.pool_person(f"1 + {_h('i * 7 + k', 15, s.units)}", "i * 7 + k", 16)
            self.sql(
                f"""
                INSERT INTO registry_needtoknowgrant {grant_cols}
                SELECT {grantee}, i, '{VIEW_PERMISSION}', 'distribution', '業務協辦', supervisor,
                       at + interval '5 hours' + k * interval '1 minute',
                       CASE WHEN {_h('i * 7 + k', 17, 5)} = 0 THEN {now_expr()} + (30 + {_h('i * 7 + k', 18, 365)}) * interval '1 day' END,
                       NULL, NULL, ''
                FROM bench_doc, generate_series(1, {base + 1}) k
                WHERE state IN ({_sql_list(_SIGNED_ON)})
                  AND (k <= {base} OR {_h('i', 19, 1000)} < {extra_per_mille})
                """,
                now,
            )
        # The designated handler: exactly handler_grants documents, spread over the whole office.
        h = s.handler_grants
        self.sql(
            f"""
            INSERT INTO registry_needtoknowgrant {grant_cols}
            SELECT {handler}, d.i, '{VIEW_PERMISSION}', 'distribution', '業務協辦', d.supervisor,
                   greatest(d.at + interval '6 hours', {now_expr()} - interval '300 days'), NULL, NULL, NULL, ''
            FROM generate_series(1, {h}) j JOIN bench_doc d ON d.i = 1 + ((j - 1)::bigint * {s.documents}) / {h}
            """,
            now,
        )
        self.sql(
            f"""
            INSERT INTO registry_documentcopy (document_id, number, is_reproduction, holder_id, state, issued_at,
                signed_at, recalled_at, returned_at, grant_id, purpose)
            SELECT g.document_id, row_number() OVER (PARTITION BY g.document_id ORDER BY g.id), false, g.user_id,
                   CASE WHEN d.state IN ({_sql_list(_FILED)}) AND g.user_id <> {handler} THEN 'returned' ELSE 'held' END,
                   g.granted_at, g.granted_at + interval '10 minutes', NULL,
                   CASE WHEN d.state IN ({_sql_list(_FILED)}) AND g.user_id <> {handler} THEN d.archived_at END,
                   g.id, 'distribution'
            FROM registry_needtoknowgrant g JOIN registry_document d ON d.id = g.document_id
            WHERE g.basis = 'distribution'
            """
        )
        self.sql(
            """
            INSERT INTO registry_copycustody (copy_id, movement, from_user_id, to_user_id, by_id, at, note)
            SELECT c.id, 'issue', NULL, c.holder_id, g.granted_by_id, c.issued_at, ''
            FROM registry_documentcopy c JOIN registry_needtoknowgrant g ON g.id = c.grant_id
            """
        )
        self.sql(
            """
            UPDATE registry_document d SET copies_count = 1 + c.n
            FROM (SELECT document_id, count(*) AS n FROM registry_documentcopy GROUP BY document_id) c
            WHERE c.document_id = d.id
            """
        )

    def permissions(self) -> None:
        """guardian's rows, exactly as ``sync_permission`` leaves them after every grant."""
        self.sql(
            f"""
            INSERT INTO registry_documentuserobjectpermission (user_id, content_object_id, permission_id, expires_at)
            SELECT g.user_id, g.document_id,
                   (SELECT p.id FROM auth_permission p JOIN django_content_type ct ON ct.id = p.content_type_id
                    WHERE ct.app_label = 'registry' AND p.codename = '{VIEW_PERMISSION}'),
                   CASE WHEN bool_or(g.expires_at IS NULL) THEN NULL ELSE max(g.expires_at) END
            FROM registry_needtoknowgrant g
            WHERE g.ended_at IS NULL AND (g.expires_at IS NULL OR g.expires_at > %(now)s)
            GROUP BY g.user_id, g.document_id
            """,
            {"now": self.now},
        )

    def dispatches(self) -> None:
        self.sql(
            f"""
            INSERT INTO registry_dispatch (document_id, copy_id, recipient, address, method, carrier, registered_no,
                inner_sealed, dispatched_by_id, dispatched_at, state, receipt_on, receipt_by, discrepancy, recorded_by_id)
            SELECT i, NULL, '臺中市政府第' || (1 + mod(i, 29)) || '局', '407 臺中市西屯區臺灣大道三段' || (1 + mod(i, 99)) || '號',
                   CASE WHEN level = 5 THEN 'hand' ELSE 'double_registered' END,
                   CASE WHEN level = 5 THEN '效能測試承辦' ELSE '' END,
                   CASE WHEN level = 5 THEN '' ELSE '台中郵局 ' || (100000 + mod(i, 900000)) END,
                   true, clerk, at + interval '5 hours',
                   CASE WHEN {_h('i', 20, 10)} = 0 THEN 'sent' ELSE 'received' END,
                   CASE WHEN {_h('i', 20, 10)} = 0 THEN NULL ELSE (at AT TIME ZONE 'Asia/Taipei')::date + 3 END,
                   CASE WHEN {_h('i', 20, 10)} = 0 THEN '' ELSE '收文人員' END, '',
                   CASE WHEN {_h('i', 20, 10)} = 0 THEN NULL ELSE clerk END
            FROM bench_doc
            WHERE direction = 'out' AND state IN ('handling', 'to_archive', 'archived', 'on_loan', 'destroyed')
            """
        )

    def chain(self) -> None:
        """The newest ``events`` handling steps, grants and document views as a hash chain."""
        steps = {
            "register": "document.register", "open": "document.open", "route": "document.route",
            "sign_for": "document.sign_for", "begin_handling": "document.begin_handling", "cancel": "document.cancel",
        }
        kind = "CASE s.kind " + " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in steps.items()) + " END"
        query = f"""
            SELECT n.at, n.actor_id, n.action, n.document_id, n.a, n.b,
                   d.reg_year || d.reg_series || lpad(d.reg_serial::text, 6, '0'), d.level, d.direction,
                   d.responsible_unit_id, d.handling_unit_id, g.basis, g.reason, g.expires_at
            FROM (
                SELECT s.at, s.actor_id, {kind} AS action, s.document_id, s.id AS a,
                       coalesce(s.to_user_id, s.to_unit_id) AS b
                FROM registry_handlingstep s
                UNION ALL
                SELECT g.granted_at, g.granted_by_id, 'grant.create', g.document_id, g.id, g.user_id
                FROM registry_needtoknowgrant g
                UNION ALL
                SELECT g.granted_at + interval '10 minutes', g.user_id, 'document.view', g.document_id, g.id, NULL
                FROM registry_needtoknowgrant g WHERE g.basis IN ('distribution', 'loan')
                ORDER BY 1 DESC, 3, 5 DESC
                LIMIT {self.s.events}
            ) n
            JOIN registry_document d ON d.id = n.document_id
            LEFT JOIN registry_needtoknowgrant g ON n.action = 'grant.create' AND g.id = n.a
            ORDER BY n.at, n.action, n.a
        """
        seq, prev = self._chain_head()
        key_id = audit.current_key_id()
        written = 0
        buffer = io.StringIO()
        with connection.connection.cursor(name="bench_chain") as events, connection.cursor() as copy:
            events.itersize = 50_000
            events.execute(query)
            for at, actor_id, action, document_id, a, b, *facts in events:
                seq += 1
                details = canonical_details(action, a, b, *facts)
                digest = chain_hash(seq=seq, at=at, actor_id=actor_id, action=action, document_id=document_id,
                                    details=details, prev_hash=prev)
                buffer.write(f"{seq}\t{seq}\t{at.isoformat()}\t{_copy_value(actor_id)}\t{action}\t"
                             f"{_copy_value(document_id)}\t{_copy_value(details)}\t{prev}\t{digest}\t{key_id}\n")
                prev = digest
                written += 1
                if written % 100_000 == 0:
                    self._copy(copy, buffer)
                    buffer = io.StringIO()
            self._copy(copy, buffer)
        self.built.counts["events"] = written

    def _chain_head(self) -> tuple[int, str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT seq, hash FROM registry_auditevent ORDER BY seq DESC LIMIT 1")
            row = cursor.fetchone()
        return (row[0], row[1]) if row else (0, GENESIS_HASH)

    @staticmethod
    def _copy(cursor, buffer: io.StringIO) -> None:
        buffer.seek(0)
        cursor.copy_expert(
            "COPY registry_auditevent (id, seq, at, actor_id, action, document_id, details, prev_hash, hash, key_id) "
            "FROM STDIN",
            buffer,
        )

    def sequences(self) -> None:
        for table in ("registry_unit", "registry_user", "registry_document", "registry_auditevent",
                      "registry_needtoknowgrant", "registry_documentuserobjectpermission", "registry_handlingstep",
                      "registry_documentcopy", "registry_copycustody", "registry_loan", "registry_dispatch",
                      "registry_storagelocation", "registry_registrationcounter", "registry_user_groups"):
            self.sql(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
            )


def now_expr() -> str:
    return "%(now)s::timestamptz"


def designated_id(designated: dict[str, str], role: str) -> str:
    name = DESIGNATED[role]
    return next(pid for pid, username in designated.items() if username == name)


def _copy_value(value) -> str:
    """A value in COPY's text format."""
    if value is None:
        return "\\N"
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def canonical_details(action: str, a, b, number, level, direction, unit, handling_unit, basis, reason, expires) -> str:
    """The details an event of ``action`` carries, as the services write them (canonical JSON)."""
    if action == "document.register":
        value = {"number": number, "level": level, "direction": direction, "unit": unit}
    elif action == "document.open":
        value = {"handling_unit": handling_unit, "instruction_length": 6}
    elif action == "document.route":
        value = {"handler": b}
    elif action == "document.sign_for":
        value = {"previous_custodian": None}
    elif action == "document.cancel":
        value = {"reason": "誤登"}
    elif action == "grant.create":
        value = {"grant": a, "user": b, "basis": basis, "reason": reason,
                 "expires_at": expires.isoformat() if expires else None}
    else:
        value = {}
    return audit.canonical_json(value)


def build(shape: Shape, *, out: Callable[[str], None] = lambda _line: None) -> Built:
    """Build the office of ``shape`` into the (empty, migrated) database of ``connection``."""
    return _Builder(shape, out).run()


# --- the invariants ---------------------------------------------------------------------------------


@dataclass
class Invariants:
    guardian_rows: int
    guardian_mismatches: int
    numbers: int
    number_gaps: int
    counters_off: int
    handler_grants: int
    handler_permissions: int
    chain_whole: bool | None = None
    chain_events: int | None = None

    @property
    def hold(self) -> bool:
        return (
            self.guardian_mismatches == 0
            and self.number_gaps == 0
            and self.counters_off == 0
            and self.chain_whole is not False
        )


def check(*, verify_chain: bool = True) -> Invariants:
    """The services' invariants, checked in the database: guardian mirrors the live grants,
    numbers are gapless per year and series and the counters agree, the chain verifies."""

    def scalar(statement, params=None):
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
            return cursor.fetchone()[0]

    now = timezone.now()
    expected = """
        SELECT user_id, document_id, CASE WHEN bool_or(expires_at IS NULL) THEN NULL ELSE max(expires_at) END
        FROM registry_needtoknowgrant
        WHERE ended_at IS NULL AND (expires_at IS NULL OR expires_at > %(now)s)
        GROUP BY user_id, document_id
    """
    actual = """
        SELECT user_id, content_object_id, expires_at FROM registry_documentuserobjectpermission
        WHERE expires_at IS NULL OR expires_at > %(now)s
    """
    mismatches = scalar(
        f"SELECT (SELECT count(*) FROM (({expected}) EXCEPT ({actual})) a) + "
        f"(SELECT count(*) FROM (({actual}) EXCEPT ({expected})) b)",
        {"now": now},
    )
    gaps = scalar(
        """SELECT count(*) FROM (SELECT reg_year, reg_series FROM registry_document GROUP BY reg_year, reg_series
           HAVING count(*) <> max(reg_serial) OR min(reg_serial) <> 1 OR count(DISTINCT reg_serial) <> count(*)) g"""
    )
    counters = scalar(
        """SELECT count(*) FROM registry_registrationcounter c
           FULL JOIN (SELECT reg_year, reg_series, max(reg_serial) AS m FROM registry_document
                      GROUP BY reg_year, reg_series) d ON d.reg_year = c.year AND d.reg_series = c.series
           WHERE c.last IS DISTINCT FROM d.m"""
    )
    handler = DESIGNATED["handler"]
    result = Invariants(
        guardian_rows=scalar("SELECT count(*) FROM registry_documentuserobjectpermission"),
        guardian_mismatches=mismatches,
        numbers=scalar("SELECT count(*) FROM registry_document"),
        number_gaps=gaps,
        counters_off=counters,
        handler_grants=scalar(
            "SELECT count(*) FROM registry_needtoknowgrant g JOIN registry_user u ON u.id = g.user_id "
            "WHERE u.username = %s AND g.ended_at IS NULL",
            [handler],
        ),
        handler_permissions=scalar(
            "SELECT count(*) FROM registry_documentuserobjectpermission p JOIN registry_user u ON u.id = p.user_id "
            "WHERE u.username = %s",
            [handler],
        ),
    )
    if verify_chain:
        report = audit.verify_chain()
        result.chain_whole, result.chain_events = report.whole, report.checked
    return result
