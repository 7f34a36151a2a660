"""The authorization matrix: every URL of the registry × every role (and a person with no role, and
the anonymous visitor) × a document the person may know and one they may not, with the expected
answer written once, in ``EXPECTED``.

The list of URLs comes from the URL configuration itself (``get_resolver()``), so a new URL
without an entry in ``EXPECTED`` fails ``test_every_url_has_one_entry`` — and so does an entry
naming a URL that is gone. The admin site is one group: its own pages are listed by name, and the
model admins are generated from ``ADMIN_MODELS``; a new model admin (a document admin, say) has no
entry and fails.

How to read a row. Eight fields, in the order of ``COLUMNS_HEADER``::

    clerk  supervisor  handler  archivist  ethics  admin  norole  anonymous

Each of the first seven is ``K/U``: the answer when the person knows the document the URL names
(``K``), and when they do not (``U``); one value means the same for both. The anonymous visitor
asks about the known document. An answer is an HTTP status (``200``, ``404``, ``405`` …) or:

``login``        302 to the log-in page
``admin_login``  302 to the admin's log-in page
``done``         302 with a success message (the action happened; it is rolled back at once)
``refused``      302 with an error message (the service or the form refused; nothing happened)
``redirect``     302 with no message

The world (``tests/security/conftest.py``) is built once per module, through the services, and
every request runs in a savepoint that is rolled back, so each cell sees the same world. On each
side: a document in every state of the handling path and of its later life, and the rows the URLs
name (a numbered copy and its grant, a pending recipient and copying request, a dispatch, loans,
a change notice, destruction inventories, parties' requests, a planned and a held meeting with
their attendees, copies and publications). For a meeting, ``K`` is a meeting of the matrix's own
units that every matrix person attends and ``U`` another unit's; for a record that is not a
document (an inventory, a party's request) ``K`` and ``U`` name the records of the two sides.
Everyone is logged in once per module through the log-in page and, where the role needs it, the
TOTP step (``sec_sessions``).

Besides the answers, for every request: no text only people with need-to-know may read (the
unknown documents' subjects and instruction; for the anonymous visitor, any subject) appears in the
page, the PDF's or CSV's text or the messages; and every refused answer on a registry or print URL (a 404, or a
refusal shown as a message) left exactly one refusal event in the chain, and no other answer left any.

Adding a URL: write its entry with ``get=UNWRITTEN`` (and ``post=UNWRITTEN``, ``kwargs``, ``data``);
the failure prints the row observed. Read it before copying it in: an answer that lets someone in
who should not be, or a subject in the wrong page, is a bug to fix, not a row to record.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from http.cookies import SimpleCookie

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import constants as message_levels
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from classification import TransitMethod, format_roc
from registry.auth.models import SecondFactorDevice
from registry.models import (
    AuditAction,
    AuditEvent,
    Document,
    StorageLocation,
    Unit,
    User,
)
from tests.security.conftest import ROLES, World, registration, rolled_back
from tests.support import events_since, head_seq

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple"  # every person's, set by tests/security/conftest.py

COLUMNS_HEADER = (*ROLES, "anonymous")
LOGIN_PATH = "/login/"
ADMIN_LOGIN_PATH = "/admin/login/"


# --- the URL configuration ------------------------------------------------------------------------


def url_patterns(resolver=None, prefix: str = "", namespace: str | None = None):
    """Every pattern as (fully qualified name or None, route), walking includes recursively."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from url_patterns(pattern, route, inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield name, route


# --- how an entry asks ----------------------------------------------------------------------------


def _today_roc(days: int = 0) -> str:
    return format_roc(timezone.localdate() + timedelta(days=days))


def _doc(state: str):
    """kwargs naming the document of the side in ``state``."""
    return lambda world, knows: {"pk": world.variant(knows).docs[state].pk}


def _item(attribute: str, state: str = "handling"):
    """kwargs naming a document (the handling one unless told) and one of its rows (copy, grant,
    request, loan, notice …)."""

    def kwargs(world, knows):
        side = world.variant(knows)
        return {"pk": side.docs[state].pk, "item": getattr(side, attribute).pk}

    return kwargs


def _row(attribute: str):
    """kwargs naming a record of the side that is not a document (an inventory, a party's request)."""
    return lambda world, knows: {"pk": getattr(world.variant(knows), attribute).pk}


def _meeting(which: str, item: str | None = None):
    """kwargs naming the side's planned or held meeting (and one of its rows)."""

    def kwargs(world, knows):
        side = world.variant(knows)
        values = {"pk": getattr(side, which).pk}
        if item:
            values["item"] = getattr(side, item).pk
        return values

    return kwargs


def _person_kw(world, knows):
    """The handler (inside the supervisor's units) on the K side, the ethics officer on the U side."""
    return {"pk": world.people["handler" if knows else "ethics"].pk}


def _dispatch(world, knows):
    return {"pk": world.variant(knows).dispatch.pk}


@dataclass(frozen=True)
class Entry:
    """The expected answers of one URL name, and how to ask."""

    get: str
    post: str | None = None  # None: not posted (the admin)
    kwargs: Callable[[World, bool], dict] | None = None
    data: Callable[[World, bool], dict] | None = None
    query: str = ""


def row(text: str) -> dict[tuple[str, bool | None], str]:
    """Parse ``"200/404 200 …"`` (eight fields) into {(role, knows): answer}."""
    fields = text.split()
    assert len(fields) == len(COLUMNS_HEADER), f"a row has {len(COLUMNS_HEADER)} fields: {text!r}"
    answers: dict[tuple[str, bool | None], str] = {}
    for role, value in zip(ROLES, fields[:-1], strict=True):
        known, _, unknown = value.partition("/")
        answers[(role, True)] = known
        answers[(role, False)] = unknown or known
    answers[("anonymous", None)] = fields[-1]
    return answers


def render_row(answers: dict) -> str:
    parts = []
    for role in ROLES:
        k, u = answers[(role, True)], answers[(role, False)]
        parts.append(k if k == u else f"{k}/{u}")
    parts.append(answers[("anonymous", None)])
    return "  ".join(parts)


