"""The second step after the password, and the enrolment of its device.

A person who needs a second factor (``otp.needs_second_factor``) and has passed the password is
logged in but not verified; ``SecondFactorRequiredMiddleware`` sends them here until they give a
code. With no confirmed device yet they enrol one first, and only with the one-time enrolment code
a system administrator issued for them (``enrolment``): the password alone never shows a secret or
makes a device. After a valid code the page shows the secret, its otpauth:// URI and a QR code made
on the server, and a first code from the app confirms the device and spends the enrolment code.
Enrolment is offered only while the person has no confirmed device. A lost device is removed by an
administrator (audited), who then issues a new enrolment code or enrols a new device at the desk.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.generic import FormView
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from registry import audit
from registry.auth import enrolment, otp
from registry.auth.forms import EnrolmentCodeForm, TokenForm
from registry.auth.models import EnrolmentCode
from registry.models import AuditAction

# The enrolment code a person gave in this session, and the device made for it.
ENROL_CODE_SESSION_KEY = "registry_enrol_code"
ENROL_DEVICE_SESSION_KEY = "registry_enrol_device"


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
    """First step of enrolment: the one-time enrolment code the system administrator issued for this
    person. Nothing is shown or made before a valid code; a refused code is audited and counted."""

    template_name = "auth/otp_enrol_code.html"
    form_class = EnrolmentCodeForm

    def dispatch(self, request, *args, **kwargs):
        if self.unverified(request) and otp.confirmed_device(request.user) is not None:
            return redirect(self.with_next("second_factor:verify"))
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            code = enrolment.enrolment_code_check(
                person=self.request.user, text=form.cleaned_data["enrolment_code"], client=_client(self.request)
            )
        except enrolment.EnrolmentRefused as refusal:
            form.add_error("enrolment_code", refusal.message)
            return self.form_invalid(form)
        device = enrolment.enrolment_start(person=self.request.user)
        self.request.session[ENROL_CODE_SESSION_KEY] = code.pk
        self.request.session[ENROL_DEVICE_SESSION_KEY] = device.pk
        return redirect(self.with_next("second_factor:enrol_device"))


class EnrolDeviceView(SecondFactorView):
    """Second step of enrolment, for a person who gave a valid enrolment code in this session: the
    secret, its otpauth:// URI and a QR code; a first code from the app confirms the device and
    spends the enrolment code."""

    template_name = "auth/otp_enrol.html"

    def dispatch(self, request, *args, **kwargs):
        if self.unverified(request):
            if otp.confirmed_device(request.user) is not None:
                return redirect(self.with_next("second_factor:verify"))
            if self.enrolment() is None:
                return redirect(self.with_next("second_factor:enrol"))
        return super().dispatch(request, *args, **kwargs)

    def enrolment(self) -> tuple[EnrolmentCode, TOTPDevice] | None:
        """The enrolment code given in this session and the device made for it, while both hold."""
        session, user = self.request.session, self.request.user
        code = enrolment.code_still_open(session.get(ENROL_CODE_SESSION_KEY), user)
        device_pk = session.get(ENROL_DEVICE_SESSION_KEY)
        device = TOTPDevice.objects.filter(pk=device_pk, user=user, confirmed=False).first() if device_pk else None
        if code is None or device is None:
            session.pop(ENROL_CODE_SESSION_KEY, None)
            session.pop(ENROL_DEVICE_SESSION_KEY, None)
            return None
        return code, device

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        _code, device = self.enrolment()
        uri = device.config_url
        context.update({"secret": otp.secret_base32(device), "otpauth_uri": uri, "qr_data_uri": otp.qr_data_uri(uri)})
        return context

    def form_valid(self, form):
        held = self.enrolment()
        if held is None:
            return redirect(self.with_next("second_factor:enrol"))
        code, device = held
        throttled = not device.verify_is_allowed()[0]
        verified = None if throttled else verify_token(self.request.user, device.persistent_id, form.cleaned_data["token"])
        if verified is None:
            device.refresh_from_db()
            return self.failed(form, device, throttled=throttled)
        try:
            enrolment.enrolment_complete(person=self.request.user, code=code, device=verified, client=_client(self.request))
        except enrolment.EnrolmentRefused as refusal:
            # The enrolment code was revoked or expired meanwhile: back to the first step.
            messages.error(self.request, refusal.message)
            return redirect(self.with_next("second_factor:enrol"))
        self.request.session.pop(ENROL_CODE_SESSION_KEY, None)
        self.request.session.pop(ENROL_DEVICE_SESSION_KEY, None)
        return self.passed(verified, AuditAction.AUTH_OTP_ENROL)


def locked_out(request, original_response=None, credentials=None):
    """The page django-axes answers with once a log-in name is locked out (``AXES_LOCKOUT_CALLABLE``)."""
    from django.shortcuts import render

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {"limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes}
    return render(request, "registration/locked_out.html", context, status=429)
