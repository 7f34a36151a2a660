"""登記簿: the register a person may read, with the subject masked where they have no need to know."""

from __future__ import annotations

from django.views.generic import TemplateView

from registry import selectors
from registry.forms import RegisterFilterForm
from registry.views.base import RegistryView, paginate


class RegisterListView(RegistryView, TemplateView):
    """Everyone logged in; ``policies.register_for`` decides the rows, ``known`` the masking."""

    template_name = "register/register_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = RegisterFilterForm(self.request.GET or None)
        queryset = selectors.register_list(self.request.user, **form.filters())
        context.update(form=form, page=paginate(self.request, queryset))
        return context
