"""The ethics office's search of the audit chain (稽核紀錄查詢)."""

from __future__ import annotations

from django.views.generic import TemplateView

from registry import audit, selectors
from registry.forms import AuditSearchForm
from registry.models import AuditAction
from registry.roles import Role
from registry.views.base import RegistryView, paginate


class AuditSearchView(RegistryView, TemplateView):
    """Ethics officers only. Shows handling records, never a document's subject."""

    template_name = "audit/audit_search.html"
    required_roles = (Role.ETHICS,)
    denied_purpose = "audit_search"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = AuditSearchForm(self.request.GET or None)
        filters = form.filters()
        if filters:
            # The search itself is a handling record: who looked for what.
            audit.record(
                action=AuditAction.AUDIT_SEARCH,
                actor=self.request.user,
                details={name: str(value) for name, value in filters.items()},
            )
        context.update(
            form=form,
            searched=bool(filters),
            page=paginate(self.request, selectors.audit_events(**filters)),
            head=selectors.chain_head(),
        )
        return context
