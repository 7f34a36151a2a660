"""TOTP devices in the admin: an administrator sees who has enrolled and removes a lost device
(audited), but never sees a secret or its QR code, and cannot add a device for someone else.

django-otp's TOTP plugin registers an admin that shows the key and a QR code; this app is
installed after the plugin, so its registration replaces that one.
"""

from __future__ import annotations

from typing import ClassVar

from django.contrib import admin
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from registry import audit
from registry.models import AuditAction

if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(admin.ModelAdmin):
    list_display = ("user", "name", "confirmed", "created_at", "last_used_at")
    list_filter = ("confirmed",)
    search_fields = ("user__username", "user__full_name")
    fields = ("user", "name", "confirmed", "created_at", "last_used_at", "throttling_failure_count")
    readonly_fields = fields
    actions: ClassVar[list[str]] = ["delete_selected"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def _audit_removal(self, request, device):
        audit.record(
            action=AuditAction.AUTH_OTP_REMOVED,
            actor=request.user,
            details={"person": device.user.get_username(), "device": device.name, "confirmed": device.confirmed},
        )

    def delete_model(self, request, obj):
        with transaction.atomic():
            self._audit_removal(request, obj)
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for device in queryset.select_related("user"):
                self._audit_removal(request, device)
            super().delete_queryset(request, queryset)

