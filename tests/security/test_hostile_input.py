"""Hostile input to every form: over-long text, control characters (NUL included), bidirectional
marks, SQL and script fragments, template syntax, full-width digits, wrong and out-of-range ROC
dates, wrong ids, and ``next`` addresses pointing elsewhere.

Each form is posted (the filters are asked by GET) as the person entitled to use it, so the input
reaches the form and the service rather than stopping at the door. For every example:

* no 500: the request raises nothing (the test client re-raises a view's exception) and the status
  is not 500;
* a refusal writes no row: unless the action succeeded (a redirect carrying a success message),
  every row of every registry table is as it was, and the only audit events written are refusals;
* no redirect leaves the site, whatever ``next`` said.

``test_the_worst_values_in_every_text_field`` tries, without chance, a NUL and a 5000-character
text in every text field of every form. Runtime is kept down by few examples per form and no
shrinking (the first failing example is reported as drawn).

Every example runs in a savepoint that is rolled back, so each one starts from the same world
(``tests/security/conftest.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import quote, urlsplit

import pytest
from django.apps import apps
from django.contrib.messages import constants as message_levels
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from classification import Level, TransitMethod, format_roc
from registry.models import AuditAction, AuditEvent
from tests.security.conftest import World, rolled_back
from tests.support import head_seq

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=20,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    # No shrinking: each step is a request against the database, and the first failing example
    # already names the field and the value.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)
# Where the space to search is small (a few hostile ids, one ``next`` field).
FUZZ_FEW = settings(FUZZ, max_examples=8)

# --- hostile values -------------------------------------------------------------------------------

FRAGMENTS = [
    "' OR 1=1 --",
    "'; DROP TABLE registry_document; --",
    '" OR ""="',
    "1; SELECT pg_sleep(0)",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "{{ 7*7 }}",
    "{% debug %}",
    "${7*7}",
    "%(number)s %s %d",
    "\x00",
    "機密\x00文書",
    "\x1b[31m\x07\x08",
    "\r\nSet-Cookie: a=b",
    "\u202e\u200f\u200e\u2066",  # right-to-left override, marks and isolates
    "\ufeff\u200b",  # byte-order mark, zero-width space
    "１２３４５６７８９０",  # full-width digits
    "𠀋𡃁𪚥",  # outside the Basic Multilingual Plane
    "../../../../etc/passwd",
    "%00%0d%0a",
    " ",
    "",
]

# Any text but lone surrogates (which cannot even be encoded into a request).
any_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60)
control_text = st.text(st.characters(max_codepoint=0x9F, whitelist_categories=("Cc",)), min_size=1, max_size=10)
long_text = st.sampled_from(["長", "A", "'", "<", "\u202e", "１"]).flatmap(
    lambda ch: st.integers(min_value=301, max_value=20000).map(lambda n: ch * n)
)
hostile_text = st.one_of(
    st.sampled_from(FRAGMENTS),
    any_text,
    control_text,
    long_text,
    st.lists(st.sampled_from(FRAGMENTS), min_size=2, max_size=4).map("".join),
)

BAD_DATES = [
    "115/13/40",
    "0/1/1",
    "999年1月1日",
    "2026-02-30",
    "",
    "115/02/29",
    "114/2/29",
    "201/1/1",
    "-1/1/1",
    "115年",
    "0001-01-01",
    "1911-12-31",
    "9999-12-31",
    "2112-01-01",
    "１１５／１３／１",
    "115/1/1/1",
    "115/1-1",
    "民國115年13月1日",
    "115.1.32",
    "1e3/1/1",
    "115\x00/1/1",
    "115/1/1\u202e",
]
bad_date = st.one_of(st.sampled_from(BAD_DATES), hostile_text)

WRONG_IDS = [
    "0",
    "-1",
    "99999999999999999999",
    "9223372036854775808",
    "9223372036854775807",
    "2147483648",
    "abc",
    "1.5",
    "1e3",
    "０１",
    "1 OR 1=1",
    "",
    "\x00",
    "[]",
]
wrong_id = st.one_of(st.sampled_from(WRONG_IDS), st.integers().map(str), hostile_text)
wrong_int = st.one_of(
    st.sampled_from(["0", "-1", "201", "100001", "99999999999999999999", "1.5", "1e3", "NaN", "１２", ""]),
    st.integers().map(str),
    hostile_text,
)

# Where a form's ``next`` may try to send the person after the action.
NEXTS = [
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "\\\\evil.example",
    "http:evil.example",
    "javascript:alert(1)",
    " https://evil.example/",
    "/\r\nLocation: https://evil.example/",
    "/documents/1/",
    "",
]
hostile_next = st.one_of(st.sampled_from(NEXTS), hostile_text)
# The ones that look like an address (a "/" or a "."); every other text is tried on its own in
# ``test_hostile_next``, so one wrong answer to ``next`` does not hide what the fields do.
addressy_next = st.sampled_from([n for n in NEXTS if "/" in n or "." in n])


# --- the forms ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    kind: str  # text, date, id, ids, int, choice, bool
    valid: Callable[[World], object]
    choices: tuple = ()


def text(value: str) -> Field:
    return Field("text", lambda w: value)


def date_field(days_from_today: int = 0) -> Field:
    return Field("date", lambda w: format_roc(timezone.localdate() + timedelta(days=days_from_today)))


def choice(valid: str, *others: str) -> Field:
    return Field("choice", lambda w: valid, (valid, *others))


# The ticked box that confirms an irreversible action.
CONFIRM = Field("bool", lambda w: "on")


def field_strategy(spec: Field, world: World):
    valid = spec.valid(world)
    if spec.kind == "text":
        hostile = hostile_text
    elif spec.kind == "date":
        hostile = bad_date
    elif spec.kind in ("id", "ids"):
        hostile = wrong_id
    elif spec.kind == "int":
        hostile = wrong_int
    elif spec.kind == "choice":
        hostile = st.one_of(st.sampled_from(spec.choices), hostile_text)
    elif spec.kind == "time":
        hostile = st.one_of(
            st.sampled_from(["25:00", "14:60", "-1:00", "14", "14:30:00", "１４：３０", "2pm", "", "\x00"]), hostile_text
        )
    elif spec.kind == "bool":
        hostile = st.sampled_from(["on", "", "off", "0", "false", "\x00", "on\x00"])
    else:  # pragma: no cover - a typo in the table
        raise AssertionError(spec.kind)
    if spec.kind == "ids":
        member = st.one_of(st.just(valid[0]), hostile) if valid else hostile
        return st.one_of(st.just(valid), st.lists(member, max_size=4))
    return st.one_of(st.just(valid), hostile)


@dataclass(frozen=True)
class Form:
    """One form: its URL, who is entitled to use it, its fields with a valid value each."""

    url_name: str
    actor: str | None  # a matrix role; None for the anonymous visitor
    fields: dict[str, Field] = field(default_factory=dict)
    kwargs: Callable[[World], dict] | None = None
    method: str = "POST"
    takes_next: bool = True  # the action forms honour ``next``
    may_write: frozenset = frozenset()  # audit events besides refusals a refused request may write

    def url(self, world: World) -> str:
        return reverse(self.url_name, kwargs=self.kwargs(world) if self.kwargs else None)


def doc(state: str):
    return lambda w: {"pk": w.known.docs[state].pk}


def item(attribute: str, state: str = "handling"):
    return lambda w: {"pk": w.known.docs[state].pk, "item": getattr(w.known, attribute).pk}


def meeting(which: str):
    return lambda w: {"pk": getattr(w.known, which).pk}


LEVELS = tuple(str(int(level)) for level in Level)

FORMS = [
    Form(
        "registry:document_register",
        "clerk",
        {
            "direction": choice("in", "out", "internal"),
            "subject": text("敵情研判報告"),
            "level": choice(str(int(Level.CONFIDENTIAL)), *LEVELS),
            "marking_position": choice("top_left", "top_right", "each_page"),
            "sender": text("國防部"),
            "sender_ref": text("國密字第1150000001號"),
            "received_on": date_field(-1),
            "original_agency": text("國防部"),
            "approving_official": text("王部長"),
            "approval_date": date_field(-30),
            "protection_years": Field("int", lambda w: "5"),
            "declass_kind": choice("", "date", "event", "other"),
            "declass_date": date_field(365),
            "declass_event": text("公布"),
            "declass_other": text("其他條件"),
            "authorization_ref": text("國密授字第1150000001號"),
            "authorization_by": text("國防部"),
            "authorization_scope": text("全案"),
            "pages": Field("int", lambda w: "3"),
            "attachments": Field("int", lambda w: "0"),
            "attachment_note": text("附件一份"),
            "copies_count": Field("int", lambda w: "1"),
            "responsible_unit": Field("id", lambda w: str(w.units["handling"].pk)),
            "urgency": choice("normal", "urgent", "most_urgent"),
            "sender_dated_on": date_field(-3),
            "due_on": date_field(10),
            "addressee": text("國防部"),
            "issue_ref": text("府授秘字第1150000123號"),
            "issued_on": date_field(-1),
        },
        takes_next=False,
    ),
    Form(
        "registry:document_open",
        "supervisor",
        {"instruction": text("請機要科辦理"), "handling_unit": Field("id", lambda w: str(w.units["handling"].pk))},
        doc("registered"),
    ),
    Form(
        "registry:document_route",
        "clerk",
        {"handler": Field("id", lambda w: str(w.people["handler"].pk)), "note": text("請辦")},
        doc("opened"),
    ),
    Form("registry:document_sign_for", "handler", {"note": text("已簽收")}, doc("routed")),
    Form("registry:document_begin_handling", "handler", {}, doc("signed")),
    Form("registry:document_cancel", "clerk", {"reason": text("誤登"), "confirm": CONFIRM}, doc("registered")),
    Form(
        "registry:distribution_request",
        "handler",
        {"recipients": Field("ids", lambda w: [str(w.helpers["reader"].pk)]), "reason": text("會辦")},
        doc("handling"),
    ),
    Form(
        "registry:distribution_decide",
        "supervisor",
        {"decision": choice("approve", "refuse"), "reason": text("同意"), "until": date_field(30)},
        item("pending_recipient"),
    ),
    Form("registry:copy_recall", "supervisor", {"reason": text("結案收回")}, doc("handling")),
    Form("registry:copy_sign_for", "norole", {}, item("copy")),
    Form(
        "registry:copy_pass",
        "norole",
        {"to_user": Field("id", lambda w: str(w.known.knower.pk)), "note": text("移交")},
        item("copy"),
    ),
    Form("registry:copy_return", "handler", {"note": text("繳回")}, item("copy")),
    Form(
        "registry:reproduction_request",
        "handler",
        {"kind": choice("copy", "publish"), "reason": text("會議")},
        doc("handling"),
    ),
    Form(
        "registry:reproduction_decide",
        "supervisor",
        {"decision": choice("approve", "refuse"), "reason": text("同意")},
        item("reproduction"),
    ),
    Form("registry:grant_revoke", "supervisor", {"reason": text("調離"), "confirm": CONFIRM}, item("grant")),
    Form(
        "registry:dispatch_record",
        "clerk",
        {
            "recipient": text("國防部"),
            "address": text("臺北市中山區北安路409號"),
            "method": choice(TransitMethod.DOUBLE_REGISTERED.value, *(m.value for m in TransitMethod)),
            "registered_no": text("A123456"),
            "carrier": text("承辦張"),
            "inner_sealed": Field("bool", lambda w: "on"),
        },
        doc("handling"),
    ),
    Form(
        "registry:dispatch_receipt",
        "clerk",
        {"received_on": date_field(0), "receipt_by": text("王"), "discrepancy": text("")},
        item("dispatch"),
    ),
    # Classified meetings (the known side's, run by the supervisor).
    Form(
        "registry:meeting_register",
        "supervisor",
        {
            "subject": text("國土安全會議"),
            "level": choice(str(int(Level.CONFIDENTIAL)), *LEVELS),
            "starts_on": date_field(1),
            "starts_time": Field("time", lambda w: "14:00"),
            "place": text("第一會議室"),
            "chair": Field("id", lambda w: str(w.people["supervisor"].pk)),
        },
        takes_next=False,
    ),
    Form(
        "registry:meeting_venue_check",
        "supervisor",
        {
            # Today at midnight: a moment past at any hour (a check in the future is refused).
            "checked_on": date_field(0),
            "checked_time": Field("time", lambda w: "00:00"),
            "no_eavesdropping": Field("bool", lambda w: "on"),
            "no_recording": Field("bool", lambda w: "on"),
            "note": text(""),
        },
        meeting("planned"),
    ),
    Form(
        "registry:meeting_attendee_propose",
        "supervisor",
        {"person": Field("id", lambda w: str(w.helpers["borrower"].pk)), "reason": text("業務相關")},
        meeting("planned"),
    ),
    Form("registry:meeting_publication_request", "norole", {"text": text("會議結論")}, meeting("held")),
    Form(
        "registry:meeting_minutes_distribute",
        "supervisor",
        {"recipients": Field("ids", lambda w: [str(w.helpers["reader"].pk)]), "reason": text("與會單位")},
        meeting("held"),
    ),
    # The later life.
    Form(
        "registry:archive_receive",
        "archivist",
        {
            "location": Field("id", lambda w: str(w.location.pk)),
            "retention_years": choice("1", "permanent", "3", "30"),
            "class_number": text("A-1"),
        },
        doc("to_archive"),
    ),
    Form("registry:loan_request", "norole", {"reason": text("查考")}, doc("archived")),
    Form(
        "registry:loan_decide",
        "supervisor",
        {"decision": choice("approve", "refuse"), "reason": text("同意"), "due_on": date_field(7)},
        item("requested_loan", "archived"),
    ),
    Form(
        "registry:declass_event",
        "archivist",
        {"happened_on": date_field(0), "note": text("已公布")},
        doc("later"),
    ),
    Form(
        "registry:reclassify",
        "supervisor",
        {
            "kind": choice("declassify", "downgrade", "upgrade"),
            "new_level": choice("", *LEVELS),
            "new_protection_years": Field("int", lambda w: ""),
            "reason": text("已公布"),
            "authority": text("國防部函"),
            # The document is 國防部's: its change is recorded with 國防部's decision (§10).
            "agency": text("國防部"),
            "agency_decided_on": date_field(-1),
            "agency_ref": text("國密字第1150000042號"),
            "confirm": CONFIRM,
        },
        doc("later"),
    ),
    Form("registry:notice_told", "supervisor", {"method": text("電話通知")}, item("notice", "later")),
    Form(
        "registry:destruction_new",
        "archivist",
        {"documents": Field("ids", lambda w: [str(w.known.docs["listable"].pk)]), "note": text("屆期")},
        takes_next=False,
    ),
    Form(
        "registry:destruction_record",
        "ethics",
        {
            "destroyed_by": Field("id", lambda w: str(w.people["archivist"].pk)),
            "witness": Field("id", lambda w: str(w.people["ethics"].pk)),
            "method": choice("shred", "burn", "pulp", "crush"),
            "destroyed_on": date_field(0),
            "confirm": CONFIRM,
        },
        lambda w: {"pk": w.known.approved_list.pk},
        takes_next=False,
    ),
    Form(
        "registry:party_request_new",
        "clerk",
        {
            "applicant": text("林當事人"),
            "applicant_kind": choice("party", "interested"),
            "applicant_address": text("臺中市西屯區"),
            "files_described": text("訴願案卷"),
            "document_number": Field("text", lambda w: w.known.docs["handling"].number),
            "legal_interest": text("主張權利"),
            "wants_read": Field("bool", lambda w: "on"),
            "received_on": date_field(0),
        },
        takes_next=False,
    ),
    Form(
        "registry:party_request_decide",
        "supervisor",
        {
            "decision": choice("approved", "partial", "refused"),
            "grounds": Field("ids", lambda w: []),
            "reasons": text("無第46條情形"),
            "conditions": text(""),
            "released_part": text(""),
            "release_basis": text("所示部分已無保密必要"),
        },
        lambda w: {"pk": w.known.pending_party_request.pk},
        takes_next=False,
    ),
    Form(
        "registry:party_reading",
        "clerk",
        {
            "read_on": date_field(0),
            "supervised_by": Field("id", lambda w: str(w.people["supervisor"].pk)),
            "note": text(""),
        },
        lambda w: {"pk": w.known.party_request.pk},
        takes_next=False,
    ),
    # The filters, by GET query string.
    Form(
        "registry:register",
        "clerk",
        {
            "number": text("115收"),
            "level": choice("", *LEVELS),
            "state": choice("", "registered", "handling", "cancelled"),
            "unit": Field("id", lambda w: str(w.units["receiving"].pk)),
            "registered_from": date_field(-10),
            "registered_to": date_field(0),
            # A page's key, as the register's links carry it; anything else shows the first page.
            "after": text(""),
            "before": text(""),
        },
        method="GET",
        takes_next=False,
    ),
    Form(
        "registry:audit_search",
        "ethics",
        {
            "person": text("s-clerk"),
            "unit": Field("id", lambda w: str(w.units["receiving"].pk)),
            "number": text("115收"),
            "action": choice("", "document_register", "access_denied"),
            "level": choice("", *LEVELS),
            "date_from": date_field(-10),
            "date_to": date_field(0),
            "page": Field("int", lambda w: "1"),
            "format": choice("", "csv"),
        },
        method="GET",
        takes_next=False,
    ),
    Form(
        "registry:review_report",
        "supervisor",
        {"date_from": date_field(-10), "date_to": date_field(0), "page": Field("int", lambda w: "1")},
        lambda w: {"report": "refused"},
        method="GET",
        takes_next=False,
    ),
    Form(
        "registry:review_people",
        "supervisor",
        {"q": text("承辦"), "page": Field("int", lambda w: "1")},
        method="GET",
        takes_next=False,
    ),
    Form(
        "registry:review_person",
        "ethics",
        {"date_from": date_field(-10), "date_to": date_field(0), "page": Field("int", lambda w: "1")},
        lambda w: {"user_id": w.people["handler"].pk},
        method="GET",
        takes_next=False,
    ),
    # Log-in and the language switch, for the anonymous visitor.
    Form(
        "login",
        None,
        {"username": text("s-norole"), "password": text("wrong-password")},
        may_write=frozenset({AuditAction.AUTH_LOGIN_FAILED}),
    ),
    Form("set_language", None, {"language": choice("en", "zh-hant")}),
]

# What a GET filter may write: the search's own record, and nothing else.
READ_EVENTS = {AuditAction.AUDIT_SEARCH, AuditAction.ACCESS_DENIED}
REFUSAL_EVENTS = {AuditAction.ACCESS_DENIED, AuditAction.ACTION_REFUSED}
# A refused action shown again on the document's page (400) is also a read of that page.
SHOWN_AGAIN = {AuditAction.DOCUMENT_VIEW, AuditAction.DOCUMENT_TRAIL_VIEW}


def refusal_events(response) -> set:
    """What a refusal may write: the refusal, and the read of the page it is shown on again."""
    return REFUSAL_EVENTS | (SHOWN_AGAIN if response.status_code == 400 else set())


# --- what must hold -------------------------------------------------------------------------------


def _fingerprint_sql() -> str:
    """One query that hashes every row of every registry table but the audit chain (which
    refusals do write), many-to-many tables included."""
    parts = []
    for model in apps.get_app_config("registry").get_models(include_auto_created=True):
        if model is AuditEvent:
            continue
        table, pk = model._meta.db_table, model._meta.pk.column
        parts.append(f'(SELECT md5(coalesce(string_agg(t::text, \'|\' ORDER BY t."{pk}"), \'\')) FROM "{table}" t)')
    return "SELECT " + ", ".join(parts)


def registry_rows() -> tuple:
    """A fingerprint of every row the registry keeps outside the audit chain."""
    with connection.cursor() as cursor:
        cursor.execute(_fingerprint_sql())
        return cursor.fetchone()


def succeeded(response) -> bool:
    storage = getattr(response.wsgi_request, "_messages", None)
    queued = getattr(storage, "_queued_messages", [])
    return response.status_code == 302 and any(m.level == message_levels.SUCCESS for m in queued)


def assert_stays_on_site(response) -> None:
    if response.status_code not in (301, 302, 303, 307, 308):
        return
    location = response["Location"]
    parts = urlsplit(location)
    assert parts.scheme in ("", "http", "https"), location
    assert parts.netloc in ("", "testserver"), location
    assert not location.startswith(("//", "/\\", "\\")), location
    assert "\n" not in location and "\r" not in location, location


def send(client, world: World, form: Form, data: dict, path: str | None = None):
    """Ask once as the form's person; return the response, the new audit actions and whether any
    registry row changed. Everything it wrote is rolled back."""
    url = path or form.url(world)
    with rolled_back():
        before, seq = registry_rows(), head_seq()
        if form.method == "GET":
            response = client.get(url, data)
        else:
            response = client.post(url, data)
        written = set(AuditEvent.objects.filter(seq__gt=seq).values_list("action", flat=True))
        changed = registry_rows() != before
    assert response.status_code != 500
    return response, written, changed


def log_in(client, world: World, form: Form) -> None:
    client.logout()
    if form.actor:
        client.force_login(world.people[form.actor])


@pytest.fixture
def as_actor(client, sec_world, form):
    """The client, logged in once (not once per example) as the person entitled to the form."""
    log_in(client, sec_world, form)
    return client


# --- the tests ------------------------------------------------------------------------------------


@pytest.mark.parametrize("form", FORMS, ids=[f.url_name for f in FORMS])
@FUZZ
@given(data=st.data())
def test_hostile_form_input(as_actor, sec_world, form, data):
    fields = {name: data.draw(field_strategy(spec, sec_world), label=name) for name, spec in form.fields.items()}
    if form.takes_next:
        fields["next"] = data.draw(addressy_next, label="next")
    if data.draw(st.booleans(), label="extra field"):
        fields[data.draw(st.sampled_from(["csrfmiddlewaretoken", "pk", "id", "actor", "state", "\x00"]))] = data.draw(
            hostile_text, label="extra value"
        )

    response, written, changed = send(as_actor, sec_world, form, fields)

    assert_stays_on_site(response)
    if form.method == "GET":
        assert response.status_code in (200, 302, 400), response.status_code
        assert not changed
        assert written <= READ_EVENTS
    elif not succeeded(response):
        assert not changed, f"refused ({response.status_code}) but rows changed"
        assert written <= refusal_events(response) | form.may_write, written


NEXT_FORMS = [f for f in FORMS if f.takes_next]


@pytest.mark.parametrize("form", NEXT_FORMS, ids=[f.url_name for f in NEXT_FORMS])
@FUZZ_FEW
@example(target="' OR 1=1 --")
@example(target="registry:dashboard")
@given(target=hostile_next)
def test_hostile_next(as_actor, sec_world, form, target):
    """Where to go after the form (``next``): any text at all, after a valid form (the action is
    done) and after an empty one (the form is refused). The person lands on the site, never
    elsewhere and never on a 500; a refusal writes nothing."""
    valid = {name: spec.valid(sec_world) for name, spec in form.fields.items()}
    for values in (valid, {}):
        response, written, changed = send(as_actor, sec_world, form, {**values, "next": target})

        assert_stays_on_site(response)
        if not succeeded(response):
            assert not changed
            assert written <= refusal_events(response) | form.may_write, written


# The values PostgreSQL and the column sizes are most likely to turn into a 500 when a form lets
# them through: a NUL (PostgreSQL refuses it in text), and text far longer than any column.
WORST = {"nul": "機密\x00文書", "overlong": "長" * 5000}


@pytest.mark.parametrize(
    "form, field",
    [(f, name) for f in FORMS for name, spec in f.fields.items() if spec.kind in ("text", "date", "time")],
    ids=lambda value: value.url_name if isinstance(value, Form) else value,
)
def test_the_worst_values_in_every_text_field(as_actor, sec_world, form, field):
    """Every text field of every form, once with a NUL and once far too long (the rest valid): a
    refusal, never a 500, and nothing written."""
    for worst in WORST.values():
        values = {name: spec.valid(sec_world) for name, spec in form.fields.items()}
        values[field] = worst
        response, written, changed = send(as_actor, sec_world, form, values)
        assert not succeeded(response), (field, response.status_code)
        assert not changed
        assert written <= (READ_EVENTS if form.method == "GET" else refusal_events(response) | form.may_write), written


def test_the_valid_values_succeed(client, sec_world):
    """The fuzzing starts from input that works: each action form succeeds with its valid values
    (so a refusal in the fuzz run is the hostile value's doing, not a broken baseline)."""
    for form in FORMS:
        if form.method != "POST" or form.actor is None:
            continue
        log_in(client, sec_world, form)
        values = {name: spec.valid(sec_world) for name, spec in form.fields.items()}
        response, _written, changed = send(client, sec_world, form, values)
        assert succeeded(response), (form.url_name, response.status_code)
        assert changed, form.url_name


# Action URLs whose path names rows, with the form of the person entitled to use them.
PATH_FORMS = [f for f in FORMS if f.kwargs is not None]
SENTINEL = 987654321


@pytest.mark.parametrize("form", PATH_FORMS, ids=[f.url_name for f in PATH_FORMS])
@FUZZ_FEW
@given(data=st.data())
def test_wrong_ids_in_the_path(as_actor, sec_world, form, data):
    """A wrong document or row id in the address (zero, negative, beyond bigint, not a number):
    a 404 and nothing written but the refusal."""
    kwargs = form.kwargs(sec_world)
    target = data.draw(st.sampled_from(sorted(kwargs)), label="which id")
    # No number that could be a real row's: zero and below, or beyond any row this world has.
    numbers = st.one_of(st.integers(max_value=0), st.integers(min_value=10**6))
    bad = data.draw(st.one_of(st.sampled_from(WRONG_IDS), numbers.map(str)), label="id")
    path = reverse(form.url_name, kwargs={**kwargs, target: SENTINEL}).replace(str(SENTINEL), quote(bad, safe=""))
    values = {name: spec.valid(sec_world) for name, spec in form.fields.items()}

    response, written, changed = send(as_actor, sec_world, form, values, path=path)

    assert response.status_code == 404
    assert not changed
    assert written <= REFUSAL_EVENTS


@FUZZ
@given(copy=st.one_of(st.sampled_from(WRONG_IDS), wrong_id))
def test_hostile_copy_number_on_the_cover_sheet(client, sec_world, copy):
    """``?copy=`` of the cover sheet: a PDF, a 400 that says what is expected, or a 404."""
    client.force_login(sec_world.people["handler"])
    url = reverse("print:cover_sheet", kwargs={"pk": sec_world.known.docs["handling"].pk})
    with rolled_back():
        before = registry_rows()
        response = client.get(url, {"copy": copy})
        assert registry_rows() == before
    assert response.status_code in (200, 400, 404)


@FUZZ
@example(day="9999-12-31")
@given(day=st.one_of(st.sampled_from([*BAD_DATES, "2026-13-01", "0000-00-00", "10000-01-01"]), hostile_text))
def test_hostile_day_of_the_dispatch_list(client, sec_world, day):
    """The day of the dispatch list is free text in the address: a PDF or a 400, never a 500."""
    client.force_login(sec_world.people["clerk"])
    path = reverse("print:dispatch_list", kwargs={"day": "DAY"}).replace("DAY", quote(day, safe=""))
    with rolled_back():
        before = registry_rows()
        response = client.get(path)
        assert registry_rows() == before
    assert response.status_code in (200, 400, 404)


@pytest.mark.parametrize(
    "who, url_name, kwargs, query",
    [
        ("clerk", "print:dispatch_list", {"day": "9999-12-31"}, {}),
        ("ethics", "print:inspection_report", {}, {"from": "9999-12-31", "to": "9999-12-31"}),
        ("ethics", "print:inspection_report", {}, {"to": "9999-12-31"}),
        ("ethics", "print:inspection_report", {}, {"from": "1912-01-01", "to": "1912-01-01"}),
    ],
    ids=["dispatch-list-9999-12-31", "inspection-9999-12-31", "inspection-to-9999-12-31", "inspection-1912-01-01"],
)
def test_the_ends_of_the_calendar_in_printed_forms(client, sec_world, who, url_name, kwargs, query):
    """The days the printed forms take as ISO text, at the ends of what ``date`` holds: the day
    after 9999-12-31 does not exist, so a form that asks for it must refuse (400), not fail."""
    client.force_login(sec_world.people[who])
    with rolled_back():
        response = client.get(reverse(url_name, kwargs=kwargs or None), query)
    assert response.status_code in (200, 400)
