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


# --- the page an action sends its person back to ------------------------------------------------
# An action's form posts, the action is recorded, and the answer redirects to the page the form
# came from (POST-redirect-GET). Showing that page again is the action's own answer, not a new
# read: the document page does not record a read for it. The session remembers the one path the
# redirect named, for a short while; the first page view consumes it, whatever its path.

AFTER_ACTION_KEY = "registry_after_action"
AFTER_ACTION_SECONDS = 60


class AfterActionMiddleware:
    """Remember the path a POST redirected to, for ``is_after_action``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        mark = request.session.get(AFTER_ACTION_KEY) if hasattr(request, "session") else None
        if request.method == "GET" and isinstance(mark, dict) and mark.get("path") != request.path:
            # Only the very next page, if it is the one redirected to, is the action's answer.
            del request.session[AFTER_ACTION_KEY]
        response = self.get_response(request)
        if (
            request.method == "POST"
            and response.status_code in (301, 302, 303)
            and getattr(request, "user", None) is not None
            and request.user.is_authenticated
            and hasattr(request, "session")
        ):
            from urllib.parse import urlsplit

            from django.utils import timezone

            path = urlsplit(response.get("Location", "")).path
            request.session[AFTER_ACTION_KEY] = {"path": path, "at": timezone.now().timestamp()}
        return response


def is_after_action(request) -> bool:
    """Whether this GET is the redirect an action just answered with (consumed: it counts once)."""
    from django.utils import timezone

    mark = request.session.pop(AFTER_ACTION_KEY, None) if hasattr(request, "session") else None
    if not isinstance(mark, dict) or request.method != "GET":
        return False
    fresh = 0 <= timezone.now().timestamp() - float(mark.get("at", 0)) <= AFTER_ACTION_SECONDS
    return fresh and mark.get("path") == request.path
