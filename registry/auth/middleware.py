"""Keeps a person who needs a second factor on the second-factor pages until they pass it."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from registry.auth import otp


class SecondFactorRequiredMiddleware:
    """After ``django_otp.middleware.OTPMiddleware``: a logged-in supervisor, ethics officer or
    administrator (or anyone with admin-site access) whose session has not passed the TOTP step
    gets no page but these: the second-factor pages, log-out, the language switch and static
    files. Everything else, the admin site included, redirects to the second step (or to
    enrolment when they have no device yet), keeping the address asked for as ``next``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not user.is_verified()
            and otp.needs_second_factor(user)
            and not self.is_exempt(request.path_info)
        ):
            return self.to_second_factor(request)
        return self.get_response(request)

    @staticmethod
    def is_exempt(path: str) -> bool:
        static = f"/{settings.STATIC_URL.strip('/')}/"
        if path.startswith((static, reverse("second_factor:verify"))):
            return True
        return path in {reverse("logout"), reverse("set_language")}

    @staticmethod
    def to_second_factor(request):
        name = "second_factor:verify" if otp.confirmed_device(request.user) else "second_factor:enrol"
        url = reverse(name)
        if request.method == "GET":
            url = f"{url}?{urlencode({'next': request.get_full_path()})}"
        return redirect(url)
