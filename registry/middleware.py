"""Response headers that every page carries."""

from django.conf import settings


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
