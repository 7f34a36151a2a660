"""What the scale benchmark measures on the built offices, side by side and interleaved.

Pages are measured through their URLs with Django's test client (no view internals), as the
designated people of each office, logged in with the second step passed. For every list page the
SQL it ran is captured once: its COUNT and page queries are timed alone, shown with
``EXPLAIN (ANALYZE, BUFFERS)`` in ``--explain`` mode, and compared with the hand-written
reference below (a UNION of indexed lookups: grants by person, custody, routing, unit). Every
measure is taken at each size in turn, round after round, and the median kept, so a busy machine
slows both sides alike; only the ratios are meant to be compared.
"""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from classification import DeclassKind, Level
from registry.bench import databases, dataset

PEOPLE = ("handler", "clerk", "supervisor", "archivist", "ethics")


@dataclass
class Office:
    label: str
    documents: int
    name: str
    wrapper: object
    people: dict = field(default_factory=dict)
    clients: dict = field(default_factory=dict)


def open_office(label: str, documents: int, name: str) -> Office:
    office = Office(label, documents, name, databases.wrapper_for(name))
    from django_otp import DEVICE_ID_SESSION_KEY

    from registry.auth.otp import confirmed_device, needs_second_factor
    from registry.models import User

    with databases.using(office.wrapper):
        for role in PEOPLE:
            person = User.objects.select_related("unit").get(username=dataset.DESIGNATED[role])
            client = Client(HTTP_HOST="localhost")
            client.force_login(person)
            if needs_second_factor(person):
                session = client.session
                session[DEVICE_ID_SESSION_KEY] = confirmed_device(person).persistent_id
                session.save()
            office.people[role], office.clients[role] = person, client
    return office


