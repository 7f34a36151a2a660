"""The admin site tells an administrator nothing they do not know.

The administrator manages units, people, roles and clearances and "never reads a document by being
administrator" (DESIGN): no subject, meeting subject or place, reason, note, instruction or other
free text of a document, meeting, party's request, loan or inventory may reach them through the
admin site — not in a change list, a form, a history page, a list of related objects on a deletion
page, nor through the text (``__str__``) by which Django names a row there.

The world: the demo data (``seed_demo``), the security tests' world (documents in every state,
distribution, copies, dispatches, loans, inventories, parties' requests, meetings with attendees
and publications; ``tests/security/conftest.py``), the few records those leave out (a meeting's
service staff, a reading on site, a periodic review), and then in every classified text field of
every model a text planted in one row, so that each such field is looked for by a text of its own.
The administrator is the demo's (a superuser, without any need-to-know grant).

``CLASSIFIED_TEXT`` names every free-text field whose content only people who know the record may
read; ``OTHER_TEXT`` the rest (what the administrator maintains, codes, hashes). A new text field
in neither fails ``test_every_text_field_is_sorted``: decide which it is.
"""

from __future__ import annotations

import html
import io
import json

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import models
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from registry.models import Meeting, MeetingAttendee, StorageLocation, Unit, User

pytestmark = pytest.mark.django_db

# Free text that only those who know the record may read, by model and field.
CLASSIFIED_TEXT: dict[str, tuple[str, ...]] = {
    "registry.Document": (
        "subject", "instruction", "cancel_reason", "attachment_note", "declass_event", "declass_other",
        "sender", "sender_ref", "original_agency", "approving_official", "authorization_ref",
        "authorization_by", "authorization_scope", "class_number", "addressee",
    ),
    "registry.HandlingStep": ("note",),
    "registry.NeedToKnowGrant": ("reason", "end_reason"),
    "registry.DistributionRequest": ("reason",),
    "registry.DistributionRecipient": ("decision_reason",),
    "registry.CopyCustody": ("note",),
    "registry.ReproductionRequest": ("reason", "decision_reason"),
    "registry.Loan": ("reason", "decision_reason"),
    "registry.ReviewRecord": ("note",),
    "registry.ClassificationDecision": ("reason", "authority", "agency", "agency_ref"),
    "registry.ReclassificationNotice": ("method",),
    "registry.DestructionList": ("note",),
    "registry.Dispatch": ("recipient", "address", "carrier", "registered_no", "receipt_by", "discrepancy"),
    "registry.Meeting": ("subject", "place"),
    "registry.VenueCheck": ("note",),
    "registry.MeetingStaff": ("duty",),
    "registry.MeetingAttendee": ("reason", "decision_reason"),
    "registry.MeetingPublication": ("text", "decision_reason"),
    "registry.PartyRequest": (
        "applicant", "applicant_address", "files_described", "legal_interest", "grounds", "conditions",
        "released_part", "release_basis", "decision_reason",
    ),
    "registry.OnSiteReading": ("note",),
}

# Text fields that are not classified: what the administrator maintains, codes the registry sets,
# hashes; and the audit events' details, which repeat the classified text above (the admin has no
# page of audit events; the review pages mask it).
OTHER_TEXT: dict[str, tuple[str, ...]] = {
    "registry.Unit": ("code", "name"),
    "registry.User": ("password", "username", "first_name", "last_name", "email", "full_name"),
    "registry.StorageLocation": ("code", "name"),
    "registry.Document": ("reg_series",),
    "registry.RegistrationCounter": ("series",),
    "registry.NeedToKnowGrant": ("permission",),
    "registry.DocumentCopy": ("purpose",),
    "registry.AuditEvent": ("details", "prev_hash", "hash", "key_id"),
    "registry.ChainVerification": ("head_hash", "head_key_id", "anchored_to", "problem"),
    "registry_auth.EnrolmentCode": ("code_hash",),
    # A hand-over names its items by number and level, never by subject; its note is the
    # supervisor's word on the hand-over (a transfer, a departure), not a document's text.
    "registry.Handover": ("note",),
    "registry.HandoverItem": ("label",),
    # django-otp's device, as the admin shows it: the device's name, and its secret (never shown).
    "registry_auth.SecondFactorDevice": ("name", "key"),
}

# Shorter texts ("同意", "查考", "國防部") are common words that the admin's own pages may hold;
# every field is also looked for by a longer text planted in it.
SHORTEST = 4


def text_fields(model) -> list[str]:
    """The free-text fields of a model (text without a fixed list of choices)."""
    return [
        f.name
        for f in model._meta.get_fields()
        if isinstance(f, (models.CharField, models.TextField, models.JSONField)) and not f.choices
    ]


def planted(label: str, field: str) -> str:
    return f"機敏{label.split('.')[-1]}{field}字樣"


