"""Administrators manage units and people here. Documents are not in the admin: every change to a
document goes through the services, and every read through the need-to-know check."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from registry.auth.admin import SecondFactorUserAdminMixin
from registry.hygiene import CleanInputMixin
from registry.models import StorageLocation, Unit, User


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


@admin.register(User)
class UserAdmin(SecondFactorUserAdminMixin, NeverDeletedAdmin, BaseUserAdmin):
    """People; each person's *second factor* page issues enrolment codes and enrols devices at the
    desk (``registry.auth.admin``). A person is made inactive, never deleted (``NeverDeletedAdmin``)."""

    list_display = ("username", "full_name", "unit", "clearance", "is_active")
    list_filter = ("unit", "clearance", "groups", "is_active")
    search_fields = ("username", "full_name")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("full_name", "email", "unit", "clearance")}),
        (_("Roles"), {"fields": ("is_active", "is_staff", "groups")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "full_name", "unit", "clearance", "password1", "password2")}),
    )
    readonly_fields = ("last_login", "date_joined")
    filter_horizontal = ("groups",)


@admin.register(StorageLocation)
class StorageLocationAdmin(NeverDeletedAdmin):
    """Cabinets and shelves of the archive, each for classified or for unclassified files. A location
    is retired (not in use), never deleted: documents keep pointing at where they were kept."""

    list_display = ("code", "name", "zone", "keeper", "active")
    list_filter = ("zone", "active")
    search_fields = ("code", "name")
    autocomplete_fields = ("keeper",)