UNWRITTEN = "? ? ? ? ? ? ? ?"  # a new entry's rows before they are written (see the module's docstring)
# What every POST-only action answers to a GET: 405 to everyone logged in, log-in to the anonymous.
GET_405 = "405 405 405 405 405 405 405 login"
# A page for everyone logged in that names no document.
EVERYONE = "200 200 200 200 200 200 200 login"
# A page that takes no POST.
POST_405 = GET_405
# A printed form of one document: for the people who know it; GET only.
PRINT = "200/404 200/404 200/404 200/404 200/404 200/404 200/404 login"
PRINT_POST = GET_405

# The review pages: the ethics office and the unit supervisors; everyone else the audited 404.
REVIEW = "404 200 404 404 200 404 404 login"
REVIEW_POST = "404 405 404 404 405 404 404 login"

# The admin's own pages: the administrator (is_staff) gets them, everyone else the admin log-in.
ADMIN_PAGE = "admin_login admin_login admin_login admin_login admin_login 200 admin_login admin_login"
ADMIN_403 = "admin_login admin_login admin_login admin_login admin_login 403 admin_login admin_login"
# Model admins that exist, by the prefix of their URL names; nothing else may be in the admin.
ADMIN_MODELS = {
    "auth_group": Group,
    "registry_unit": Unit,
    "registry_user": User,
    "registry_storagelocation": StorageLocation,
    "registry_auth_secondfactordevice": SecondFactorDevice,
}
ADMIN_MODEL_VIEWS = ("changelist", "add", "history", "delete", "change")


def _admin_object(model_prefix: str):
    def kwargs(world, knows):
        obj = {
            "auth_group": lambda: Group.objects.get(name="收發人員"),
            "registry_unit": lambda: world.units["handling"],
            "registry_user": lambda: world.people["norole"],
            "registry_storagelocation": lambda: world.location,
            # The administrator's own device, made when the matrix logged them in.
            "registry_auth_secondfactordevice": lambda: TOTPDevice.objects.get(user=world.people["admin"]),
        }[model_prefix]()
        return {"object_id": obj.pk}

    return kwargs


def _register_data(world, knows):
    data = {k: v for k, v in registration(subject="矩陣登記測試").items() if v is not None}
    data.update(
        direction=data["direction"].value if hasattr(data["direction"], "value") else data["direction"],
        level=int(data["level"]),
        approval_date=format_roc(data["approval_date"]),
        marking_position="top_left",
        pages=1,
        attachments=0,
        copies_count=1,
    )
    return data


# --- the table ------------------------------------------------------------------------------------
#
#        clerk  supervisor  handler  archivist  ethics  admin  norole  anonymous

