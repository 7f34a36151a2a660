"""The one gate every page passes: logged in, then the role the page needs, before its body runs."""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View

from registry import policies
from registry.errors import RegistryError
from registry.models import AuditAction
from registry.review.scope import review_scope
from registry.roles import Role


def deny_page(request, *, purpose: str = "", requested=None):
    """The one refusal of a page, printed forms included: audited, and answered 404 like an unknown
    document: the registry does not tell strangers which pages exist for whom."""
    policies.record_refusal(
        request.user, purpose=purpose or request.path, requested=requested, action=AuditAction.ACCESS_DENIED
    )
    raise Http404(_("There is no such page, or it is not for you."))


class RegistryView(LoginRequiredMixin):
    """A page for logged-in people; with ``required_roles``, only for people holding one of them
    (``has_role`` is the hook); anyone else gets ``deny_page``."""

    required_roles: tuple[Role, ...] = ()
    denied_purpose: str = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not self.has_role(request.user):
            deny_page(request, purpose=self.denied_purpose, requested=kwargs.get("pk"))
        return super().dispatch(request, *args, **kwargs)

    def has_role(self, user) -> bool:
        return not self.required_roles or user.has_role(*self.required_roles)


class ReviewView(RegistryView):
    """A page of the ethics office's review: for ethics officers (the whole office) and unit
    supervisors (their units); ``self.scope`` says which."""

    denied_purpose = "review"

    def dispatch(self, request, *args, **kwargs):
        self.scope = review_scope(request.user) if request.user.is_authenticated else None
        return super().dispatch(request, *args, **kwargs)

    def has_role(self, user) -> bool:
        return self.scope is not None

    def scope_details(self) -> dict:
        """How the audit event of a review names its scope."""
        return {"scope": "office" if self.scope.whole_office else sorted(self.scope.units)}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["scope"] = self.scope
        context["scope_unit"] = None if self.scope.whole_office else self.request.user.unit
        return context


def page_view(*, roles: tuple[Role, ...] = (), purpose: str = ""):
    """The same gate as ``RegistryView`` for a view written as a function (the printed forms):
    logged in (else the log-in page), GET only, one of ``roles`` (else ``deny_page``)."""

    def wrap(view):
        @wraps(view)
        def gated(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if request.method not in ("GET", "HEAD"):
                return HttpResponseNotAllowed(["GET", "HEAD"])
            if roles and not request.user.has_role(*roles):
                deny_page(request, purpose=purpose, requested=kwargs.get("pk"))
            return view(request, *args, **kwargs)

        return gated

    return wrap


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


def ids(prefix: str, pk: int) -> str:
    """Distinct element ids for one row's form, so every label names its own field."""
    return f"id_{prefix}{pk}_%s"


def errors_summary(form) -> str:
    """A form's errors in one line, field by field: what an audit of the refusal records."""
    parts = []
    for name, errors in form.errors.items():
        parts.append(f"{name}: {' '.join(str(e) for e in errors)}" if name != "__all__" else " ".join(map(str, errors)))
    return "; ".join(parts)[:500]


class FormPageView(RegistryView, View):
    """A page whose form makes something new (a registration, a meeting, a party's request, a
    destruction inventory): GET shows the form, POST calls ``perform`` (the one service) and goes
    where it says; a refused form is shown again with each message on its field, and the refusal
    is recorded like every other (``policies.record_refusal``)."""

    template_name = ""
    form_class = None

    def form_kwargs(self) -> dict:
        return {}

    def perform(self, form):
        """Call the service with the form's data; return the redirect to what it made."""
        raise NotImplementedError

    def get(self, request):
        return self.page(self.form_class(**self.form_kwargs()))

    def post(self, request):
        form = self.form_class(request.POST, **self.form_kwargs())
        rule = "input"
        if form.is_valid():
            try:
                return self.perform(form)
            except RegistryError as error:
                form.add_service_error(error)
                rule = error.rule or rule
        policies.record_refusal(request.user, purpose=self.denied_purpose, rule=rule, reason=errors_summary(form))
        return self.page(form)

    def page(self, form):
        return render(self.request, self.template_name, {"form": form})


def anchor(action: str, pk: int | None = None) -> str:
    """The element id of an action's form on a page, which a to-do links to (``#sign-for``,
    ``#copy-pass-12``) and a refused form is shown again at."""
    name = action.replace("_", "-")
    return f"{name}-{pk}" if pk is not None else name


class RefusedForm:
    """A form that was posted and refused: which action (and row) it belongs to, what was typed and
    the service's refusal, if it got that far. The page it came from binds it again in place."""

    def __init__(self, action: str, pk: int | None, data, error: RegistryError | None = None, *, target=None):
        self.target = target  # what the action was on (a page shows the form again only for it)
        self.key = anchor(action, pk)
        self.data = data
        self.error = error
        self.placed = False


class PageForms:
    """The forms of one page, each with its ``anchor``; the one that was refused (if any) is bound
    to what was typed and carries its errors, so the person corrects it where they wrote it."""

    def __init__(self, refused: RefusedForm | None = None):
        self.refused = refused

    def make(self, action: str, form_class, pk: int | None = None, **kwargs):
        key = anchor(action, pk)
        refused = self.refused
        if refused is not None and refused.key == key and not refused.placed:
            form = form_class(refused.data, **kwargs)
            form.is_valid()
            if refused.error is not None:
                form.add_service_error(refused.error)
            refused.placed = True
        else:
            form = form_class(**kwargs)
        form.anchor = key
        return form
