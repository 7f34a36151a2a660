"""The ethics office's review pages (政風查核): the audit chain's state, a person's activity, the
anomaly reports.

Ethics officers review the whole office; unit supervisors the same pages limited to their unit
subtree (``registry.review.scope``); everybody else gets the RegistryView gate's audited 404.
No page here shows a document's subject: registration numbers and levels only. Looking at a report
is itself recorded in the chain (``AUDIT_SEARCH``), like a search of the trail.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View

from registry import audit, policies
from registry.models import AuditAction, User, VerificationSource
from registry.review import reports
from registry.review.chain import chain_head, latest_verification, verify_and_record
from registry.review.forms import PeriodForm
from registry.roles import Role
from registry.views.base import ReviewView, paginate

# Titles and what each report finds, in the order the review page lists them.
REPORT_TITLES = {
    "refused": gettext_lazy("Refused accesses"),
    "off-hours": gettext_lazy("Views outside office hours"),
    "bursts": gettext_lazy("Unusually many documents viewed in a short time"),
    "open-grants": gettext_lazy("Grants without an end on the highest levels"),
    "unreturned-copies": gettext_lazy("Copies not returned after a recall"),
    "overdue-loans": gettext_lazy("Loans overdue"),
    "declassification": gettext_lazy("Past the declassification condition and not reviewed"),
}


_WEEKDAYS = {
    1: gettext_lazy("Monday"),
    2: gettext_lazy("Tuesday"),
    3: gettext_lazy("Wednesday"),
    4: gettext_lazy("Thursday"),
    5: gettext_lazy("Friday"),
    6: gettext_lazy("Saturday"),
    7: gettext_lazy("Sunday"),
}


def _clock(hours: float) -> str:
    return f"{int(hours):02d}:{round((hours - int(hours)) * 60):02d}"


def report_about(slug: str) -> str:
    """What a report finds, with the thresholds of the settings."""
    opens, closes = settings.REGISTRY_OFFICE_HOURS
    days = ", ".join(str(_WEEKDAYS[d]) for d in sorted(settings.REGISTRY_OFFICE_DAYS) if d in _WEEKDAYS)
    texts = {
        "refused": _("Accesses refused (not-found answers) and actions refused, per person, in the period."),
        "off-hours": _(
            "Views and prints of documents outside office hours (%(opens)s to %(closes)s, Taipei time) "
            "or on days that are not office days (office days: %(days)s)."
        )
        % {"opens": _clock(opens), "closes": _clock(closes), "days": days or "—"},
        "bursts": _(
            "People who viewed more than %(count)d distinct documents within %(minutes)d minutes "
            "(any window of that length in the period)."
        )
        % {"count": settings.REGISTRY_VIEW_BURST_COUNT, "minutes": settings.REGISTRY_VIEW_BURST_MINUTES},
        "open-grants": _(
            "Live need-to-know grants without an end date on documents of the two highest levels "
            "(極機密, 絕對機密), as they stand now."
        ),
        "unreturned-copies": _(
            "Numbered copies still held more than %(days)d days after they were recalled, as they stand now."
        )
        % {"days": settings.REGISTRY_RECALL_GRACE_DAYS},
        "overdue-loans": _("Documents lent from the archive and not back by their due date, as they stand now."),
        "declassification": _(
            "Documents whose declassification condition is met, not yet declassified, and not reviewed "
            "since the condition was met."
        ),
    }
    return texts[slug]


def period_from(request) -> tuple[PeriodForm, object, object]:
    """The period form of a page, and its days (the last 30 days when none is given)."""
    default_from, default_to = reports.default_period()
    form = PeriodForm(request.GET or None, initial={"date_from": default_from, "date_to": default_to})
    filters = form.filters()
    return form, filters.get("date_from", default_from), filters.get("date_to", default_to)


def _audit_review(request, scope_details: dict, **details) -> None:
    audit.record(action=AuditAction.AUDIT_SEARCH, actor=request.user, details={**details, **scope_details})


class ReviewHomeView(ReviewView, TemplateView):
    """/review/: the chain's state and the reports, each with how many rows it has now."""

    template_name = "review/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        date_from, date_to = reports.default_period()
        start, end = reports.period_bounds(date_from, date_to)
        summary = []
        for slug, is_period in reports.REPORTS.items():
            total, capped = reports.report_count(reports.report_rows(slug, self.scope, start, end))
            summary.append(
                {
                    "slug": slug,
                    "title": REPORT_TITLES[slug],
                    "is_period": is_period,
                    "total": total,
                    "capped": capped,
                    "total_display": f"{total:,}",
                }
            )
        context.update(
            verification=latest_verification(),
            head=chain_head(),
            may_verify=self.request.user.has_role(Role.ETHICS),
            reports=summary,
            date_from=date_from,
            date_to=date_to,
            inspection_query=f"from={date_from.isoformat()}&to={date_to.isoformat()}",
        )
        return context


