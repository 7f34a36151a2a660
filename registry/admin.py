"""Administrators manage units and people here. Documents are not in the admin: every change to a
document goes through the services, and every read through the need-to-know check."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from registry import policies
from registry.auth.admin import SecondFactorUserAdminMixin
from registry.errors import RegistryError
from registry.forms.personnel import PersonField
from registry.hygiene import CleanInputMixin
from registry.models import AuditAction, StorageLocation, Unit, User
from registry.policies.people import refuse_successor, require_change_person, require_handover, require_reactivate
from registry.selectors.people import holdings
from registry.services import people as people_services


class NeverDeletedAdmin(admin.ModelAdmin):
    """Rows that the registry's history names are never deleted in the admin.

    Documents, grants, handling steps, meetings, loans and the audit chain point at people and
    units with PROTECT, so their deletion could only fail; and the confirmation page Django shows
    first lists every row that stands in the way, which would tell the administrator what those
    rows are. So neither the deletion page nor the "delete selected" action is offered: a person
    who leaves is made inactive, a unit is renamed or moved, a storage location is retired.
    """

    def has_delete_permission(self, request, obj=None):
        return False

    def get_form(self, request, obj=None, **kwargs):
        """The admin's form, with the registry's input hygiene: a refusal beside its field, not a 500."""
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (CleanInputMixin, form), {})


@admin.register(Unit)
class UnitAdmin(NeverDeletedAdmin):
    list_display = ("code", "name", "parent", "is_superior_agency")
    search_fields = ("code", "name")
    list_filter = ("is_superior_agency",)


class PersonChangeForm(UserChangeForm):
    """The admin's form of a person. A change of clearance, unit, active flag or roles is checked
    here against the rule book (before anything is saved) and then made by the people services:
    a transfer or deactivation of a person who holds anything names a successor, who takes it over
    in the same step."""

    change_reason = forms.CharField(
        label=_("Reason for the change"),
        max_length=300,
        required=False,
        help_text=_("Recorded in the audit trail; required for a change of clearance or a deactivation."),
    )
    successor = PersonField(
        label=_("Successor for what they hold"),
        required=False,
        help_text=_("For a transfer or deactivation of a person who holds documents, copies, loans, meeting roles or requests."),
    )
    request = None  # set by the admin

    def changed_standing(self, data) -> dict:
        """What the post changes among the fields the services change (old and new values)."""
        person = self.instance  # before ``_post_clean``: still the stored values
        changed = {}
        for name in ("clearance", "unit", "is_active", "is_staff"):
            if name in data and data[name] != getattr(person, name):
                changed[name] = data[name]
        if "groups" in data and set(data["groups"]) != set(person.groups.all()):
            changed["groups"] = data["groups"]
        return changed

    def clean(self):
        data = super().clean()
        person, actor = self.instance, self.request.user
        changed = self.changed_standing(data)
        try:
            self.check_standing(actor, person, changed, data)
        except RegistryError as refusal:
            policies.record_refusal(
                actor, purpose="admin person_change", rule=refusal.rule, target=person, reason=refusal.message
            )
            raise forms.ValidationError(str(refusal.message)) from None
        return data

    @staticmethod
    def check_standing(actor, person, changed, data) -> None:
        if not changed:
            return
        if changed.get("is_active") is True:
            require_reactivate(actor, person)
        else:
            require_change_person(actor, person)
        if "clearance" in changed and not (data.get("change_reason") or "").strip():
            raise RegistryError(gettext("Say why the clearance changes."), rule="input")
        leaving = "unit" in changed or changed.get("is_active") is False
        if leaving:
            items = holdings(person)
            successor = data.get("successor")
            if items and successor is None:
                raise RegistryError(
                    gettext("%(person)s still holds %(items)s: name a successor who takes them over.")
                    % {"person": person.display_name, "items": ", ".join(i.label for i in items[:10])},
                    rule="holdings_handed_over",
                )
            if items:
                require_handover(actor, person)
                refuse_successor(actor, person, successor)
                people_services.refuse_uncleared_items(items, successor)


@admin.register(User)
class UserAdmin(SecondFactorUserAdminMixin, NeverDeletedAdmin, BaseUserAdmin):
    """People; each person's *second factor* page issues enrolment codes and enrols devices at the
    desk (``registry.auth.admin``). A person is made inactive, never deleted (``NeverDeletedAdmin``).

    Every change goes through ``registry.services.people`` and is audited with before → after:
    the person's details, clearance, unit (a transfer), active flag, roles, the agency head (the
    action *designate as agency head*), a password set here; a new person is recorded too."""

    form = PersonChangeForm
    list_display = ("username", "full_name", "unit", "clearance", "is_active", "is_agency_head")
    list_filter = ("unit", "clearance", "groups", "is_active")
    search_fields = ("username", "full_name")
    actions = ("designate_agency_head",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("full_name", "email", "unit", "clearance", "is_agency_head")}),
        (_("Roles"), {"fields": ("is_active", "is_staff", "groups")}),
        (_("The change"), {"fields": ("change_reason", "successor")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "full_name", "unit", "clearance", "password1", "password2")}),
    )
    readonly_fields = ("last_login", "date_joined", "is_agency_head")
    filter_horizontal = ("groups",)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if issubclass(form, PersonChangeForm):
            form = type(form.__name__, (form,), {"request": request})
        return form

    def save_model(self, request, obj, form, change):
        """A new person is saved as Django saves them; a change goes through the services, one each."""
        if not change:
            super().save_model(request, obj, form, change)
            return
        actor, data = request.user, form.cleaned_data
        stored = User.objects.get(pk=obj.pk)
        reason = (data.get("change_reason") or "").strip()
        details = {
            name: getattr(obj, name)
            for name in ("username", "full_name", "email", "first_name", "last_name", "is_staff")
            if getattr(obj, name) != getattr(stored, name)
        }
        with transaction.atomic():
            if details:
                people_services.person_update(actor=actor, person=stored, changes=details)
            if obj.clearance != stored.clearance:
                held = people_services.person_change_clearance(actor=actor, person=stored, clearance=obj.clearance, reason=reason)
                if held:
                    messages.warning(
                        request,
                        gettext("%(person)s still holds items above the new clearance; hand them over: %(items)s")
                        % {"person": stored.display_name, "items": ", ".join(item.label for item in held)},
                    )
            successor = data.get("successor")
            if obj.unit_id != stored.unit_id:
                people_services.person_transfer(
                    actor=actor, person=stored, unit=obj.unit, reason=reason, successor=successor if holdings(stored) else None
                )
            if stored.is_active and not obj.is_active:
                people_services.person_deactivate(
                    actor=actor, person=stored, reason=reason, successor=successor if holdings(stored) else None
                )
            elif obj.is_active and not stored.is_active:
                people_services.person_reactivate(actor=actor, person=stored, reason=reason)
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        if not change:
            super().save_related(request, form, formsets, change)
            people_services.person_created(actor=request.user, person=form.instance)
            return
        groups = form.cleaned_data.get("groups")
        if groups is not None and set(groups) != set(form.instance.groups.all()):
            people_services.person_set_roles(
                actor=request.user, person=form.instance, roles=[group.name for group in form.cleaned_data["groups"]]
            )
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def user_change_password(self, request, id, form_url=""):
        """Django's password page; a password set here is audited (never the password itself)."""
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            person = User.objects.filter(pk=id).first()
            if person is not None:
                people_services.person_set_password(actor=request.user, person=person, password=None)
        return response

    @admin.action(description=_("Designate as agency head (首長)"))
    def designate_agency_head(self, request, queryset):
        people = list(queryset[:2])
        if len(people) != 1:
            messages.error(request, gettext("Choose exactly one person: there is one agency head at a time."))
            return
        try:
            people_services.designate_agency_head(actor=request.user, person=people[0])
        except RegistryError as refusal:
            policies.record_refusal(
                request.user, purpose="admin designate_agency_head", rule=refusal.rule, target=people[0],
                reason=refusal.message, action=AuditAction.ACTION_REFUSED,
            )
            messages.error(request, str(refusal.message))
            return
        messages.success(request, gettext("%(person)s is now the agency head.") % {"person": people[0].display_name})


@admin.register(StorageLocation)
class StorageLocationAdmin(NeverDeletedAdmin):
    """Cabinets and shelves of the archive, each for classified or for unclassified files. A location
    is retired (not in use), never deleted: documents keep pointing at where they were kept."""

    list_display = ("code", "name", "zone", "keeper", "active")
    list_filter = ("zone", "active")
    search_fields = ("code", "name")
    autocomplete_fields = ("keeper",)
