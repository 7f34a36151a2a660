"""The admin site's refusals are audited like every other refusal of the registry.

Every URL of the admin site (its own pages, every page of every model admin, the catch-all) asked
by a logged-in person who is not an administrator answers what Django's admin answers (a redirect
to the admin's log-in) and leaves exactly one ``ACCESS_DENIED`` event naming them, the admin page
and the rule. An administrator refused a page (a model they have no permission for, a page the
admin does not offer) leaves one too; a page they may see, none. A visitor who is not logged in is
sent to log in unaudited, as everywhere in the registry. A correct password of a person who is not
an administrator at the admin's log-in is refused as Django refuses it, and recorded.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from registry.admin_site import ADMIN_PERMISSION_RULE, ADMIN_SITE_RULE
from registry.models import AuditAction, AuditEvent, StorageLocation, StorageZone, Unit
from tests.support import details, head_seq

pytestmark = pytest.mark.django_db

ADMIN_LOGIN = "/admin/login/"
PASSWORD = "correct-horse-battery-staple"  # tests/factories.py


@pytest.fixture
def admin_rows(administrator, outsider, receiving_unit):
    """One row of every model in the admin."""
    StorageLocation.objects.create(code="T-1", name="機密檔案櫃", zone=StorageZone.CLASSIFIED)
    TOTPDevice.objects.create(user=administrator, name="TOTP", confirmed=True)
    rows = {model: model._default_manager.order_by("pk").first() for model in admin.site._registry}
    assert all(rows.values()), rows
    return rows


def admin_urls(rows) -> list[tuple[str | None, str]]:
    """(URL name, None for an unnamed pattern; path) of every pattern of the admin site, with the
    rows' keys filled in; the log-in page (open to everyone) is not among them."""
    urls = []
    for pattern in admin.site.get_urls():
        if not isinstance(pattern, URLPattern) or pattern.name == "login":
            continue  # model admins (below), the log-in
        groups = pattern.pattern.regex.groupindex
        if pattern.name is None:
            urls.append((None, "/admin/no-such-page/"))  # the catch-all
        elif "app_label" in groups:
            urls.append((pattern.name, reverse("admin:app_list", kwargs={"app_label": "registry"})))
        elif "content_type_id" in groups:
            unit = Unit.objects.first()
            kwargs = {"content_type_id": ContentType.objects.get_for_model(Unit).pk, "object_id": unit.pk}
            urls.append((pattern.name, reverse(f"admin:{pattern.name}", kwargs=kwargs)))
        else:
            urls.append((pattern.name, reverse(f"admin:{pattern.name}")))
    for model, model_admin in admin.site._registry.items():
        row = rows[model]
        for pattern in model_admin.get_urls():
            groups = pattern.pattern.regex.groupindex
            if pattern.name is None:
                # The row's bare address (it redirects to the change page).
                urls.append((None, f"/admin/{model._meta.app_label}/{model._meta.model_name}/{row.pk}/"))
                continue
            kwargs = dict.fromkeys(groups, row.pk)
            urls.append((pattern.name, reverse(f"admin:{pattern.name}", kwargs=kwargs)))
    return urls


def refusals_since(seq: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(seq__gt=seq, action=AuditAction.ACCESS_DENIED).order_by("seq"))


def test_every_admin_url_refuses_a_person_who_is_not_an_administrator_once_and_audited(client, clerk, admin_rows):
    client.force_login(clerk)
    urls = admin_urls(admin_rows)
    assert len(urls) > 40
    failures = []
    for name, url in urls:
        for method in ("GET", "POST"):
            seq = head_seq()
            response = client.get(url) if method == "GET" else client.post(url, {})
            expected = reverse("admin:index") if name == "logout" else ADMIN_LOGIN
            if response.status_code != 302 or not response["Location"].startswith(expected):
                failures.append(f"{method} {url}: {response.status_code} {response.get('Location')}")
            refused = refusals_since(seq)
            if len(refused) != 1:
                failures.append(f"{method} {url}: {len(refused)} refusal events")
                continue
            event = refused[0]
            said = details(event)
            purpose = f"admin {name or 'page'}"
            if (event.actor_id, event.document_id) != (clerk.pk, None) or said != {
                "purpose": purpose, "rule": ADMIN_SITE_RULE, "requested": url
            }:
                failures.append(f"{method} {url}: {event.actor_id} {said}")
    assert not failures, "\n".join(failures)


