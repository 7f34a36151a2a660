"""登記簿: the register a person may read, with the subject masked where they have no need to know."""

from __future__ import annotations

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from registry import audit, selectors
from registry.exports import csv_lines, xlsx_bytes
from registry.forms import RegisterFilterForm
from registry.models import AuditAction
from registry.selectors.register_export import audit_filters, register_rows
from registry.views.base import RegistryView

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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


class RegisterExportView(RegistryView, View):
    """The register as CSV or XLSX (``?format=xlsx``), filtered as the page is, with the subject
    masked (密不錄由) where the person does not know the document and ROC dates; audited with its
    filters."""

    def get(self, request):
        form = RegisterFilterForm(request.GET or None)
        filters = form.filters()
        filters.pop("size", None)
        kind = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
        rows = register_rows(request.user, **filters)
        audit.record(
            action=AuditAction.PRINT,
            actor=request.user,
            details={"form": f"register_{kind}", "filters": audit_filters(filters)},
        )
        stem = f"register-{timezone.localdate():%Y%m%d}"
        if kind == "xlsx":
            response = HttpResponse(xlsx_bytes(rows), content_type=XLSX)
        else:
            response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{stem}.{kind}"'
        return response
