"""The second factor in the admin.

*TOTP devices*: an administrator sees who has enrolled and removes a lost device (audited), but
never sees a secret or its QR code there, and adds no device through it. django-otp's TOTP plugin
registers an admin that shows the key and a QR code; this app is installed after the plugin, so its
registration replaces that one.

A person's page (``SecondFactorUserAdminMixin``, mixed into the people's admin) has a *second
factor* page: their devices and enrolment codes; there the administrator issues a one-time
enrolment code for the person (shown once), revokes it, or enrols the person's device at the desk
(the person scans the QR code on the administrator's screen and types the first code). All of it
goes through ``registry.auth.enrolment`` and is audited there.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from registry import audit
from registry.auth import enrolment, otp
from registry.auth.forms import TokenForm
from registry.auth.models import EnrolmentCode, SecondFactorDevice
from registry.errors import RegistryError
from registry.models import AuditAction

# The device an administrator is enrolling at the desk: [person's pk, device's pk].
DESK_SESSION_KEY = "registry_desk_device"

if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


@admin.register(SecondFactorDevice)
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



class SecondFactorUserAdminMixin:
    """A *second factor* page for each person in the people's admin (see the module's docstring)."""

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        wrap = self.admin_site.admin_view
        urls = [
            path("<path:object_id>/second-factor/", wrap(self.second_factor_view), name=f"{prefix}_second_factor"),
            path(
                "<path:object_id>/second-factor/issue/",
                wrap(self.enrolment_code_issue_view),
                name=f"{prefix}_enrolment_code_issue",
            ),
            path(
                "<path:object_id>/second-factor/revoke/",
                wrap(self.enrolment_code_revoke_view),
                name=f"{prefix}_enrolment_code_revoke",
            ),
            path("<path:object_id>/second-factor/desk/", wrap(self.desk_enrol_view), name=f"{prefix}_desk_enrol"),
        ]
        return urls + super().get_urls()

    # --- helpers ------------------------------------------------------------------------------

    def _person(self, request, object_id):
        person = self.get_object(request, unquote(object_id))
        if person is None:
            raise Http404(_("No such person."))
        if not self.has_change_permission(request, person):
            raise PermissionDenied
        return person

    def _url(self, name: str, person) -> str:
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_{name}", args=[person.pk])

    def _context(self, request, person, title, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": person,
            "person": person,
            "title": title,
            "second_factor_url": self._url("second_factor", person),
            **extra,
        }

    @staticmethod
    def _private(response):
        """A page with a secret on it: kept by no cache, the browser's included."""
        add_never_cache_headers(response)
        patch_cache_control(response, no_store=True, private=True)
        return response

    # --- the views -------------------------------------------------------------------------------

    def second_factor_view(self, request, object_id):
        """The person's devices and enrolment codes, and what the administrator may do about them."""
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        person = self._person(request, object_id)
        codes = list(EnrolmentCode.objects.filter(person=person).select_related("issued_by", "revoked_by")[:10])
        open_code = enrolment.open_code(person)
        context = self._context(
            request,
            person,
            _("Second factor of %(person)s") % {"person": person},
            devices=TOTPDevice.objects.filter(user=person).order_by("pk"),
            codes=[(code, code.state()) for code in codes],
            open_code=open_code if open_code and open_code.state() == "open" else None,
            refusal=enrolment.enrolment_refusal(request.user, person),
            issue_url=self._url("enrolment_code_issue", person),
            revoke_url=self._url("enrolment_code_revoke", person),
            desk_url=self._url("desk_enrol", person),
            hours=settings.REGISTRY_ENROLMENT_CODE_HOURS,
        )
        return TemplateResponse(request, "admin/registry/user/second_factor.html", context)

    def enrolment_code_issue_view(self, request, object_id):
        """Issue a code (POST): the page shows it once; only its hash is kept."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        person = self._person(request, object_id)
        try:
            code, text = enrolment.enrolment_code_issue(actor=request.user, person=person)
        except RegistryError as refusal:
            messages.error(request, refusal.message)
            return redirect(self._url("second_factor", person))
        context = self._context(
            request, person, _("Enrolment code for %(person)s") % {"person": person}, code=code, code_text=text
        )
        return self._private(TemplateResponse(request, "admin/registry/user/enrolment_code_issued.html", context))

    def enrolment_code_revoke_view(self, request, object_id):
        """Revoke the person's open code (POST)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        person = self._person(request, object_id)
        code = enrolment.open_code(person)
        if code is None:
            messages.error(request, _("%(person)s has no enrolment code to revoke.") % {"person": person})
        else:
            try:
                enrolment.enrolment_code_revoke(actor=request.user, code=code)
            except RegistryError as refusal:
                messages.error(request, refusal.message)
            else:
                messages.success(request, _("The enrolment code of %(person)s is revoked.") % {"person": person})
        return redirect(self._url("second_factor", person))

    def desk_enrol_view(self, request, object_id):
        """Enrol the person's device at the desk: POST ``start`` makes a device and shows its QR code
        on this screen; the first code the person's app shows (POST ``token``) confirms it."""
        person = self._person(request, object_id)
        back = redirect(self._url("second_factor", person))
        if request.method == "POST" and "start" in request.POST:
            try:
                device = enrolment.desk_device_start(actor=request.user, person=person)
            except RegistryError as refusal:
                messages.error(request, refusal.message)
                return back
            request.session[DESK_SESSION_KEY] = [person.pk, device.pk]
            return redirect(self._url("desk_enrol", person))
        device = self._desk_device(request, person)
        if device is None:
            if request.method == "POST":
                messages.error(request, _("Start the enrolment at the desk again: no device is being set up."))
            return back
        form = TokenForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            throttled = not device.verify_is_allowed()[0]
            if not throttled and device.verify_token(form.cleaned_data["token"]):
                try:
                    enrolment.device_enrol_at_desk(actor=request.user, person=person, device=device)
                except RegistryError as refusal:
                    messages.error(request, refusal.message)
                    return back
                request.session.pop(DESK_SESSION_KEY, None)
                messages.success(request, _("The device of %(person)s is enrolled.") % {"person": person})
                return back
            device.refresh_from_db()
            enrolment.desk_code_refused(actor=request.user, person=person, device=device, throttled=throttled)
            form.add_error(
                "token",
                _("Too many wrong codes. Wait a moment and try again.")
                if throttled
                else _("That code is not right. Enter the code shown now."),
            )
        elif request.method not in ("GET", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        uri = device.config_url
        context = self._context(
            request,
            person,
            _("Enrol the device of %(person)s at the desk") % {"person": person},
            form=form,
            secret=otp.secret_base32(device),
            otpauth_uri=uri,
            qr_data_uri=otp.qr_data_uri(uri),
            desk_url=self._url("desk_enrol", person),
        )
        return self._private(TemplateResponse(request, "admin/registry/user/desk_enrol.html", context))

    @staticmethod
    def _desk_device(request, person) -> TOTPDevice | None:
        held = request.session.get(DESK_SESSION_KEY)
        if not held or held[0] != person.pk:
            return None
        return TOTPDevice.objects.filter(pk=held[1], user=person, confirmed=False).first()
