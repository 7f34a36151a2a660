"""待辦: what waits for the person, by role."""

from __future__ import annotations

from django.views.generic import TemplateView

from registry import selectors
from registry.views.base import RegistryView


class DashboardView(RegistryView, TemplateView):
    """Everyone logged in; each list is limited to what the person's roles reach."""

    template_name = "dashboard/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["lists"] = selectors.dashboard_for(self.request.user)
        return context
