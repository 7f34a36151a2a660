"""Printed forms: Django templates under ``templates/pdf/`` rendered to PDF by WeasyPrint.

The fonts are the system's Noto CJK TC faces, named in the templates' CSS ("Noto Sans CJK TC",
"Noto Serif CJK TC") and found through fontconfig; every template is ``<html lang="zh-Hant-TW">``
so that Traditional glyph forms are chosen. A missing glyph fails silently in a PDF, which is why
the tests extract the printed text instead of trusting the picture.

WeasyPrint subsets the embedded fonts with HarfBuzz when ``libharfbuzz-subset0`` is installed and
falls back to fontTools otherwise, which is some fifty times slower on a CJK font (a one-page cover
sheet: 5.8 s instead of 0.12 s). ``harfbuzz_subsetting()`` tells which one this machine uses, and
the first render warns once in the log when it is the slow one.
"""

from __future__ import annotations

import logging
import threading
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

_warned = False
_warn_lock = threading.Lock()

# WeasyPrint needs HarfBuzz >= 4.1.0 for its own subsetting path (see weasyprint/pdf/fonts.py).
_MIN_HARFBUZZ = (4, 1, 0)


@lru_cache(maxsize=1)
def harfbuzz_subsetting() -> bool:
    """Whether WeasyPrint will subset fonts with HarfBuzz (fast) rather than fontTools (slow).

    Mirrors WeasyPrint's own test: the libharfbuzz-subset library loaded, and HarfBuzz new enough.
    """
    try:
        from weasyprint.text.ffi import harfbuzz, harfbuzz_subset
    except Exception:  # pragma: no cover - WeasyPrint's private layout moved
        logger.debug("cannot inspect WeasyPrint's HarfBuzz bindings", exc_info=True)
        return False
    if not harfbuzz_subset:
        return False
    try:
        return bool(harfbuzz.hb_version_atleast(*_MIN_HARFBUZZ))
    except (AttributeError, TypeError):  # pragma: no cover - a HarfBuzz without the function
        return False


def _warn_once_without_harfbuzz() -> None:
    global _warned
    if _warned:
        return
    with _warn_lock:
        if _warned:
            return
        _warned = True
        if not harfbuzz_subsetting():
            logger.warning(
                "HarfBuzz subsetting (libharfbuzz-subset0, HarfBuzz >= %s) is not available: "
                "WeasyPrint falls back to fontTools and each PDF with Chinese text takes seconds. "
                "Install the Debian package libharfbuzz-subset0.",
                ".".join(map(str, _MIN_HARFBUZZ)),
            )


def base_url() -> str:
    """The project directory as a file URL, so ``static/...`` in a template resolves locally."""
    return settings.BASE_DIR.resolve().as_uri() + "/"


def check_resource_url(url: str) -> None:
    """Refuse every resource but ``data:`` and files under ``static/`` (ValueError).

    The offices' networks are closed and a form must never reach out, nor read a file of the
    server (``file:///etc/...``) because of a mistake in a template. WeasyPrint logs the refusal
    and goes on without the resource.
    """
    from urllib.parse import unquote, urlsplit
    from urllib.request import url2pathname

    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "data":
        return
    if scheme == "file" and parts.netloc in ("", "localhost"):
        static = (settings.BASE_DIR / "static").resolve()
        path = Path(url2pathname(unquote(parts.path))).resolve()
        if path.is_relative_to(static):
            return
    raise ValueError(f"printed forms load only data: URLs and files under static/, not {url[:200]!r}")


def _url_fetcher():
    try:
        from weasyprint.urls import URLFetcher
    except ImportError:  # pragma: no cover - WeasyPrint < 66 takes a plain function
        from weasyprint import default_url_fetcher

        def fetch(url, *args, **kwargs):
            check_resource_url(url)
            return default_url_fetcher(url, *args, **kwargs)

        return fetch

    class LocalOnly(URLFetcher):
        def fetch(self, url, headers=None):
            check_resource_url(url)
            return super().fetch(url, headers)

    return LocalOnly(allowed_protocols=("file", "data"))


def render_html(template_name: str, context: dict) -> str:
    """The form's HTML, as WeasyPrint will see it (for debugging and for tests)."""
    return render_to_string(template_name, context)


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render ``templates/<template_name>`` with ``context`` to PDF bytes.

    No request is passed, so no context processor runs: a form shows what its view gives it.
    """
    # Imported late: WeasyPrint loads Pango and HarfBuzz through cffi.
    from weasyprint import HTML

    _warn_once_without_harfbuzz()
    html = render_html(template_name, context)
    return HTML(string=html, base_url=base_url(), encoding="utf-8", url_fetcher=_url_fetcher()).write_pdf()


# --- The forms ------------------------------------------------------------------------------
# Each builder gathers what its template shows, in as few queries as the form allows, and leaves
# access checks and auditing to the caller (registry.views.printing): the benchmark renders the
# very same contexts.

TEMPLATES = {
    "cover_sheet": "pdf/cover_sheet.html",
    "distribution_register": "pdf/distribution_register.html",
    "envelope_inner": "pdf/envelope_inner.html",
    "envelope_outer": "pdf/envelope_outer.html",
    "dispatch_list": "pdf/dispatch_list.html",
    "destruction_inventory": "pdf/destruction_inventory.html",
    "party_letter": "pdf/party_decision_letter.html",
    "inspection_report": "pdf/inspection_report.html",
    "meeting_attendance": "pdf/meeting_attendance.html",
    "meeting_recall": "pdf/meeting_recall.html",
    "register": "pdf/register.html",
    "handover_list": "pdf/handover_list.html",
}
