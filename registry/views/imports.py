"""匯入舊登記簿: a clerk brings a paper register typed into a spreadsheet into the registry.

The page checks the file first (always) and shows each row's errors with its row and column; only
with "import" ticked and no error does it import, all rows or none (``services.imports``). A refused
import (errors, or a file that cannot be read) is recorded once like every refusal."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from registry import policies
from registry.errors import NotPermitted
from registry.imports import COLUMNS, MAX_BYTES, TableError, read_table, template_csv
from registry.roles import Role
from registry.services.imports import import_register
from registry.views.base import RegistryView

REPORT_ROWS = 500


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Register file (CSV or XLSX)"),
        help_text=gettext_lazy("In the template's layout; at most 50 MB."),
    )
    commit = forms.BooleanField(
        label=gettext_lazy("Import when every row is correct (otherwise only check)"), required=False
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 50 MB; split the register into several files."))
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        return upload


class RegisterImportView(RegistryView, View):
    required_roles = (Role.CLERK,)
    denied_purpose = "import_register"
    template_name = "register/import.html"

    def get(self, request):
        return self.page(ImportForm())

    def post(self, request):
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            policies.record_refusal(request.user, purpose=self.denied_purpose, rule="input",
                                    reason="; ".join(e for errs in form.errors.values() for e in errs))
            return self.page(form)
        upload = form.cleaned_data["file"]
        commit = form.cleaned_data["commit"]
        try:
            table = read_table(upload.read(), upload.name)
            report = import_register(actor=request.user, rows=table.rows, commit=commit)
        except (TableError, NotPermitted) as error:
            form.add_error("file", str(error))
            policies.record_refusal(request.user, purpose=self.denied_purpose, rule="import_register", reason=str(error))
            return self.page(form)
        if report.errors and commit:
            policies.record_refusal(
                request.user,
                purpose=self.denied_purpose,
                rule="import_register",
                reason=_("%(count)s rows have errors; nothing was imported.") % {"count": len({e.row for e in report.errors})},
            )
        if report.committed:
            messages.success(
                request,
                _("%(count)s documents imported (%(first)s to %(last)s).")
                % {"count": len(report.created), "first": report.created[0].number, "last": report.created[-1].number},
            )
            return redirect("registry:register")
        return self.page(form, report=report)

    def page(self, form, report=None):
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "report": report,
                "errors": report.errors[:REPORT_ROWS] if report else [],
                "more_errors": max(0, len(report.errors) - REPORT_ROWS) if report else 0,
                "bad_rows": len({e.row for e in report.errors}) if report else 0,
                "columns": COLUMNS,
            },
        )


class ImportTemplateView(RegistryView, View):
    """The file a clerk fills in: the columns' titles and what each takes."""

    required_roles = (Role.CLERK,)
    denied_purpose = "import_register"

    def get(self, request):
        response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="register-import-template.csv"'
        return response
