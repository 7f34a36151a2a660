"""The search of the audit trail (稽核紀錄查詢) and its CSV export.

Ethics officers search the whole trail; unit supervisors the events of their unit subtree (their
people's events, and events on their units' documents). Every search and every export is itself
recorded in the chain (``AUDIT_SEARCH``; an export says ``"export": true``). Neither the page nor
the CSV ever shows a document's subject, and free text in the details of an event about a document
the reviewer does not know is masked (``registry.review.details``).
"""

from __future__ import annotations

from django.db.models import Model
from django.utils import timezone
from django.views.generic import TemplateView

from registry import audit
from registry.models import AuditAction
from registry.review import reports
from registry.review.chain import chain_head, latest_verification
from registry.review.details import with_known
from registry.review.export import csv_response
from registry.review.forms import TrailSearchForm
from registry.views.base import ReviewView, paginate


def _detail(value):
    if isinstance(value, Model):
        return value.pk
    return value if isinstance(value, int) else str(value)


class AuditSearchView(ReviewView, TemplateView):
    """/audit/: the trail, filtered by person, unit, document, action, level and period.

    ``?format=csv`` (or /audit/export.csv) streams the same filtered events as CSV.
    """

    template_name = "audit/audit_search.html"
    denied_purpose = "audit_search"
    export = False

    def get(self, request, *args, **kwargs):
        form = TrailSearchForm(request.GET or None, scope=self.scope)
        filters = form.filters()
        export = self.export or request.GET.get("format") == "csv"
        if filters or export:
            # The search itself is a handling record: who looked for what.
            details = {name: _detail(value) for name, value in filters.items()}
            if export:
                details["export"] = True
            audit.record(
                action=AuditAction.AUDIT_SEARCH,
                actor=request.user,
                details={**details, **self.scope_details()},
            )
        events = reports.trail_events(self.scope, **filters)
        if export:
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
            return csv_response(with_known(events, request.user), filename=f"audit-trail-{stamp}.csv")
        context = self.get_context_data(**kwargs)
        query = request.GET.copy()
        query.pop("page", None)
        query.pop("format", None)
        context.update(
            form=form,
            searched=bool(filters),
            page=paginate(request, reports.event_rows(events, request.user)),
            head=chain_head(),
            verification=latest_verification(),
            export_query=query.urlencode(),
        )
        return self.render_to_response(context)


class AuditExportView(AuditSearchView):
    """/audit/export.csv: the CSV of the search the query string describes."""

    export = True