EXPECTED: dict[str, Entry] = {
    # Log-in, log-out and the language switch are for everyone; neither follows ``next`` off-site.
    "login": Entry(
        get= "200         200         200         200         200         200         200         200",
        post="200         200         200         200         200         200         200         200",
        data=lambda w, k: {"username": "s-norole", "password": "wrong"},
    ),
    "logout": Entry(
        get= "405         405         405         405         405         405         405         405",
        post="login       login       login       login       login       login       login       login",
    ),
    "set_language": Entry(
        get= "redirect    redirect    redirect    redirect    redirect    redirect    redirect    redirect",
        post="redirect    redirect    redirect    redirect    redirect    redirect    redirect    redirect",
        data=lambda w, k: {"language": "en", "next": "https://evil.example/"},
    ),
    # --- registry pages ---------------------------------------------------------------------------
    #     clerk       supervisor  handler     archivist   ethics      admin       norole      anonymous
    "registry:dashboard": Entry(get=EVERYONE, post=POST_405),
    "registry:register": Entry(get=EVERYONE, post=POST_405, query="?number=115&state=handling"),
    # The register as a file: what the page lists, masked the same way, for everyone logged in.
    "registry:register_export": Entry(get=EVERYONE, post=POST_405, query="?format=csv&q=115"),
    # Import of paper registers: clerks only. A POST without a file is shown again with its error
    # (and recorded as refused once).
    "registry:register_import": Entry(
        get= "200         404         404         404         404         404         404         login",
        post="200         404         404         404         404         404         404         login",
    ),
    "registry:register_import_template": Entry(
        get= "200         404         404         404         404         404         404         login",
        post="405         404         404         404         404         404         404         login",
    ),
    "registry:document_register": Entry(
        get= "200         404         404         404         404         404         404         login",
        post="done        404         404         404         404         404         404         login",
        data=_register_data,
    ),
    "registry:document_detail": Entry(
        get= "200/404     200/404     200/404     200/404     200/404     200/404     200/404     login",
        post=POST_405, kwargs=_doc("handling"),
    ),
    # The trail (metadata, subject withheld) also reaches the register roles and the unit's
    # supervisor and clerk without need-to-know; not a handler, the administrator or a person
    # without a role.
    "registry:document_trail": Entry(
        get= "200         200         200/404     200         200         200/404     200/404     login",
        post=POST_405, kwargs=_doc("handling"),
    ),
    # The person picker's suggestions: only for whoever may use the form (here: a handler who
    # knows the document asks for its distribution); refusals audited, answered 404.
    "registry:people_pick": Entry(
        get= "404         404         200/404     404         404         404         404         login",
        post=POST_405, kwargs=lambda w, k: {"kind": "distribution", "pk": w.variant(k).docs["handling"].pk},
        query="?q=s-",
    ),
    # 操作說明 and 名詞解釋: no document and no person in them, for everyone logged in.
    "registry:help": Entry(get=EVERYONE, post=POST_405),
    "registry:help_role": Entry(get=EVERYONE, post=POST_405, kwargs=lambda w, k: {"role": "supervisor"}),
    "registry:help_glossary": Entry(get=EVERYONE, post=POST_405),
    "registry:audit_search": Entry(get=REVIEW, post=REVIEW_POST, query="?action=document_register"),
    "registry:dispatch_list": Entry(
        get= "200         404         404         404         404         404         404         login",
        post="405         404         404         404         404         404         404         login",
    ),
    # --- the ethics office's review: ethics officers (the office), supervisors (their units) -------
    "registry:audit_export": Entry(get=REVIEW, post=REVIEW_POST, query="?action=document_register"),
    "registry:review_home": Entry(get=REVIEW, post=REVIEW_POST),
    "registry:review_verify": Entry(
        get= "404         404         404         404         405         404         404         login",
        post="404         404         404         404         done        404         404         login",
    ),
    "registry:review_report": Entry(get=REVIEW, post=REVIEW_POST, kwargs=lambda w, k: {"report": "refused"}),
    "registry:review_people": Entry(get=REVIEW, post=REVIEW_POST),
    "registry:review_statistics": Entry(get=REVIEW, post=REVIEW_POST, query="?year=115"),
    # K: a person of the handling unit (inside the supervisor's units); U: the ethics officer,
    # of a unit outside them.
    "registry:review_person": Entry(
        get= "404         200/404     404         404         200         404         404         login",
        post=REVIEW_POST,
        kwargs=lambda w, k: {"user_id": (w.people["handler"] if k else w.people["ethics"]).pk},
    ),
    # --- actions on a document, POST only ---------------------------------------------------------
    # A person outside the document's register gets the audited 404; inside it (the register roles,
    # the unit's clerk and supervisor) a refusal they may read.
    #     clerk       supervisor  handler     archivist   ethics      admin       norole      anonymous
    "registry:document_open": Entry(
        get=GET_405,
        post="refused     done        refused/404 refused     refused     refused/404 refused/404 login",
        kwargs=_doc("registered"),
        data=lambda w, k: {"instruction": "請辦", "handling_unit": w.units["handling"].pk},
    ),
    "registry:document_route": Entry(
        get=GET_405,
        post="done        refused     refused/404 refused     refused     refused/404 refused/404 login",
        kwargs=_doc("opened"),
        data=lambda w, k: {"handler": w.people["handler"].pk},
    ),
    "registry:document_sign_for": Entry(
        get=GET_405,
        post="refused     refused     done/404    refused     refused     refused/404 refused/404 login",
        kwargs=_doc("routed"),
    ),
    "registry:document_begin_handling": Entry(
        get=GET_405,
        post="refused/404 refused/404 done/404    refused/404 refused/404 refused/404 refused/404 login",
        kwargs=_doc("signed"),
    ),
    "registry:document_cancel": Entry(
        get=GET_405,
        post="done        done        refused/404 refused     refused     refused/404 refused/404 login",
        kwargs=_doc("registered"), data=lambda w, k: {"reason": "誤登", "confirm": "on"},
    ),
    # Distribution, copying and grants: need-to-know first (404 without it), then the service.
    "registry:distribution_request": Entry(
        get=GET_405,
        post="refused/404 refused/404 done/404    refused/404 refused/404 refused/404 refused/404 login",
        kwargs=_doc("handling"), data=lambda w, k: {"recipients": w.helpers["reader"].username, "reason": "會辦"},
    ),
    "registry:distribution_decide": Entry(
        get=GET_405,
        post="refused/404 done/404    refused/404 refused/404 refused/404 refused/404 refused/404 login",
        kwargs=_item("pending_recipient"), data=lambda w, k: {"decision": "approve", "reason": "同意"},
    ),
    "registry:copy_sign_for": Entry(
        get=GET_405,
        post="refused/404 refused/404 refused/404 refused/404 refused/404 refused/404 done/404    login",
        kwargs=_item("copy"),
    ),
    "registry:copy_pass": Entry(
        get=GET_405,
        post="refused/404 refused/404 refused/404 refused/404 refused/404 refused/404 done/404    login",
        kwargs=_item("copy"), data=lambda w, k: {"to_user": w.variant(k).knower.pk, "note": "移交"},
    ),
    "registry:reproduction_request": Entry(
        get=GET_405,
        post="refused/404 refused/404 done/404    refused/404 refused/404 refused/404 refused/404 login",
        kwargs=_doc("handling"), data=lambda w, k: {"kind": "copy", "reason": "會議"},
    ),
    "registry:reproduction_decide": Entry(
        get=GET_405,
        post="refused/404 done/404    refused/404 refused/404 refused/404 refused/404 refused/404 login",
        kwargs=_item("reproduction"), data=lambda w, k: {"decision": "approve", "reason": "同意"},
    ),
    "registry:grant_revoke": Entry(
        get=GET_405,
        post="refused/404 done/404    refused/404 refused/404 refused/404 refused/404 refused/404 login",
        kwargs=_item("grant"), data=lambda w, k: {"reason": "調離", "confirm": "on"},
    ),
    # Recall, take back and dispatch: the unit's clerk and supervisor act without need-to-know.
    "registry:copy_recall": Entry(
        get=GET_405,
        post="done        done        done/404    refused     refused     refused/404 refused/404 login",
        kwargs=_doc("handling"), data=lambda w, k: {"reason": "結案收回"},
    ),
    "registry:copy_return": Entry(
        get=GET_405,
        post="done        done        done/404    refused     refused     refused/404 refused/404 login",
        kwargs=_item("copy"), data=lambda w, k: {"note": "繳回"},
    ),
    "registry:dispatch_record": Entry(
        get=GET_405,
        post="done        refused     refused/404 refused     refused     refused/404 refused/404 login",
        kwargs=_doc("handling"),
        data=lambda w, k: {
            "recipient": "國防部", "address": "臺北市", "method": TransitMethod.DOUBLE_REGISTERED.value,
            "registered_no": "A1", "inner_sealed": "on",
        },
    ),
    "registry:dispatch_receipt": Entry(
        get=GET_405,
        post="done        refused     refused/404 refused     refused     refused/404 refused/404 login",
        kwargs=_item("dispatch"), data=lambda w, k: {"received_on": _today_roc(), "receipt_by": "王"},
    ),
    # --- printed forms: need-to-know for a document's forms, a clerk for the day's list -----------
    #     clerk       supervisor  handler     archivist   ethics      admin       norole      anonymous
    "print:cover_sheet": Entry(get=PRINT, post=PRINT_POST, kwargs=_doc("handling")),
    "print:distribution_register": Entry(get=PRINT, post=PRINT_POST, kwargs=_doc("handling")),
    "print:envelope_inner": Entry(get=PRINT, post=PRINT_POST, kwargs=_dispatch),
    "print:envelope_outer": Entry(get=PRINT, post=PRINT_POST, kwargs=_dispatch),
    "print:dispatch_list": Entry(
        # Through the one gate of every page: an audited 404 for anyone but a clerk.
        get= "200         404         404         404         404         404         404         login",
        post=PRINT_POST,
        kwargs=lambda w, k: {"day": timezone.localdate().isoformat()},
    ),
    # The list of a day the clerk types (an ROC date): sent on to that day's list.
    "print:dispatch_list_for_day": Entry(
        get= "redirect    404         404         404         404         404         404         login",
        post=PRINT_POST,
        query="?day=115/12/02",
    ),
    "print:inspection_report": Entry(get=REVIEW, post=PRINT_POST),
    # 登記簿: the person's own register, masked as on the page.
    "print:register": Entry(get=EVERYONE, post=PRINT_POST, query="?state=handling"),
    # The destruction inventory: archive staff, supervisors and the ethics office, whoever knows the
    # documents on it (the subjects are withheld from those who do not).
    "print:destruction_inventory": Entry(
        get= "404         200         404         200         200         404         404         login",
        post=PRINT_POST, kwargs=lambda w, k: {"pk": w.variant(k).destruction_list.pk},
    ),
    # A party's decision letter: the receiving unit's clerks and supervisors, and the ethics office.
    "print:party_letter": Entry(
        get= "200         200         404         404         200         404         404         login",
        post=PRINT_POST, kwargs=lambda w, k: {"pk": w.variant(k).party_request.pk},
    ),
    # --- the second factor (TOTP) -------------------------------------------------------------------
    "second_factor:verify": Entry(
        get= "redirect    redirect    redirect    redirect    redirect    redirect    redirect    login",
        post="redirect    redirect    redirect    redirect    redirect    redirect    redirect    login",
        data=lambda w, k: {"token": "000000"},
    ),
    "second_factor:enrol": Entry(
        get= "redirect    redirect    redirect    redirect    redirect    redirect    redirect    login",
        post="redirect    redirect    redirect    redirect    redirect    redirect    redirect    login",
        data=lambda w, k: {"enrolment_code": "AAAA-BBBB-CCCC-DDDD"},
    ),
    "second_factor:enrol_device": Entry(
        get= "redirect    redirect    redirect    redirect    redirect    redirect    redirect    login",
        post="redirect    redirect    redirect    redirect    redirect    redirect    redirect    login",
        data=lambda w, k: {"token": "000000"},
    ),
    # --- classified meetings: K a meeting of the matrix's units every matrix person attends,
    # U another unit's meeting none of them attends ----------------------------------------------
    "registry:meeting_list": Entry(
        get= "200         200         200         200         200         200         200         login",
        post="405         405         405         405         405         405         405         login",
    ),
    "registry:meeting_register": Entry(
        get= "404         200         200         404         404         404         404         login",
        post="404         done        done        404         404         404         404         login",
        data=lambda w, k: {
            "subject": "矩陣會議", "level": "3", "starts_on": _today_roc(1), "starts_time": "14:00",
            "place": "第二會議室", "chair": w.people["supervisor"].pk,
        },
    ),
    "registry:meeting_detail": Entry(
        get= "200/404     200/404     200/404     200/404     200/404     200/404     200/404     login",
        post="405         405         405         405         405         405         405         login",
        kwargs=_meeting("held"),
    ),
    "registry:meeting_venue_check": Entry(
        get=GET_405,
        post="refused/404 done/404    refused/404 refused/404 refused/404 refused/404 refused/404 login",
        kwargs=_meeting("planned"),
        data=lambda w, k: {"no_eavesdropping": "on", "no_recording": "on"},
    ),
    "registry:meeting_staff": Entry(
        get=GET_405,
        post="refused/404 done/404    refused/404 refused/404 refused/404 refused/404 refused/404 login",
        kwargs=_meeting("planned"),
        data=lambda w, k: {"person": w.helpers["borrower"].pk, "duty": "記錄"},
    ),
    "registry:meeting_attendee_propose": Entry(
        get=GET_405,
        post="done/404    done/404    done/404    done/404    done/404    done/404    done/404    login",
        kwargs=_meeting("planned"),
        data=lambda w, k: {"person": w.helpers["borrower"].pk, "reason": "業務相關"},
    ),
    "registry:meeting_attendee_decide": Entry(
        get=GET_405,
        post="refused/404 done/404    refused/404 refused/404 refused/404 refused/404 refused/404 login",
        kwargs=_meeting("planned", "pending_attendee"),
        data=lambda w, k: {"decision": "approve", "reason": "同意"},
    ),
    "registry:meeting_materials": Entry(
        get=GET_405,
        post="refused/404 done/404    refused/404 refused/404 refused/404 refused/404 refused/404 login",
        kwargs=_meeting("planned"),
        data=lambda w, k: {"document": w.variant(k).docs["handling"].pk},
    ),
    "registry:meeting_announce": Entry(
        get=GET_405,
        post="refused/404 done/404    refused/404 refused/404 refused/404 refused/404 refused/404 login",
        kwargs=_meeting("planned"),
    ),
    "registry:meeting_hand_out": Entry(
        get=GET_405,
        post="refused/404 done/404    refused/404 refused/404 refused/404 refused/404 refused/404 login",
        kwargs=_meeting("held", "unserved_attendee"),
    ),
    "registry:meeting_recall": Entry(
        get=GET_405,
        post="refused/404 done/404    refused/404 refused/404 refused/404 refused/404 refused/404 login",
        kwargs=_meeting("held"),
    ),
    "registry:meeting_copy_return": Entry(
        get=GET_405,
        post="done/404    done/404    done/404    refused/404 refused/404 refused/404 refused/404 login",
        kwargs=_meeting("held", "meeting_copy"),
        data=lambda w, k: {"note": "繳回"},
    ),
    "registry:meeting_close": Entry(
        get=GET_405,
        post="refused/404 refused/404 refused/404 refused/404 refused/404 refused/404 refused/404 login",
        kwargs=_meeting("held"),
    ),
    "registry:meeting_minutes": Entry(
        get=GET_405,
        post="refused/404 done/404    refused/404 refused/404 refused/404 refused/404 refused/404 login",
        kwargs=_meeting("held"),
        data=lambda w, k: {"document": w.variant(k).docs["handling"].pk},
    ),
    "registry:meeting_minutes_distribute": Entry(
        get=GET_405,
        post="refused/404 done/404    refused/404 refused/404 refused/404 refused/404 refused/404 login",
        kwargs=_meeting("held"),
        data=lambda w, k: {"recipients": [w.helpers["reader"].pk], "reason": "與會單位"},
    ),
    "registry:meeting_publication_request": Entry(
        get=GET_405,
        post="done/404    done/404    done/404    done/404    done/404    done/404    done/404    login",
        kwargs=_meeting("held"),
        data=lambda w, k: {"text": "會議結論"},
    ),
    "registry:meeting_publication_decide": Entry(
        get=GET_405,
        post="refused/404 refused/404 refused/404 refused/404 refused/404 refused/404 refused/404 login",
        kwargs=_meeting("held", "pending_publication"),
        data=lambda w, k: {"decision": "approve", "reason": "同意"},
    ),
    "registry:meeting_publication_publish": Entry(
        get=GET_405,
        post="done/404    done/404    done/404    done/404    done/404    done/404    done/404    login",
        kwargs=_meeting("held", "approved_publication"),
    ),
    "print:meeting_attendance": Entry(
        get= "200/404     200/404     200/404     200/404     200/404     200/404     200/404     login",
        post="405         405         405         405         405         405         405         login",
        kwargs=_meeting("held"),
    ),
    "print:meeting_recall": Entry(
        get= "200/404     200/404     200/404     200/404     200/404     200/404     200/404     login",
        post="405         405         405         405         405         405         405         login",
        kwargs=_meeting("held"),
    ),
    # --- the later life: archive and loans, declassification, destruction, parties' requests -------
    "registry:archive": Entry(
        get= "404         200         404         200         404         404         404         login",
        post="404         405         404         405         404         404         404         login",
    ),
    "registry:archive_handover": Entry(
        get=GET_405,
        post="refused/404 refused/404 done/404    refused/404 refused/404 refused/404 refused/404 login",
        kwargs=_doc("handling"),
        data=lambda w, k: {"note": "結案"},
    ),
    "registry:archive_receive": Entry(
        get=GET_405,
        post="refused     refused     refused/404 done        refused     refused/404 refused/404 login",
        kwargs=_doc("to_archive"),
        data=lambda w, k: {"location": w.location.pk, "retention_years": "1", "class_number": "A-1"},
    ),
    "registry:loan_request": Entry(
        get=GET_405,
        post="refused/done done        done/404    done        refused/done done/404    done/404    login",
        kwargs=_doc("archived"),
        data=lambda w, k: {"reason": "查考"},
    ),
    "registry:loan_decide": Entry(
        get=GET_405,
        post="refused     done        refused/404 refused     refused     refused/404 refused/404 login",
        kwargs=_item("requested_loan", "archived"),
        data=lambda w, k: {"decision": "approve", "reason": "同意", "due_on": _today_roc(7)},
    ),
    "registry:loan_lend": Entry(
        get=GET_405,
        post="refused     refused     refused/404 done        refused     refused/404 refused/404 login",
        kwargs=_item("approved_loan", "archived"),
    ),
    "registry:loan_return": Entry(
        get=GET_405,
        post="refused     refused     refused/404 done        refused     refused/404 refused/404 login",
        kwargs=_item("lent_loan", "on_loan"),
    ),
    "registry:declassification": Entry(
        get= "404         200         404         200         200         404         404         login",
        post="404         405         404         405         405         404         404         login",
    ),
    "registry:declass_event": Entry(
        get=GET_405,
        post="refused     done        refused/404 done        refused     refused/404 refused/404 login",
        kwargs=_doc("later"),
        data=lambda w, k: {"happened_on": _today_roc(), "note": "已公布"},
    ),
    "registry:review_record": Entry(
        get=GET_405,
        post="refused     done        refused/404 done        refused     refused/404 refused/404 login",
        kwargs=_doc("later"),
        data=lambda w, k: {"outcome": "keep", "note": "維持"},
    ),
    "registry:reclassify": Entry(
        get=GET_405,
        post="refused     done        refused/404 refused     refused     refused/404 refused/404 login",
        kwargs=_doc("later"),
        # The document is 國防部's: a decision records 國防部's own (國家機密保護法第10條).
        data=lambda w, k: {
            "kind": "declassify", "reason": "已公布", "authority": "國防部函", "agency": "國防部",
            "agency_decided_on": "115/03/01", "agency_ref": "國密字第1150000042號", "confirm": "on",
        },
    ),
    "registry:notice_told": Entry(
        get=GET_405,
        post="refused     done        refused/404 done        refused     refused/404 refused/404 login",
        kwargs=_item("notice", "later"),
        data=lambda w, k: {"method": "電話通知"},
    ),
    "registry:destruction_list": Entry(
        get= "404         200         404         200         200         404         404         login",
        post="404         405         404         405         405         404         404         login",
    ),
    "registry:destruction_new": Entry(
        get= "404         404         404         200         404         404         404         login",
        post="404         404         404         200         404         404         404         login",
        data=lambda w, k: {"documents": [w.variant(k).docs["archived"].pk], "note": "屆期"},
    ),
    "registry:destruction_detail": Entry(
        get= "404         200         404         200         200         404         404         login",
        post="404         405         404         405         405         404         404         login",
        kwargs=_row("destruction_list"),
    ),
    "registry:destruction_approve": Entry(
        get= "404         405         404         404         404         404         404         login",
        post="404         done        404         404         404         404         404         login",
        kwargs=_row("destruction_list"),
    ),
    "registry:destruction_record": Entry(
        get= "404         404         404         405         405         404         404         login",
        post="404         404         404         done        done        404         404         login",
        kwargs=_row("approved_list"),
        data=lambda w, k: {
            "destroyed_by": w.people["archivist"].pk, "witness": w.people["ethics"].pk, "method": "shred",
            "destroyed_on": _today_roc(), "confirm": "on",
        },
    ),
    "registry:party_request_list": Entry(
        get= "200         200         404         404         200         404         404         login",
        post="405         405         404         404         405         404         404         login",
    ),
    "registry:party_request_new": Entry(
        get= "200         404         404         404         404         404         404         login",
        post="done        404         404         404         404         404         404         login",
        data=lambda w, k: {
            "applicant": "林當事人", "applicant_kind": "party", "files_described": "訴願案卷",
            "legal_interest": "主張權利", "wants_read": "on", "document_number": w.variant(k).docs["handling"].number,
        },
    ),
    "registry:party_request_detail": Entry(
        get= "200         200         404         404         200         404         404         login",
        post="405         405         404         404         405         404         404         login",
        kwargs=_row("party_request"),
    ),
    "registry:party_request_decide": Entry(
        get= "404         405         404         404         404         404         404         login",
        post="404         done        404         404         404         404         404         login",
        kwargs=_row("pending_party_request"),
        data=lambda w, k: {
            "decision": "approved", "reasons": "無第46條情形", "release_basis": "所示部分已無保密必要",
        },
    ),
    "registry:party_reading": Entry(
        get= "405         405         404         404         404         404         404         login",
        post="done        done        404         404         404         404         404         login",
        kwargs=_row("party_request"),
        data=lambda w, k: {"read_on": _today_roc(), "supervised_by": w.people["supervisor"].pk},
    ),
    # --- the admin site: for the administrator only, and nothing about documents in it ------------
    "admin:index": Entry(get=ADMIN_PAGE),
    "admin:login": Entry(
        get= "200         200         200         200         200         redirect    200         200",
    ),
    "admin:logout": Entry(
        get= "redirect    redirect    redirect    redirect    redirect    405         redirect    redirect",
    ),
    "admin:password_change": Entry(get=ADMIN_PAGE),
    "admin:password_change_done": Entry(get=ADMIN_PAGE),
    # Without app_label/model_name/field_name the autocomplete refuses even the administrator.
    "admin:autocomplete": Entry(
        get= "admin_login admin_login admin_login admin_login admin_login 403         admin_login admin_login",
    ),
    "admin:jsi18n": Entry(get=ADMIN_PAGE),
    # "View on site" of a document: the document has no admin URL, so nothing for anyone.
    "admin:view_on_site": Entry(
        get= "admin_login admin_login admin_login admin_login admin_login 404         admin_login admin_login",
        kwargs=lambda w, k: {
            "content_type_id": ContentType.objects.get_for_model(Document).pk,
            "object_id": w.variant(k).docs["handling"].pk,
        },
    ),
    "admin:app_list": Entry(get=ADMIN_PAGE, kwargs=lambda w, k: {"app_label": "registry"}),
    # --- people (人員): the administrators' page, hand-overs, a person's own account ---------------
    # K: the handler (of a unit inside the supervisor's units); U: the ethics officer (outside them).
    "registry:people_list": Entry(
        get= "404         404         404         404         404         200         404         login",
        post="404         404         404         404         404         405         404         login",
    ),
    "registry:person_detail": Entry(
        get= "404         200/404     404         404         404         200         404         login",
        post="404         405         404         404         404         405         404         login",
        kwargs=_person_kw,
    ),
    "registry:person_clearance": Entry(
        get=GET_405, post="404 refused/404 404 404 404 done 404 login", kwargs=_person_kw,
        data=lambda w, k: {"clearance": 4, "reason": "安全查核"},
    ),
    "registry:person_transfer": Entry(
        get=GET_405, post="404 refused/404 404 404 404 refused 404 login", kwargs=_person_kw,
        data=lambda w, k: {"unit": w.units["elsewhere"].pk, "reason": "調任"},
    ),
    "registry:person_deactivate": Entry(
        get=GET_405, post="404 refused/404 404 404 404 refused 404 login", kwargs=_person_kw, data=lambda w, k: {"reason": "離職"},
    ),
    "registry:person_reactivate": Entry(get=GET_405, post="404 refused/404 404 404 404 refused 404 login", kwargs=_person_kw),
    "registry:person_agency_head": Entry(get=GET_405, post="404 refused/404 404 404 404 done 404 login", kwargs=_person_kw),
    "registry:person_handover": Entry(
        get="404 200/404 404 404 404 200 404 login", post="404 done/404 404 404 404 done 404 login", kwargs=_person_kw,
        data=lambda w, k: {"successor": w.helpers["handler2"].username, "reason": "transfer"},
    ),
    "registry:handover_detail": Entry(get="404 200 404 404 200 200 404 login", post="405 405 405 405 405 405 405 login", kwargs=lambda w, k: {"pk": w.handover.pk}),
    "registry:handover_sign": Entry(get=GET_405, post="404 refused 404 404 refused refused 404 login", kwargs=lambda w, k: {"pk": w.handover.pk}),
    "print:handover_list": Entry(get="404 200 404 404 200 200 404 login", post=PRINT_POST, kwargs=lambda w, k: {"pk": w.handover.pk}),
    "registry:account": Entry(get=EVERYONE, post="405 405 405 405 405 405 405 login"),
    "registry:password_change": Entry(get=EVERYONE, post="200 200 200 200 200 200 200 login"),
    "admin:auth_user_password_change": Entry(get=ADMIN_PAGE, kwargs=lambda w, k: {"id": w.people["norole"].pk}),
    **{
        f"admin:{model}_{view}": Entry(
            get=ADMIN_PAGE, kwargs=_admin_object(model) if view in ("history", "delete", "change") else None
        )
        for model in ADMIN_MODELS
        for view in ADMIN_MODEL_VIEWS
    },
    # A person's second factor: the administrator issues or revokes an enrolment code, or enrols a
    # device at the desk. The person without a role needs no second factor: each action is refused.
    "admin:registry_user_second_factor": Entry(
        get=ADMIN_PAGE,
        post="admin_login admin_login admin_login admin_login admin_login 405         admin_login admin_login",
        kwargs=_admin_object("registry_user"),
    ),
    "admin:registry_user_enrolment_code_issue": Entry(
        get= "admin_login admin_login admin_login admin_login admin_login 405         admin_login admin_login",
        post="admin_login admin_login admin_login admin_login admin_login refused     admin_login admin_login",
        kwargs=_admin_object("registry_user"),
    ),
    "admin:registry_user_enrolment_code_revoke": Entry(
        get= "admin_login admin_login admin_login admin_login admin_login 405         admin_login admin_login",
        post="admin_login admin_login admin_login admin_login admin_login refused     admin_login admin_login",
        kwargs=_admin_object("registry_user"),
    ),
    "admin:registry_user_desk_enrol": Entry(
        get= "admin_login admin_login admin_login admin_login admin_login redirect    admin_login admin_login",
        post="admin_login admin_login admin_login admin_login admin_login refused     admin_login admin_login",
        kwargs=_admin_object("registry_user"),
        data=lambda w, k: {"start": "1"},
    ),
    # Nobody adds a TOTP device for someone else. A storage location is retired, a person made
    # inactive, a unit renamed, never deleted: the registry's history points at them, and the
    # deletion page would list what it holds about them (registry/admin.py, NeverDeletedAdmin).
    "admin:registry_auth_secondfactordevice_add": Entry(get=ADMIN_403),
    "admin:registry_storagelocation_delete": Entry(
        get=ADMIN_403, kwargs=_admin_object("registry_storagelocation")
    ),
    "admin:registry_unit_delete": Entry(get=ADMIN_403, kwargs=_admin_object("registry_unit")),
    "admin:registry_user_delete": Entry(get=ADMIN_403, kwargs=_admin_object("registry_user")),
}

