"""登記簿: the register a person may read, with the subject masked where they have no need to know."""

from __future__ import annotations

from django.views.generic import TemplateView

from registry import selectors
from registry.forms import RegisterFilterForm
from registry.views.base import RegistryView


class RegisterListView(RegistryView, TemplateView):
    """Everyone logged in; ``policies.register_for`` decides the rows, ``known`` the masking. Pages
    are found by key (``?after=`` / ``?before=``), so the last page costs what the first does."""

    template_name = "register/register_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = RegisterFilterForm(self.request.GET or None)
        page = selectors.register_page(
            self.request.user,
            after=self.request.GET.get("after", ""),
            before=self.request.GET.get("before", ""),
            **form.filters(),
        )
        context.update(form=form, page=page)
        return context
