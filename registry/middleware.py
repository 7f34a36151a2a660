"""What every request and response passes through: security headers, and a refusal of NUL input."""

from django.conf import settings
from django.http import HttpResponseBadRequest
from django.utils.translation import gettext as _


class SecurityHeadersMiddleware:
    """A Content-Security-Policy with no inline script and no outside source: the office network
    is closed, and every asset is served from static/."""

    POLICY = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(f"/{settings.STATIC_URL.strip('/')}/"):
            response.headers.setdefault("Content-Security-Policy", self.POLICY)
            response.headers.setdefault("Cache-Control", "no-store")
        return response


class RefuseNulMiddleware:
    """Refuse input carrying a NUL character with a clear 400.

    PostgreSQL cannot store NUL in text, so a NUL in any field or query parameter would otherwise
    surface as a server error wherever that value reaches the database; no form of the registry
    has a use for it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._has_nul(request.GET) or (request.method == "POST" and self._has_nul(request.POST)):
            message = _("The input contains a NUL control character, which no field accepts. Remove it and try again.")
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    @staticmethod
    def _has_nul(data) -> bool:
        return any("\x00" in key or any("\x00" in value for value in data.getlist(key)) for key in data)