# Unnamed patterns are allowed only inside the admin: a model admin's object redirect
# (``<model>/<path:object_id>/``) and the admin's catch-all.
ADMIN_UNNAMED = re.compile(r"^admin/(?:(?P<app>\w+)/(?P<model>\w+)/<path:object_id>/|\(\?P<url>\.\*\)\$)$")


# --- asking ---------------------------------------------------------------------------------------


def answer_of(response) -> str:
    """The answer a response gives, in the table's words."""
    if response.status_code in (301, 302):
        location = response["Location"]
        if location.startswith(ADMIN_LOGIN_PATH):
            return "admin_login"
        if location.split("?")[0] == LOGIN_PATH:
            return "login"
        levels = {m.level for m in queued_messages(response)}
        if message_levels.ERROR in levels:
            return "refused"
        if message_levels.SUCCESS in levels:
            return "done"
        return "redirect"
    if response.status_code == 400 and b'class="error-summary"' in response.content:
        # A refused action shown again on its page, the form bound to what was typed.
        return "refused"
    return str(response.status_code)


def queued_messages(response) -> list:
    """The messages this request added (not ones an earlier request left in the cookie)."""
    storage = getattr(response.wsgi_request, "_messages", None)
    return list(getattr(storage, "_queued_messages", []))


def readable_text(response) -> str:
    """What the person gets to read: the page, or a PDF's extracted text; and the messages."""
    parts = [str(m) for m in queued_messages(response)]
    if response.get("Content-Type", "").startswith("application/pdf"):
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(response.content))
        parts.extend(page.extract_text() or "" for page in reader.pages)
    elif response.streaming:
        parts.append(b"".join(response.streaming_content).decode("utf-8", errors="replace"))
    else:
        parts.append(response.content.decode("utf-8", errors="replace"))
    return "\n".join(parts)