def test_the_refusal_names_the_admin_page_asked_for(client, clerk, outsider):
    client.force_login(clerk)
    seq = head_seq()
    url = reverse("admin:registry_user_change", args=[outsider.pk])
    client.get(url)
    (event,) = refusals_since(seq)
    assert details(event) == {"purpose": "admin registry_user_change", "rule": ADMIN_SITE_RULE, "requested": url}
    assert event.actor_id == clerk.pk


def test_a_visitor_who_is_not_logged_in_is_sent_to_log_in_unaudited(client, admin_rows):
    for name, url in admin_urls(admin_rows):
        seq = head_seq()
        response = client.get(url)
        expected = reverse("admin:index") if name == "logout" else ADMIN_LOGIN
        assert response.status_code == 302 and response["Location"].startswith(expected), url
        assert head_seq() == seq, url


def test_an_administrator_without_a_permission_is_refused_audited(client, make_person, receiving_unit, admin_rows):
    """Staff without any model permission: the index opens (it offers nothing), every model's
    pages answer 403 and the application's page 404, each with one refusal event."""
    staff = make_person(unit=receiving_unit, username="staff", is_staff=True)
    client.force_login(staff)
    seq = head_seq()
    assert client.get(reverse("admin:index")).status_code == 200
    assert refusals_since(seq) == []
    pages = [reverse("admin:app_list", kwargs={"app_label": "registry"})]
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        row = admin_rows[model]
        pages += [reverse(f"{prefix}_changelist"), reverse(f"{prefix}_add")]
        pages += [reverse(f"{prefix}_{view}", args=[row.pk]) for view in ("change", "history", "delete")]
    for url in pages:
        seq = head_seq()
        response = client.get(url)
        assert response.status_code == (404 if url.endswith("/admin/registry/") else 403), url
        (event,) = refusals_since(seq)
        said = details(event)
        assert event.actor_id == staff.pk and said["rule"] == ADMIN_PERMISSION_RULE and said["requested"] == url


def test_a_page_the_admin_does_not_offer_is_an_audited_refusal_a_page_it_offers_is_not(client, administrator, outsider):
    client.force_login(administrator)
    seq = head_seq()
    assert client.get(reverse("admin:registry_user_changelist")).status_code == 200
    assert client.get(reverse("admin:registry_user_change", args=[outsider.pk])).status_code == 200
    assert refusals_since(seq) == []
    url = reverse("admin:registry_user_delete", args=[outsider.pk])
    assert client.get(url).status_code == 403
    (event,) = refusals_since(seq)
    assert event.actor_id == administrator.pk
    assert details(event) == {"purpose": "admin registry_user_delete", "rule": ADMIN_PERMISSION_RULE, "requested": url}


def test_a_correct_password_of_a_person_who_is_not_an_administrator_is_refused_at_the_admin_log_in(client, clerk):
    seq = head_seq()
    response = client.post(ADMIN_LOGIN, {"username": clerk.username, "password": PASSWORD})
    assert response.status_code == 200  # the log-in form again, with Django's message
    assert "_auth_user_id" not in client.session
    (event,) = refusals_since(seq)
    assert event.actor_id == clerk.pk
    assert details(event) == {"purpose": "admin login", "rule": ADMIN_SITE_RULE, "requested": ADMIN_LOGIN}
    # A wrong password is a failed log-in (audited as such), not a refusal of the admin.
    seq = head_seq()
    client.post(ADMIN_LOGIN, {"username": clerk.username, "password": "wrong"})
    assert refusals_since(seq) == []
    assert AuditEvent.objects.filter(seq__gt=seq, action=AuditAction.AUTH_LOGIN_FAILED).count() == 1