class ChainVerifyView(ReviewView, View):
    """POST: verify the chain now from the head of the last whole verification onwards (only the
    events added since, so a request stays short however long the chain grows), and record it
    (ethics officers only). ``manage.py verify_audit`` verifies the whole chain."""

    http_method_names = ["post"]
    denied_purpose = "chain_verify"

    def has_role(self, user) -> bool:
        return user.has_role(Role.ETHICS)

    def post(self, request, *args, **kwargs):
        result = verify_and_record(source=VerificationSource.PAGE, user=request.user, incremental=True)
        if result.whole:
            messages.success(
                request,
                _("The audit chain is whole: %(count)d events verified, from sequence number %(from)d through %(seq)d.")
                % {"count": result.checked, "from": result.from_seq or 1, "seq": result.through_seq or 0},
            )
        else:
            messages.error(
                request,
                _("The audit chain is BROKEN at sequence number %(seq)d: %(problem)s")
                % {"seq": result.broken_seq, "problem": result.problem},
            )
        return redirect("registry:review_home")


class ReportView(ReviewView, TemplateView):
    """/review/reports/<slug>/: one anomaly report, paginated."""

    template_name = "review/report.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        slug = self.kwargs["report"]
        if slug not in reports.REPORTS:
            raise Http404(_("There is no such report."))
        is_period = reports.REPORTS[slug]
        form, date_from, date_to = period_from(self.request)
        start, end = reports.period_bounds(date_from, date_to) if is_period else (None, None)
        rows = reports.report_rows(slug, self.scope, start, end, viewer=self.request.user)
        page = paginate(self.request, rows)
        details = {"report": slug}
        if is_period:
            details.update({"date_from": date_from.isoformat(), "date_to": date_to.isoformat()})
        _audit_review(self.request, self.scope_details(), **details)
        if slug == "refused":
            context["by_rule"] = list(reports.refusals_by_rule(self.scope, start, end)[:50])
        context.update(
            slug=slug,
            about=report_about(slug),
            rows_template=f"review/reports/{slug.replace('-', '_')}.html",
            title=REPORT_TITLES[slug],
            is_period=is_period,
            form=form,
            date_from=date_from,
            date_to=date_to,
            page=page,
        )
        return context


class PeopleView(ReviewView, TemplateView):
    """/review/people/: the people the reviewer may review, each linked to their activity report."""

    template_name = "review/people.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        people = reports.people_in_scope(self.scope)
        query = self.request.GET.get("q", "").strip()[:150]
        if query:
            people = people.filter(Q(username__icontains=query) | Q(full_name__icontains=query))
        context.update(query=query, page=paginate(self.request, people))
        return context


class PersonActivityView(ReviewView, TemplateView):
    """/review/people/<id>/: what one person did in a period — counts per action and the events."""

    template_name = "review/person.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person = User.objects.select_related("unit").filter(pk=self.kwargs["user_id"]).first()
        if person is None or not self.scope.covers_person(person):
            policies.record_denied(self.request.user, None, purpose="review_person")
            raise Http404(_("There is no such page, or it is not for you."))
        form, date_from, date_to = period_from(self.request)
        start, end = reports.period_bounds(date_from, date_to)
        events = reports.person_activity(self.scope, person, start, end)
        counts = reports.action_counts(events)
        _audit_review(
            self.request,
            self.scope_details(),
            report="person",
            person=person.pk,
            date_from=date_from.isoformat(),
            date_to=date_to.isoformat(),
        )
        context.update(
            person=person,
            form=form,
            date_from=date_from,
            date_to=date_to,
            counts=counts,
            total=sum(row["count"] for row in counts),
            page=paginate(self.request, reports.event_rows(events, self.request.user)),
        )
        return context
