"""待辦: what waits for the person, by role (``selectors.dashboard``)."""

from __future__ import annotations

from django.views.generic import TemplateView

from registry.selectors.dashboard import dashboard_for
from registry.views.base import RegistryView


class DashboardView(RegistryView, TemplateView):
    """Everyone logged in; each list is limited to what the person's roles reach."""

    template_name = "dashboard/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(dashboard_for(self.request.user))
        return context