@dataclass
class Observation:
    answer: str
    leaks: list[str]
    refusals: int  # refusal events (access refused, action refused) the request wrote

    def refusal_recorded_once(self, method: str) -> bool:
        """Every refused answer (an audited 404, a refusal shown as a message, a form shown again
        with its errors after a POST) left exactly one refusal event, and nothing else did."""
        if self.answer in ("404", "refused") or (method == "POST" and self.answer == "200"):
            return self.refusals == 1
        if self.answer in ("200", "done", "redirect", "login", "405"):
            return self.refusals == 0
        return True


@pytest.fixture(scope="module")
def sec_sessions(sec_world, django_db_blocker) -> dict[str, dict[str, str]]:
    """Each matrix person logged in once per module the way a browser does it: the log-in page,
    then (supervisor, ethics officer, administrator) the TOTP step with a code of their device.
    Their cookies are put back on the client before each request."""
    from django.test import Client

    from registry.auth.otp import current_token, needs_second_factor

    jars: dict[str, dict[str, str]] = {"anonymous": {}}
    with django_db_blocker.unblock():
        for role, person in sec_world.people.items():
            browser = Client()
            response = browser.post(reverse("login"), {"username": person.username, "password": PASSWORD})
            assert response.status_code == 302, (role, response.status_code)
            if needs_second_factor(person):
                device = TOTPDevice.objects.create(user=person, name="TOTP", confirmed=True)
                response = browser.post(reverse("second_factor:verify"), {"token": current_token(device)})
                assert response.status_code == 302, (role, "second factor", response.status_code)
            assert browser.get(reverse("registry:dashboard")).status_code == 200, role
            jars[role] = {key: morsel.value for key, morsel in browser.cookies.items()}
    return jars


