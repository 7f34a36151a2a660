"""The people page (人員): administrators change clearances, transfer, deactivate, hand over and
name the agency head; a unit supervisor hands over the items of their units' people. Every change
goes through ``registry.services.people``; what each page offers is the rule book's ``can_*``.

Also the hand-over list (移交清冊) and its signing by the successor, and a person's own account page:
their recent log-ins, hand-overs waiting for their signature, and the change of their password.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from registry import policies
from registry.errors import RegistryError
from registry.forms.personnel import (
    ClearanceForm,
    ConfirmForm,
    DeactivateForm,
    HandoverForm,
    SignHandoverForm,
    TransferForm,
)
from registry.models import AuditAction, Handover, HandoverReason, User
from registry.policies.people import (
    can_change_person,
    can_designate_agency_head,
    can_handover,
    can_manage_people,
    can_reactivate,
    can_read_handover,
    can_sign_handover,
    is_administrator,
)
from registry.policies.scope import UnitScope
from registry.roles import Role
from registry.selectors import people as selectors
from registry.services import people as services
from registry.views.actions import NO_SUCH_PAGE, ActionView
from registry.views.base import RegistryView, errors_summary, paginate


def people_for(user):
    """The people a person may open on the people page: everyone for the administrator, their
    units' people for a supervisor, nobody else."""
    people = User.objects.select_related("unit")
    if is_administrator(user):
        return people
    if user.has_role(Role.SUPERVISOR) and user.unit_id:
        return people.filter(UnitScope.of(user).people_q())
    return people.none()


def person_or_404(user, pk) -> User:
    person = people_for(user).filter(pk=pk).first()
    if person is None:
        policies.record_refusal(user, purpose="person", requested=pk, action=AuditAction.ACCESS_DENIED)
        raise Http404(NO_SUCH_PAGE)
    return person


