"""Production settings: ``DJANGO_SETTINGS_MODULE=config.settings_production``.

Everything of ``config.settings``, with DEBUG off whatever the environment says, a secret key and
the audit chain's HMAC key that must come from the environment, HTTPS only (redirect, secure
cookies, HSTS for a year with subdomains and preload), and ``manage.py check --deploy`` clean.

Behind a reverse proxy that terminates TLS, set ``DJANGO_SECURE_PROXY_SSL_HEADER`` to the header
the proxy sets, e.g. ``HTTP_X_FORWARDED_PROTO`` (or ``HTTP_X_FORWARDED_PROTO=https``), and make
sure the proxy overwrites that header on every request.
"""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool

if env_bool("DJANGO_DEBUG", False):
    raise ImproperlyConfigured("DJANGO_DEBUG must be off (or unset) with config.settings_production")
if env_bool("REGISTRY_DEVELOPMENT", False):
    raise ImproperlyConfigured("REGISTRY_DEVELOPMENT must be off (or unset) with config.settings_production")
# The base settings read DJANGO_DEBUG too: with it off they never invent a development key.
os.environ["DJANGO_DEBUG"] = "false"

_SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not _SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set with config.settings_production")
if len(_SECRET_KEY) < 50 or len(set(_SECRET_KEY)) < 5 or _SECRET_KEY.startswith("django-insecure-"):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be a long random value (at least 50 characters), "
        'e.g. python3 -c "import secrets; print(secrets.token_urlsafe(64))"'
    )

# The audit chain's key is never invented in production: it must be the one the chain was made with.
if not (os.environ.get("REGISTRY_AUDIT_KEYS", "").strip() or os.environ.get("REGISTRY_AUDIT_KEY_FILE", "").strip()):
    raise ImproperlyConfigured(
        "REGISTRY_AUDIT_KEYS or REGISTRY_AUDIT_KEY_FILE must be set with config.settings_production "
        "(the audit chain's HMAC key, kept outside the database)"
    )

from config.settings import *  # noqa: E402, F403  (the key is checked before the base settings load)

DEBUG = False
SECRET_KEY = _SECRET_KEY

# HTTPS only.
SECURE_SSL_REDIRECT = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True

_proxy_header = os.environ.get("DJANGO_SECURE_PROXY_SSL_HEADER", "").strip()
if _proxy_header:
    _name, _, _value = _proxy_header.partition("=")
    SECURE_PROXY_SSL_HEADER = (_name.strip(), _value.strip() or "https")

# Static files from the app servers themselves (WhiteNoise): collectstatic writes them into
# STATIC_ROOT compressed and under content-hashed names, served with far-future caching. No web
# server is needed in front for them; behind nginx, nginx may serve STATIC_ROOT instead.
# Right after SecurityMiddleware, so the HTTPS redirect and HSTS cover static files too.
# (The base settings put WhiteNoiseMiddleware there; here it serves collectstatic's files only.)
REGISTRY_DEVELOPMENT = False
WHITENOISE_USE_FINDERS = False
WHITENOISE_AUTOREFRESH = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
