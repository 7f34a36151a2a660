"""The one gate every page passes: logged in, then the role the page needs, before its body runs."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Page, Paginator
from django.http import Http404
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from registry import policies
from registry.roles import Role


class RegistryView(LoginRequiredMixin):
    """A page for logged-in people; with ``required_roles``, only for people holding one of them.

    A refusal is audited (``policies.record_denied``) and answers 404, like an unknown document:
    the registry does not tell strangers which pages exist for whom.
    """

    required_roles: tuple[Role, ...] = ()
    denied_purpose: str = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not self.has_role(request.user):
            policies.record_denied(request.user, None, purpose=self.denied_purpose or request.path)
            raise Http404(_("There is no such page, or it is not for you."))
        return super().dispatch(request, *args, **kwargs)

    def has_role(self, user) -> bool:
        return not self.required_roles or user.has_role(*self.required_roles)


def safe_next(request) -> str:
    """The ``next`` a form posted, if it is a path of this site; else "".

    Only a path: ``redirect`` would take any other word (``' OR 1=1 --``) for the name of a view.
    """
    target = request.POST.get("next", "")
    if (
        target.startswith("/")
        and not target.startswith("//")
        and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    ):
        return target
    return ""


def paginate(request, queryset) -> Page:
    """One page of ``queryset`` (``?page=``); a bad or too large page number gives a real page."""
    return Paginator(queryset, settings.REGISTRY_PAGE_SIZE).get_page(request.GET.get("page"))