def request_of(world: World, name: str, entry: Entry, knows: bool | None) -> tuple[str, dict]:
    side = True if knows is None else knows
    kwargs = entry.kwargs(world, side) if entry.kwargs else {}
    data = entry.data(world, side) if entry.data else {}
    return reverse(name, kwargs=kwargs) + entry.query, data


def ask(client, world: World, jars, method: str, role: str, url: str, data: dict) -> Observation:
    # The session rows were written once; each request's changes to them are rolled back.
    client.cookies = SimpleCookie(jars[role])
    with rolled_back():
        seq = head_seq()
        response = client.get(url) if method == "GET" else client.post(url, data)
        text = readable_text(response)
        secrets = world.secrets()
        if role == "anonymous":
            secrets += world.known.subjects()
        leaks = [s for s in secrets if s in text]
        refusals = len(events_since(seq, AuditAction.ACCESS_DENIED, AuditAction.ACTION_REFUSED))
    return Observation(answer_of(response), leaks, refusals)


COLUMNS = [(role, knows) for role in ROLES for knows in (True, False)] + [("anonymous", None)]

# Counted as the matrix runs; printed by ``test_matrix_summary``.
TALLY: Counter = Counter()


# --- the tests ------------------------------------------------------------------------------------


def test_every_url_has_one_entry():
    """Every named URL has an entry, every entry names a URL, and the only unnamed patterns are the
    admin's own (object redirects of the listed model admins, and its catch-all)."""
    found, unnamed = set(), []
    for name, route in url_patterns():
        if name is None:
            match = ADMIN_UNNAMED.match(route)
            model = match and match.group("app") and f"{match.group('app')}_{match.group('model')}"
            if not match or (model and model not in ADMIN_MODELS):
                unnamed.append(route)
            continue
        found.add(name)
    missing = sorted(found - EXPECTED.keys())
    stale = sorted(EXPECTED.keys() - found)
    assert not unnamed, f"URL patterns without a name cannot be in the matrix: {unnamed}"
    assert not missing, f"URLs without an entry in EXPECTED (write their expected answers): {missing}"
    assert not stale, f"EXPECTED names URLs that do not exist: {stale}"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_matrix(client, sec_world, sec_sessions, name):
    entry = EXPECTED[name]
    failures = []
    for method, text in (("GET", entry.get), ("POST", entry.post)):
        if text is None:
            continue
        expected = row(text)
        observed, leaks, unaudited = {}, [], []
        for role, knows in COLUMNS:
            url, data = request_of(sec_world, name, entry, knows)
            if knows is False and (url, data) == request_of(sec_world, name, entry, True):
                # A URL that names nothing of either side: the same request, the same answer.
                observed[(role, knows)] = observed[(role, True)]
                TALLY[(method, observed[(role, knows)])] += 1
                continue
            seen = ask(client, sec_world, sec_sessions, method, role, url, data)
            observed[(role, knows)] = seen.answer
            TALLY[(method, seen.answer)] += 1
            TALLY["requests"] += 1
            if knows is False and seen.answer == "200":
                TALLY["200 to a person without need-to-know, secrets checked"] += 1
            if seen.leaks:
                leaks.append(f"{role}/{'K' if knows else 'U'}: {seen.leaks}")
            if not seen.refusal_recorded_once(method) and name.split(":")[0] in ("registry", "print"):
                unaudited.append(f"{role}/{'K' if knows else 'U'}: {seen.answer} with {seen.refusals} refusal events")
        if observed != expected:
            failures.append(
                f"{method} {name}\n  expected: {render_row(expected)}\n  observed: {render_row(observed)}"
            )
        if leaks:
            failures.append(f"{method} {name}: text for need-to-know only reached {leaks}")
        if unaudited:
            failures.append(f"{method} {name}: a refusal not recorded exactly once: {unaudited}")
    assert not failures, "\n".join(failures)