class PeopleListView(RegistryView, TemplateView):
    """/people/: everyone, by unit, with their clearance, roles and state (administrators)."""

    template_name = "people/people_list.html"
    denied_purpose = "people_list"

    def has_role(self, user) -> bool:
        return can_manage_people(user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.get("q", "")[:100]
        people = selectors.people_list(query=query).prefetch_related("groups")
        context.update(page=paginate(self.request, people), query=query)
        return context


class PersonDetailView(RegistryView, TemplateView):
    """/people/<pk>/: one person, what they hold, the changes made to them, and the actions offered."""

    template_name = "people/person_detail.html"
    denied_purpose = "person"

    def has_role(self, user) -> bool:
        return can_manage_people(user) or user.has_role(Role.SUPERVISOR)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        person = person_or_404(user, kwargs["pk"])
        change = can_change_person(user, person)
        items = selectors.holdings(person)
        context.update(
            person=person,
            roles=sorted(person.groups.values_list("name", flat=True)),
            items=items,
            item_rows=[(item, None) for item in items],
            changes=selectors.person_changes(person),
            handovers=selectors.handovers_of(person)[:20],
            # Several forms on one page: each its own element ids, so every label names its own field.
            clearance_form=ClearanceForm(initial={"clearance": person.clearance}, auto_id="clearance_%s") if change else None,
            transfer_form=TransferForm(auto_id="transfer_%s") if change else None,
            deactivate_form=DeactivateForm(auto_id="deactivate_%s") if change and person.is_active else None,
            reactivate_form=ConfirmForm() if can_reactivate(user, person) else None,
            head_form=ConfirmForm() if can_designate_agency_head(user, person) else None,
            may_handover=can_handover(user, person),
        )
        return context


class PersonActionView(ActionView):
    """An action on a person, by POST; a person the actor may not open is an audited 404."""

    def get_object(self, pk):
        return person_or_404(self.request.user, pk)

    def may_see(self, person) -> bool:
        return True  # ``person_or_404`` already refused strangers

    def success_url(self, person) -> str:
        return reverse("registry:person_detail", kwargs={"pk": person.pk})

    def back_url(self, person) -> str:
        return self.success_url(person)


class PersonClearanceView(PersonActionView):
    action = "person_clearance"
    form_class = ClearanceForm

    def perform(self, person, row, form):
        data = form.cleaned_data
        held = services.person_change_clearance(
            actor=self.request.user, person=person, clearance=data["clearance"], reason=data["reason"]
        )
        if held:
            messages.warning(
                self.request,
                _("%(person)s still holds items above the new clearance; hand them over: %(items)s")
                % {"person": person.display_name, "items": ", ".join(item.label for item in held)},
            )
        return _("The clearance of %(person)s is changed.") % {"person": person.display_name}


class PersonTransferView(PersonActionView):
    action = "person_transfer"
    form_class = TransferForm

    def perform(self, person, row, form):
        data = form.cleaned_data
        services.person_transfer(
            actor=self.request.user, person=person, unit=data["unit"], reason=data["reason"], successor=data["successor"]
        )
        return _("%(person)s is transferred to %(unit)s.") % {"person": person.display_name, "unit": data["unit"].name}


class PersonDeactivateView(PersonActionView):
    action = "person_deactivate"
    form_class = DeactivateForm

    def perform(self, person, row, form):
        data = form.cleaned_data
        services.person_deactivate(actor=self.request.user, person=person, reason=data["reason"], successor=data["successor"])
        return _("The account of %(person)s is disabled.") % {"person": person.display_name}


class PersonReactivateView(PersonActionView):
    action = "person_reactivate"
    form_class = ConfirmForm

    def perform(self, person, row, form):
        services.person_reactivate(actor=self.request.user, person=person, reason=form.cleaned_data["reason"])
        return _("The account of %(person)s is enabled again.") % {"person": person.display_name}


class PersonAgencyHeadView(PersonActionView):
    action = "person_agency_head"
    form_class = ConfirmForm

    def perform(self, person, row, form):
        services.designate_agency_head(actor=self.request.user, person=person)
        return _("%(person)s is now the agency head.") % {"person": person.display_name}


class PersonHandoverView(RegistryView, TemplateView):
    """/people/<pk>/handover/: the list of every item first (GET, with the successor named: whether
    they are cleared for each), then the hand-over itself (POST)."""

    template_name = "people/person_handover.html"
    denied_purpose = "person_handover"

    def has_role(self, user) -> bool:
        return can_manage_people(user) or user.has_role(Role.SUPERVISOR)

    def get(self, request, pk):
        person = person_or_404(request.user, pk)
        name = request.GET.get("successor", "")[:150]
        form = HandoverForm(initial={"successor": name})
        successor = None
        if name:
            try:
                successor = form.fields["successor"].clean(name)
            except ValidationError:
                form = HandoverForm({"successor": name, "reason": HandoverReason.OTHER})
                form.is_valid()  # shows the successor field's error
        return self.page(person, form, successor)

    def post(self, request, pk):
        person = person_or_404(request.user, pk)
        form = HandoverForm(request.POST)
        rule = "input"
        if form.is_valid():
            data = form.cleaned_data
            try:
                handover = services.handover_record(
                    actor=request.user, person=person, successor=data["successor"], reason=data["reason"], note=data["note"]
                )
            except RegistryError as error:
                form.add_service_error(error)
                rule = error.rule or rule
            else:
                messages.success(
                    request,
                    _("Handed over to %(person)s; they sign for it on their account page.") % {"person": handover.successor.display_name},
                )
                return redirect("registry:handover_detail", pk=handover.pk)
        policies.record_refusal(request.user, purpose=self.denied_purpose, rule=rule, target=person, reason=errors_summary(form))
        return self.page(person, form, None)

    def page(self, person, form, successor):
        items = selectors.holdings(person)
        clearance = successor.clearance or 0 if successor else None
        rows = [(item, None if successor is None else bool(item.level is None or item.level <= clearance)) for item in items]
        context = self.get_context_data(
            person=person, form=form, rows=rows, successor=successor, may_handover=can_handover(self.request.user, person)
        )
        return self.render_to_response(context)


def handover_or_404(user, pk) -> Handover:
    handover = Handover.objects.select_related("predecessor__unit", "successor__unit", "by").filter(pk=pk).first()
    if handover is None or not can_read_handover(user, handover):
        policies.record_refusal(user, purpose="handover", requested=pk, action=AuditAction.ACCESS_DENIED)
        raise Http404(NO_SUCH_PAGE)
    return handover


class HandoverDetailView(RegistryView, TemplateView):
    """/handovers/<pk>/: the hand-over list (numbers and levels), its signatures, the signing."""

    template_name = "people/handover_detail.html"
    denied_purpose = "handover"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        handover = handover_or_404(self.request.user, kwargs["pk"])
        context.update(
            handover=handover,
            items=list(handover.items.select_related("document")),
            may_sign=can_sign_handover(self.request.user, handover),
        )
        return context


class HandoverSignView(ActionView):
    """The successor signs for the hand-over (接交簽收)."""

    action = "handover_sign"
    form_class = SignHandoverForm

    def get_object(self, pk):
        return handover_or_404(self.request.user, pk)

    def success_url(self, handover) -> str:
        return reverse("registry:handover_detail", kwargs={"pk": handover.pk})

    def back_url(self, handover) -> str:
        return self.success_url(handover)

    def perform(self, handover, row, form):
        services.handover_sign(actor=self.request.user, handover=handover)
        return _("You signed for hand-over #%(id)s.") % {"id": handover.pk}


class AccountView(RegistryView, TemplateView):
    """/account/: the person's own recent log-ins, the hand-overs waiting for their signature, and
    the change of their password."""

    template_name = "people/account.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(logins=selectors.recent_logins(user), unsigned=selectors.unsigned_handovers(user))
        return context


class PasswordChangeView(RegistryView, auth_views.PasswordChangeView):
    """Django's password change, in the registry's layout; the change is audited (never the password)."""

    template_name = "people/password_change.html"
    success_url = reverse_lazy("registry:account")

    def form_invalid(self, form):
        policies.record_refusal(self.request.user, purpose="password_change", rule="input", reason=errors_summary(form))
        return super().form_invalid(form)

    def form_valid(self, form):
        response = super().form_valid(form)
        services.person_set_password(actor=self.request.user, person=self.request.user, password=None)
        messages.success(self.request, _("Your password is changed."))
        return response
