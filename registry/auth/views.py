"""The second step after the password, and the enrolment of its device.

A person who needs a second factor (``otp.needs_second_factor``) and has passed the password is
logged in but not verified; ``SecondFactorRequiredMiddleware`` sends them here until they give a
code. With no confirmed device yet they enrol one first: the page shows the secret, its otpauth://
URI and a QR code made on the server, and a first code confirms it. Enrolment is offered only
while the person has no confirmed device: nobody who learns a password can add a device of their
own to an account that has one. A lost device is removed by an administrator (audited), after
which the person enrols again.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.generic import FormView
from django_otp import login as otp_login
from django_otp import verify_token

from registry import audit
from registry.auth import otp
from registry.auth.forms import TokenForm
from registry.models import AuditAction


def _client(request) -> dict:
    return {"ip": request.META.get("REMOTE_ADDR", ""), "agent": request.META.get("HTTP_USER_AGENT", "")[:200]}


def _throttled_message(device) -> str | None:
    allowed, data = device.verify_is_allowed()
    if allowed:
        return None
    until = (data or {}).get("locked_until")
    if until is not None:
        from django.utils import timezone

        seconds = max(int((until - timezone.now()).total_seconds()) + 1, 1)
        return _("Too many wrong codes. Wait %(seconds)s seconds and try again.") % {"seconds": seconds}
    return _("Too many wrong codes. Wait a moment and try again.")


class SecondFactorView(LoginRequiredMixin, FormView):
    form_class = TokenForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not otp.needs_second_factor(request.user) or request.user.is_verified():
            return redirect(self.next_url())
        return super().dispatch(request, *args, **kwargs)

    @staticmethod
    def unverified(request) -> bool:
        user = request.user
        return user.is_authenticated and otp.needs_second_factor(user) and not user.is_verified()

    def next_url(self) -> str:
        candidate = self.request.POST.get("next") or self.request.GET.get("next") or ""
        if candidate and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        ):
            return candidate
        return resolve_url(settings.LOGIN_REDIRECT_URL)

    def with_next(self, url_name: str) -> str:
        url = reverse(url_name)
        next_url = self.request.POST.get("next") or self.request.GET.get("next")
        return f"{url}?{urlencode({'next': next_url})}" if next_url else url

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["next"] = self.request.POST.get("next") or self.request.GET.get("next") or ""
        return context

    def passed(self, device, action: AuditAction):
        """The code was right: mark the session verified under a new key and go on."""
        otp_login(self.request, device)
        self.request.session.cycle_key()
        audit.record(
            action=action, actor=self.request.user, details={"device": device.name, **_client(self.request)}
        )
        return redirect(self.next_url())

    def failed(self, form, device, *, throttled: bool):
        audit.record(
            action=AuditAction.AUTH_OTP_FAILED,
            actor=self.request.user,
            details={
                "device": device.name,
                "enrolment": not device.confirmed,
                "throttled": throttled,
                **_client(self.request),
            },
        )
        form.add_error(
            "token",
            _throttled_message(device) if throttled else _("That code is not right. Enter the code shown now."),
        )
        return self.form_invalid(form)


class VerifyView(SecondFactorView):
    """The second step for a person with a confirmed device."""

    template_name = "auth/otp_verify.html"

    def dispatch(self, request, *args, **kwargs):
        if self.unverified(request) and otp.confirmed_device(request.user) is None:
            return redirect(self.with_next("second_factor:enrol"))
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        device = otp.confirmed_device(self.request.user)
        throttled = not device.verify_is_allowed()[0]
        verified = None if throttled else verify_token(self.request.user, device.persistent_id, form.cleaned_data["token"])
        if verified is None:
            device.refresh_from_db()
            return self.failed(form, device, throttled=throttled)
        return self.passed(verified, AuditAction.AUTH_OTP_VERIFIED)


class EnrolView(SecondFactorView):
    """Enrolment of the first device: secret, otpauth:// URI and QR code; a first code confirms it."""

    template_name = "auth/otp_enrol.html"

    def dispatch(self, request, *args, **kwargs):
        if self.unverified(request) and otp.confirmed_device(request.user) is not None:
            return redirect(self.with_next("second_factor:verify"))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        device = otp.pending_device(self.request.user)
        uri = device.config_url
        context.update({"secret": otp.secret_base32(device), "otpauth_uri": uri, "qr_data_uri": otp.qr_data_uri(uri)})
        return context

    def form_valid(self, form):
        with transaction.atomic():
            device = otp.pending_device(self.request.user)
            throttled = not device.verify_is_allowed()[0]
            verified = None if throttled else verify_token(self.request.user, device.persistent_id, form.cleaned_data["token"])
            if verified is not None:
                verified.confirmed = True
                verified.save(update_fields=["confirmed"])
                # Any other half-enrolled device of this person goes.
                type(verified).objects.filter(user=self.request.user, confirmed=False).delete()
        if verified is None:
            device.refresh_from_db()
            return self.failed(form, device, throttled=throttled)
        return self.passed(verified, AuditAction.AUTH_OTP_ENROL)


def locked_out(request, original_response=None, credentials=None):
    """The page django-axes answers with once a log-in name is locked out (``AXES_LOCKOUT_CALLABLE``)."""
    from django.shortcuts import render

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {"limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes}
    return render(request, "registration/locked_out.html", context, status=429)