# Who may use each item URL on the known handling document (see the matrix's "done" cells).
ITEM_ACTORS = {
    "registry:distribution_decide": ("supervisor", "pending_recipient"),
    "registry:copy_sign_for": ("norole", "copy"),
    "registry:copy_pass": ("norole", "copy"),
    "registry:copy_return": ("clerk", "copy"),
    "registry:reproduction_decide": ("supervisor", "reproduction"),
    "registry:grant_revoke": ("supervisor", "grant"),
    "registry:dispatch_receipt": ("clerk", "dispatch"),
}


@pytest.mark.parametrize("name", sorted(ITEM_ACTORS))
@pytest.mark.parametrize("direction", ["known document, other item", "other document, known item"])
def test_an_item_of_another_document_is_404(client, sec_world, name, direction):
    """The person entitled to act on one document's row, naming that row under another document
    (or another document's row under this one), gets 404 and nothing but a refusal is written."""
    role, attribute = ITEM_ACTORS[name]
    known, unknown = sec_world.known, sec_world.unknown
    if direction == "known document, other item":
        kwargs = {"pk": known.docs["handling"].pk, "item": getattr(unknown, attribute).pk}
    else:
        kwargs = {"pk": unknown.docs["handling"].pk, "item": getattr(known, attribute).pk}
    data = EXPECTED[name].data(sec_world, True) if EXPECTED[name].data else {}
    client.force_login(sec_world.people[role])
    with rolled_back():
        seq = head_seq()
        response = client.post(reverse(name, kwargs=kwargs), data)
        written = set(AuditEvent.objects.filter(seq__gt=seq).values_list("action", flat=True))
    assert response.status_code == 404
    assert written <= {AuditAction.ACCESS_DENIED, AuditAction.ACTION_REFUSED}
    assert not any(secret in response.content.decode() for secret in sec_world.secrets())