def _more_records(world) -> None:
    """Records the security world leaves out: a meeting's service staff, a reading on site and a
    periodic review, all on the side no matrix person knows."""
    from classification import Level
    from registry.services import declassification as declass_svc
    from registry.services import meetings as meeting_svc
    from registry.services import party_requests as party_svc

    h = world.helpers
    meeting_svc.staff_choose(meeting=world.unknown.planned, actor=h["far_supervisor"], person=h["borrower"], duty="會場茶水")
    party_svc.party_reading_record(
        request=world.unknown.party_request, actor=h["clerk2"], read_on=timezone.localdate(),
        supervised_by=h["clerk2"], note="閱覽時全程陪同",
    )
    document = world.unknown.docs["handling"]
    assert document.level >= Level.OFFICIAL_SECRET
    declass_svc.review_record(document=document, actor=h["supervisor2"], outcome="keep", note="仍有保密必要")


def _plant() -> None:
    """One row of each model gets a text of its own in each classified field."""
    for label, fields in CLASSIFIED_TEXT.items():
        model = apps.get_model(label)
        first = model._default_manager.order_by("pk").first()
        assert first is not None, f"the world has no {label}: the test would look for nothing"
        values = {f: ([planted(label, f)] if f == "grounds" else planted(label, f)) for f in fields}
        model._default_manager.filter(pk=first.pk).update(**values)


def _public_texts() -> list[str]:
    """What the administrator maintains and may read: names of units, people, locations, roles
    and devices; and the agency's name, on every page."""
    texts = [settings.REGISTRY_AGENCY_NAME]
    for model, fields in (
        (Unit, ("code", "name")),
        (User, ("username", "full_name")),
        (StorageLocation, ("code", "name")),
        (Group, ("name",)),
        (TOTPDevice, ("name",)),
    ):
        for row in model._default_manager.values_list(*fields):
            texts.extend(str(v) for v in row if v)
    return texts


def classified_texts() -> set[str]:
    """Every classified text in the database (but the short ones and those an administrator's
    own names contain)."""
    found: set[str] = set()
    for label, fields in CLASSIFIED_TEXT.items():
        for row in apps.get_model(label)._default_manager.values_list(*fields):
            for value in row:
                for text in value if isinstance(value, list) else [value]:
                    if isinstance(text, str) and len(text.strip()) >= SHORTEST:
                        found.add(text.strip())
    public = _public_texts()
    return {text for text in found if not any(text in name for name in public)}


@pytest.fixture(scope="module")
def disclosure_world(sec_world, django_db_blocker):
    """The demo data on top of the security world, the missing records, the planted texts; the
    administrator; and every classified text now in the database."""
    with django_db_blocker.unblock():
        call_command("seed_demo", stdout=io.StringIO())
        _more_records(sec_world)
        _plant()
        administrator = User.objects.get(username="admin")
        assert administrator.is_superuser and not administrator.grants.exists()
        secrets = classified_texts()
        for label, fields in CLASSIFIED_TEXT.items():
            for field in fields:
                assert planted(label, field) in secrets
        return administrator, secrets


def readable(response) -> str:
    """A page's text as a person reads it (entities and JSON escapes undone)."""
    content = response.content.decode("utf-8", errors="replace")
    if response.get("Content-Type", "").startswith("application/json"):
        content = json.dumps(json.loads(content), ensure_ascii=False)
    return html.unescape(content)


# --- which pages ----------------------------------------------------------------------------------


def _expected(model_admin, view: str, request, obj=None) -> set[int]:
    """What a page of a model admin answers the superuser: the admin itself says whether adding or
    deleting is offered; a page that is not offered answers 403."""
    if view == "add":
        return {200} if model_admin.has_add_permission(request) else {403}
    if view == "delete":
        return {200} if model_admin.has_delete_permission(request, obj) else {403}
    if view in ("changelist", "change", "history"):
        return {200}
    # The model admin's own pages (a person's second factor, password): shown (200), sent on
    # (302), or POST only (405).
    return {200, 302, 405}


def admin_pages(administrator):
    """(url, expected answers, method, data) of every page of every model registered in the
    admin, for every row of the model, and the site's own pages."""
    request = RequestFactory().get("/admin/")
    request.user = administrator
    site_pages = ["index", "password_change", "password_change_done", "jsi18n"]
    for name in site_pages:
        yield reverse(f"admin:{name}"), {200}, "GET", None
    for label in sorted({m._meta.app_label for m in admin.site._registry}):
        yield reverse("admin:app_list", kwargs={"app_label": label}), {200}, "GET", None
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        prefix = f"{opts.app_label}_{opts.model_name}_"
        rows = list(model._default_manager.order_by("pk"))
        for pattern in model_admin.get_urls():
            if not pattern.name:
                continue  # the object's bare address only redirects to its change page
            view = pattern.name.removeprefix(prefix)
            groups = pattern.pattern.regex.groupindex
            if not groups:
                yield reverse(f"admin:{pattern.name}"), _expected(model_admin, view, request), "GET", None
                continue
            for row in rows:
                key = "object_id" if "object_id" in groups else "id"
                url = reverse(f"admin:{pattern.name}", kwargs={key: row.pk})
                yield url, _expected(model_admin, view, request, row), "GET", None
        # The "delete selected" action's confirmation page names every related row as well.
        changelist = reverse(f"admin:{prefix}changelist")
        data = {"action": "delete_selected", "_selected_action": [row.pk for row in rows]}
        # Not offered: the change list again (200) or back to it (302), never the confirmation.
        offered = "delete_selected" in model_admin.get_actions(request)
        yield changelist, {200} if offered and rows else {200, 302}, "POST", data
        for field in getattr(model_admin, "autocomplete_fields", ()):
            query = f"?app_label={opts.app_label}&model_name={opts.model_name}&field_name={field}&term="
            yield reverse("admin:autocomplete") + query, {200}, "GET", None