def seconds(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def run_sql(sql: str, params=None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def explain(sql: str, params=None) -> list[str]:
    return [row[0] for row in run_sql("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)]


# --- the reference: hand-written SQL --------------------------------------------------------------


def reference_visible(person, permission_id: int) -> tuple[str, dict]:
    """The documents of a person's register as a UNION of indexed lookups (id, registered_at).

    Mirrors ``policies.register_scope`` | need-to-know: ethics officers and archivists read the
    whole register; clerks and supervisors their units' documents; clerks what they registered;
    handlers what is routed to them; everyone what they hold and what a live grant lets them know.
    """
    from registry.roles import Role

    params = {"me": person.pk, "perm": permission_id, "now": timezone.now()}
    if person.has_role(Role.ETHICS, Role.ARCHIVIST):
        return "SELECT id, registered_at FROM registry_document", params
    branches = [
        "SELECT id, registered_at FROM registry_document WHERE custodian_id = %(me)s",
        "SELECT d.id, d.registered_at FROM registry_documentuserobjectpermission p "
        "JOIN registry_document d ON d.id = p.content_object_id WHERE p.user_id = %(me)s "
        "AND p.permission_id = %(perm)s AND (p.expires_at IS NULL OR p.expires_at > %(now)s)",
    ]
    if person.unit_id and person.has_role(Role.CLERK, Role.SUPERVISOR):
        params["units"] = sorted(person.unit.descendant_ids())
        branches.append("SELECT id, registered_at FROM registry_document WHERE responsible_unit_id = ANY(%(units)s)")
    if person.has_role(Role.CLERK):
        branches.append("SELECT id, registered_at FROM registry_document WHERE registered_by_id = %(me)s")
    if person.has_role(Role.HANDLER):
        branches.append("SELECT id, registered_at FROM registry_document WHERE routed_to_id = %(me)s")
    return " UNION ".join(branches), params


def reference_queries(person, permission_id: int, total: int, page_size: int) -> dict[str, tuple[str, dict]]:
    """count, first, middle and last page of the register, the way the best hand-written SQL gets them:
    the deep pages by keyset (the row before the page, as a keyset link would carry it)."""
    visible, params = reference_visible(person, permission_id)
    whole = visible == "SELECT id, registered_at FROM registry_document"
    row = "SELECT d.* FROM registry_document d"
    queries = {"count": (f"SELECT count(*) FROM ({visible}) v", params)}

    def narrow_first(where: str = "", order: str = "DESC", limit: int = page_size) -> str:
        # The page's keys from the narrow union first, then the 25 rows themselves.
        return (
            f"{row} JOIN (SELECT id, registered_at FROM ({visible}) v {where} "
            f"ORDER BY registered_at {order}, id {order} LIMIT {limit}) top ON top.id = d.id "
            f"ORDER BY top.registered_at {order}, top.id {order}"
        )

    if whole:
        queries["first"] = (f"{row} ORDER BY registered_at DESC, id DESC LIMIT {page_size}", params)
    else:
        queries["first"] = (narrow_first(), params)
    pages = max(1, -(-total // page_size))
    middle = max(1, pages // 2)
    boundary = None
    if middle > 1:
        found = run_sql(
            f"SELECT id, registered_at FROM ({visible}) v ORDER BY registered_at DESC, id DESC "
            f"OFFSET {(middle - 1) * page_size - 1} LIMIT 1",
            params,
        )
        boundary = found[0] if found else None
    if boundary:
        keyset = {**params, "at": boundary[1], "id": boundary[0]}
        if whole:
            queries["middle"] = (
                f"{row} WHERE (registered_at, id) < (%(at)s, %(id)s) ORDER BY registered_at DESC, id DESC "
                f"LIMIT {page_size}",
                keyset,
            )
        else:
            queries["middle"] = (narrow_first("WHERE (registered_at, id) < (%(at)s, %(id)s)"), keyset)
    else:
        queries["middle"] = queries["first"]
    last_rows = total - (pages - 1) * page_size
    if whole:
        queries["last"] = (f"{row} ORDER BY registered_at ASC, id ASC LIMIT {last_rows}", params)
    else:
        queries["last"] = (narrow_first(order="ASC", limit=last_rows), params)
    return queries


# --- the measures ---------------------------------------------------------------------------------


@dataclass
class Item:
    """One thing measured at every size: a page (through the client) or an SQL statement."""

    group: str
    name: str
    run: dict  # office label -> () -> None
    queries: dict = field(default_factory=dict)  # office label -> query count of a page
    captured: dict = field(default_factory=dict)  # office label -> [(sql, seconds)] of a page
    times: dict = field(default_factory=dict)  # office label -> [seconds]
    rows: dict = field(default_factory=dict)


def page(client: Client, url: str) -> Callable[[], None]:
    def get():
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)

    return get


def sql_runner(sql: str, params=None) -> Callable[[], None]:
    return lambda: run_sql(sql, params)


def capture(office: Office, fn: Callable[[], None]) -> tuple[int, list[tuple[str, float]]]:
    with databases.using(office.wrapper):
        # A page's request clears the query log (Django's reset_queries): start the capture at zero.
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as captured:
            fn()
        # Read while this office's connection is still the default one (the context reads through it).
        queries = [(q["sql"], float(q["time"])) for q in captured.captured_queries]
    return len(queries), queries


def register_items(offices: list[Office], page_size: int, out) -> list[Item]:
    """The register of each person: COUNT, first, middle and last page; the page SQL and the reference."""
    from registry.services.grants import view_permission

    items = []
    for role in PEOPLE:
        totals, pages_run, count_run, reference = {}, {}, {}, {}
        count_sql = {}
        for office in offices:
            client = office.clients[role]
            with databases.using(office.wrapper):
                person = office.people[role]
                permission = view_permission().pk
                _, captured = capture(office, page(client, "/register/"))
                counts = [sql for sql, _ in captured if "COUNT(" in sql.upper() and "registry_document" in sql]
                if not counts:
                    raise RuntimeError(f"the register of {role} ran no COUNT query")
                count_sql[office.label] = counts[0]
                total = run_sql(counts[0])[0][0]
                totals[office.label] = total
                reference[office.label] = reference_queries(person, permission, total, page_size)
                ref_total = run_sql(*reference[office.label]["count"])[0][0]
                if ref_total != total:
                    out(f"  WARNING: the reference count of {role} at {office.label} is {ref_total:,}, the page's {total:,}")
            last = max(1, -(-total // page_size))
            pages_run[office.label] = {
                "first": page(client, "/register/"),
                "middle": page(client, f"/register/?page={max(1, last // 2)}"),
                "last": page(client, f"/register/?page={last}"),
            }
            count_run[office.label] = sql_runner(count_sql[office.label])
        items.append(Item("register", f"{role}: count (page's SQL)", count_run, rows=totals))
        items.append(Item("reference", f"{role}: count (reference SQL)", {
            o.label: sql_runner(*reference[o.label]["count"]) for o in offices
        }, rows=totals))
        for which in ("first", "middle", "last"):
            items.append(Item("register", f"{role}: {which} page", {o.label: pages_run[o.label][which] for o in offices}))
            items.append(Item("reference", f"{role}: {which} page (reference SQL)", {
                o.label: sql_runner(*reference[o.label][which]) for o in offices
            }))
    return items


def page_items(offices: list[Office]) -> list[Item]:
    from registry.models import Document

    items = []
    documents = {}
    for office in offices:
        with databases.using(office.wrapper):
            known = Document.objects.visible_to(office.people["handler"]).order_by("pk").values_list("pk", flat=True)
            documents[office.label] = known[known.count() // 2]
    items.append(Item("page", "document page (handler)", {
        o.label: page(o.clients["handler"], f"/documents/{documents[o.label]}/") for o in offices
    }))
    items.append(Item("page", "trail (handler)", {
        o.label: page(o.clients["handler"], f"/documents/{documents[o.label]}/trail/") for o in offices
    }))
    for role in PEOPLE:
        items.append(Item("page", f"dashboard ({role})", {o.label: page(o.clients[role], "/") for o in offices}))
    items.append(Item("page", "archive (archivist)", {o.label: page(o.clients["archivist"], "/archive/") for o in offices}))
    items.append(Item("page", "declassification (archivist)", {
        o.label: page(o.clients["archivist"], "/declassification/") for o in offices
    }))
    items.append(Item("page", "review home (ethics)", {o.label: page(o.clients["ethics"], "/review/") for o in offices}))
    return items


def measure(items: list[Item], offices: list[Office], runs: int, out) -> None:
    """One warm-up round (which also counts each page's queries), then ``runs`` interleaved rounds."""
    for item in items:
        for office in offices:
            count, captured = capture(office, item.run[office.label])
            item.queries[office.label], item.captured[office.label] = count, captured
    for round_ in range(runs):
        for item in items:
            for office in offices:
                with databases.using(office.wrapper):
                    item.times.setdefault(office.label, []).append(seconds(item.run[office.label]))
        out(f"  round {round_ + 1}/{runs} done")


def median(item: Item, label: str) -> float:
    return statistics.median(item.times[label])


# --- JIT ----------------------------------------------------------------------------------------


def jit_comparison(office: Office, sql: str, runs: int) -> dict:
    """The same statement with JIT on and off (the application's connections have it off)."""
    import json

    result = {}
    with databases.using(office.wrapper), connection.cursor() as cursor:
        for setting in ("on", "off"):
            cursor.execute(f"SET jit = {setting}")
            cursor.execute(sql)
            samples = []
            for _ in range(runs):
                started = time.perf_counter()
                cursor.execute(sql)
                cursor.fetchall()
                samples.append(time.perf_counter() - started)
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
            plan = cursor.fetchone()[0]
            plan = plan if isinstance(plan, list) else json.loads(plan)
            jit = plan[0].get("JIT", {}).get("Timing", {}).get("Total")
            result[setting] = (statistics.median(samples), jit)
        cursor.execute("RESET jit")
    return result


# --- registration throughput -------------------------------------------------------------------------


def _registration(clerk, n: int) -> None:
    from registry.services.documents import document_register

    document_register(
        actor=clerk,
        direction="in",
        subject=f"效能測試登記{n}",
        level=Level.CONFIDENTIAL,
        original_agency="國防部",
        approving_official="王部長",
        approval_date=timezone.localdate() - timedelta(days=30),
        protection_years=5,
        declass_kind=DeclassKind.EVENT,
        declass_event="演習結束",
        sender="國防部",
        sender_ref=f"BENCH-REG-{n}",
        authorization_ref="國密授字第1150000001號",
        authorization_by="國防部",
    )


def _counter_step() -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT last FROM registry_registrationcounter WHERE year = 0 AND series = 'B' FOR NO KEY UPDATE")
        cursor.execute("UPDATE registry_registrationcounter SET last = last + 1 WHERE year = 0 AND series = 'B'")


def throughput(name: str, clients: int, work: str, duration: float) -> float:
    """Transactions per second of ``clients`` threads, each with its own connection, for ``duration``."""
    from registry.models import User

    done = [0] * clients
    errors: list[BaseException] = []
    start = threading.Barrier(clients + 1)
    stop_at = [0.0]

    def worker(index: int) -> None:
        wrapper = databases.wrapper_for(name)
        try:
            with databases.using(wrapper):
                clerk = User.objects.select_related("unit").get(username=dataset.DESIGNATED["clerk"])
                clerk.role_names  # noqa: B018  (loaded before the clock starts)
                start.wait()
                n = 0
                while time.perf_counter() < stop_at[0]:
                    if work == "register":
                        _registration(clerk, index * 1_000_000 + n)
                    else:
                        _counter_step()
                    n += 1
                done[index] = n
        except BaseException as error:
            errors.append(error)
            start.abort()
        finally:
            wrapper.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    stop_at[0] = time.perf_counter() + duration + 0.5
    try:
        start.wait()
    except threading.BrokenBarrierError:
        pass
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return sum(done) / (time.perf_counter() - began)


def registration_bench(template: str, levels: tuple[int, ...], rounds: int, duration: float, out) -> tuple[dict, object]:
    """Registrations and counter-row transactions per second at each number of clients, on a copy
    of ``template`` (the cached office stays as built); then the gap check on that copy."""
    name = f"{template}_reg"
    databases.drop(name)
    databases.create(name, template=template)
    results: dict[tuple[str, int], list[float]] = {}
    try:
        wrapper = databases.wrapper_for(name)
        with databases.using(wrapper):
            run_sql("INSERT INTO registry_registrationcounter (year, series, last) VALUES (0, 'B', 0)")
        for round_ in range(rounds):
            for clients in levels:
                for work in ("register", "counter"):
                    results.setdefault((work, clients), []).append(throughput(name, clients, work, duration))
            out(f"  registration round {round_ + 1}/{rounds} done")
        with databases.using(wrapper):
            run_sql("DELETE FROM registry_registrationcounter WHERE year = 0")
            invariants = dataset.check(verify_chain=True)
        wrapper.close()
    finally:
        databases.drop(name)
    return {key: statistics.median(values) for key, values in results.items()}, invariants


def verify_bench(office: Office, runs: int) -> tuple[float, int, bool]:
    from registry import audit

    samples, report = [], None
    with databases.using(office.wrapper):
        for _ in range(runs):
            started = time.perf_counter()
            report = audit.verify_chain()
            samples.append(time.perf_counter() - started)
    return statistics.median(samples), report.checked, report.whole


def page_size() -> int:
    return settings.REGISTRY_PAGE_SIZE