def test_the_subject_check_reads_what_it_checks(client, sec_world):
    """The absence of a subject in the matrix means something: read the same way (page text, PDF
    text), the pages and printed forms of the known documents do show their subjects."""
    known = sec_world.known
    cases = [
        ("handler", "registry:document_detail", {"pk": known.docs["handling"].pk}, known.docs["handling"]),
        ("handler", "print:cover_sheet", {"pk": known.docs["handling"].pk}, known.docs["handling"]),
        ("archivist", "print:destruction_inventory", {"pk": known.destruction_list.pk}, known.docs["archived"]),
    ]
    for role, name, kwargs, document in cases:
        client.force_login(sec_world.people[role])
        with rolled_back():
            response = client.get(reverse(name, kwargs=kwargs))
            assert response.status_code == 200, name
            assert document.subject in readable_text(response), name


def test_there_is_no_document_in_the_admin(client, sec_world):
    """No model admin for documents or anything that carries their content: the administrator
    finds nothing there, and the model admins that exist are exactly ``ADMIN_MODELS``."""
    from django.contrib import admin

    registered = {f"{m._meta.app_label}_{m._meta.model_name}" for m in admin.site._registry}
    assert registered == set(ADMIN_MODELS)
    client.force_login(sec_world.people["admin"])
    pk = sec_world.known.docs["handling"].pk
    for path in (
        "/admin/registry/document/",
        f"/admin/registry/document/{pk}/change/",
        "/admin/registry/auditevent/",
        "/admin/registry/handlingstep/",
        "/admin/registry/needtoknowgrant/",
        "/admin/registry/documentcopy/",
        "/admin/registry/dispatch/",
        "/admin/guardian/",
    ):
        assert client.get(path).status_code == 404, path
    for page in ("/admin/", "/admin/registry/", "/admin/registry/user/", "/admin/registry/unit/"):
        html = client.get(page).content.decode()
        for subject in sec_world.known.subjects() + sec_world.unknown.subjects():
            assert subject not in html, (page, subject)


def test_the_language_switch_and_log_in_do_not_redirect_off_site(client, sec_world):
    """``next`` pointing elsewhere is ignored by the language switch and the log-in."""
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example/"):
        response = client.post(reverse("set_language"), {"language": "en", "next": target})
        assert "evil.example" not in response["Location"]
        response = client.post(
            reverse("login") + f"?next={target}",
            {"username": "s-norole", "password": "correct-horse-battery-staple"},
        )
        if response.status_code == 302:
            assert "evil.example" not in response["Location"]
        client.logout()


def test_matrix_summary(capsys):
    """Print how many cells were asked and what they answered (run with ``-s`` to see it)."""
    if not TALLY:
        pytest.skip("the matrix did not run in this session")
    with capsys.disabled():
        cells = sum(v for k, v in TALLY.items() if isinstance(k, tuple))
        print(f"\nauthorization matrix: {cells} cells, {TALLY['requests']} requests")
        for key, count in sorted(TALLY.items(), key=str):
            if key != "requests":
                print(f"  {key}: {count}")
