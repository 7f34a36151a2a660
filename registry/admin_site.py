"""The registry's admin site: Django's, with every refusal audited like the rest of the registry's.

``RegistryAdminConfig`` (``registry.apps``) makes it the default site, so ``admin.site`` is this one
and every model admin is registered on it. The refusals, all through ``policies.record_refusal`` as
``ACCESS_DENIED``, one event per refused request:

- a logged-in person who is not an administrator (not staff, or inactive) asking for any admin
  URL (rule ``admin_site``); they still get the admin's own answer, a redirect to its log-in;
- an administrator refused by a model admin (``PermissionDenied``, answered 403: a page that is
  not offered, such as deleting a person, or a model they have no permission for), or asking for
  the page of an application none of whose models they may see (answered 404) (rule
  ``admin_permission``);
- a correct password of a person who is not an administrator at the admin's log-in (rule
  ``admin_site``).

Visitors who are not logged in are sent to the log-in page unaudited, as everywhere in the registry
(``RegistryView``); their failed log-ins are audited by ``registry.signals``.
"""

from __future__ import annotations

from functools import update_wrapper

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy

from registry.models import AuditAction
from registry.policies import record_refusal

# The rules the refusals name (``registry.policies.labels`` names them for people).
ADMIN_SITE_RULE = "admin_site"
ADMIN_PERMISSION_RULE = "admin_permission"


def record_admin_refusal(request, *, rule: str, user=None) -> None:
    """One refusal of the admin site, named by the admin URL asked for."""
    match = getattr(request, "resolver_match", None)
    name = match.url_name if match is not None and match.url_name else "page"
    record_refusal(
        user if user is not None else request.user,
        purpose=f"admin {name}",
        rule=rule,
        requested=request.path,
        action=AuditAction.ACCESS_DENIED,
    )


class AdminLoginForm(AdminAuthenticationForm):
    """The admin's log-in: a person who is not an administrator is refused as Django refuses them
    (the same message as a wrong password), and the refusal is recorded under their name."""

    def confirm_login_allowed(self, user):
        try:
            super().confirm_login_allowed(user)
        except ValidationError:
            record_admin_refusal(self.request, rule=ADMIN_SITE_RULE, user=user)
            raise


class RegistryAdminSite(admin.AdminSite):
    """Django's admin site, auditing its refusals (see the module's docstring)."""

    login_form = AdminLoginForm
    site_header = gettext_lazy("Classified document registry: administration")
    site_title = gettext_lazy("Classified document registry administration")
    index_title = gettext_lazy("Units, people, roles and second-factor devices")

    def admin_view(self, view, cacheable=False):
        """Django's wrapper (the administrator check, CSRF, no caching), with the refusals it and
        the view make recorded."""

        def permitted(request, *args, **kwargs):
            try:
                return view(request, *args, **kwargs)
            except PermissionDenied:
                record_admin_refusal(request, rule=ADMIN_PERMISSION_RULE)
                raise

        checked = super().admin_view(update_wrapper(permitted, view), cacheable)

        def inner(request, *args, **kwargs):
            # Django's wrapper answers a person who is not an administrator with a redirect to
            # the admin's log-in (from its log-out, to its index); that answer is kept.
            if request.user.is_authenticated and not self.has_permission(request):
                record_admin_refusal(request, rule=ADMIN_SITE_RULE)
            return checked(request, *args, **kwargs)

        return update_wrapper(inner, checked)

    def app_index(self, request, app_label, extra_context=None):
        """An application with models in the admin, none of which the administrator may see,
        answers 404 as Django's does; that is a refusal."""
        try:
            return super().app_index(request, app_label, extra_context)
        except Http404:
            if any(model._meta.app_label == app_label for model in self._registry):
                record_admin_refusal(request, rule=ADMIN_PERMISSION_RULE)
            raise