# --- the tests ------------------------------------------------------------------------------------


def test_every_text_field_is_sorted():
    """Each free-text field of the registry's models is either classified text or not, never
    neither (a new field must be sorted) nor both."""
    unsorted, both = [], []
    for model in [*apps.get_app_config("registry").get_models(), *apps.get_app_config("registry_auth").get_models()]:
        for name in text_fields(model):
            label = model._meta.label
            secret, other = name in CLASSIFIED_TEXT.get(label, ()), name in OTHER_TEXT.get(label, ())
            if not (secret or other):
                unsorted.append(f"{label}.{name}")
            if secret and other:
                both.append(f"{label}.{name}")
    assert not unsorted, f"sort these text fields into CLASSIFIED_TEXT or OTHER_TEXT: {unsorted}"
    assert not both, f"in both lists: {both}"
    for label, fields in {**CLASSIFIED_TEXT}.items():
        assert set(fields) <= set(text_fields(apps.get_model(label))), label


def test_no_row_of_any_model_is_named_by_classified_text(disclosure_world):
    """``__str__`` — how Django's admin, forms and messages name a row — of every row of every
    model holds no classified text: meetings, requests and dispatches are named by number,
    kind and person."""
    _administrator, secrets = disclosure_world
    leaks = []
    for model in apps.get_models():
        for row in model._default_manager.all():
            name = str(row)
            if any(secret in name for secret in secrets):
                leaks.append(f"{model._meta.label} #{row.pk}: {name!r}")
    assert not leaks, "\n".join(leaks)


def test_every_admin_page_shows_the_administrator_nothing_classified(client, disclosure_world):
    """Every page of every model in the admin (change list, add page, change page, deletion page,
    history, a person's second factor and password pages, the "delete selected" confirmation, the
    autocomplete) for every row, as the administrator: the answer the admin gives by design,
    never an error, and no classified text of the database in it."""
    administrator, secrets = disclosure_world
    client.force_login(administrator)
    failures, rendered = [], 0
    for url, expected, method, data in admin_pages(administrator):
        response = client.post(url, data) if method == "POST" else client.get(url)
        if response.status_code not in expected:
            failures.append(f"{method} {url}: {response.status_code}, expected {sorted(expected)}")
            continue
        rendered += response.status_code == 200
        text = readable(response)
        leaked = sorted(s for s in secrets if s in text)
        if leaked:
            failures.append(f"{method} {url}: {leaked}")
    assert not failures, "\n".join(failures)
    assert rendered > 100  # the pages were there to be read


def test_the_check_reads_what_it_checks(client, disclosure_world):
    """The absence of a text means something: read the same way, the page of a meeting shows its
    organizer the meeting's subject and place, and the check finds them."""
    _administrator, secrets = disclosure_world
    meeting = Meeting.objects.order_by("pk").first()
    assert meeting.subject in secrets and meeting.place in secrets
    client.force_login(meeting.organizer)
    text = readable(client.get(reverse("registry:meeting_detail", args=[meeting.pk])))
    assert meeting.subject in text and meeting.place in text


def test_a_person_or_unit_with_a_history_is_never_offered_for_deletion(client, disclosure_world):
    """The finding: the deletion page of a person who attended a classified meeting listed the
    rows that protect them by name ("與會人員: <meeting subject> 張承辦"). People and units are
    never deleted in the admin (a person leaves by being made inactive): no deletion page, no
    "delete selected" action."""
    administrator, _secrets = disclosure_world
    client.force_login(administrator)
    attendee = MeetingAttendee.objects.select_related("meeting", "user__unit").first()
    person, unit = attendee.user, attendee.user.unit
    for url in (
        reverse("admin:registry_user_delete", args=[person.pk]),
        reverse("admin:registry_unit_delete", args=[unit.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert attendee.meeting.subject not in readable(response)
    for model in ("user", "unit"):
        page = client.get(reverse(f"admin:registry_{model}_changelist"))
        assert page.status_code == 200
        assert 'value="delete_selected"' not in page.content.decode()
