"""操作說明 and 名詞解釋: what each role does, in what order, under which rule; and the words.

The pages hold no document and no person: every logged-in person may read every role's help (a
clerk may want to know what the supervisor does next). The help of the person's own roles is
listed first. The text is zh-Hant, the registry's language; it lives in templates/help/.
"""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from registry.roles import Role
from registry.views.base import RegistryView

# URL slug → (role, the page's title).
ROLES = {
    "clerk": (Role.CLERK, _("Help for clerks (收發人員)")),
    "supervisor": (Role.SUPERVISOR, _("Help for unit supervisors (單位主管)")),
    "handler": (Role.HANDLER, _("Help for designated handlers (密件承辦人)")),
    "archivist": (Role.ARCHIVIST, _("Help for archivists (檔案管理人員)")),
    "ethics": (Role.ETHICS, _("Help for ethics officers (政風人員)")),
    "admin": (Role.ADMIN, _("Help for administrators (系統管理者)")),
}


class HelpIndexView(RegistryView, TemplateView):
    """/help/: each role's help, the person's own roles first, and the glossary."""

    template_name = "help/index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        pages = [(slug, title, user.has_role(role)) for slug, (role, title) in ROLES.items()]
        context["own"] = [page for page in pages if page[2]]
        context["others"] = [page for page in pages if not page[2]]
        return context


class HelpRoleView(RegistryView, TemplateView):
    """/help/<role>/: what the role does, step by step, with the rule behind each step."""

    def get_template_names(self):
        return [f"help/{self.kwargs['role']}.html"]

    def get(self, request, *args, **kwargs):
        if kwargs["role"] not in ROLES:
            raise Http404(_("There is no such page, or it is not for you."))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = ROLES[self.kwargs["role"]][1]
        context["others"] = [(slug, title) for slug, (_role, title) in ROLES.items() if slug != self.kwargs["role"]]
        return context


class GlossaryView(RegistryView, TemplateView):
    """/help/glossary/: 名詞解釋."""

    template_name = "help/glossary.html"
