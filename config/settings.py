"""Settings for the registry, read from environment variables.

Development defaults (DEBUG on, an SQLite file under var/) make ``make run`` work on a fresh
machine; ``config.settings_production`` turns every default that matters into a requirement.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from config.audit_chain import audit_keys, syslog_address
from config.env import database_from_url, env_bool, env_int, env_list, sqlite_database

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("REGISTRY_VAR_DIR", BASE_DIR / "var"))

DEBUG = env_bool("DJANGO_DEBUG", True)
# A development install on one machine (``make run``, which serves with DEBUG off unless
# DJANGO_DEBUG=true, so that people see the registry's own error pages): a secret key and an audit
# key of its own under var/, static files served by the application. Never in production
# (config.settings_production refuses it).
REGISTRY_DEVELOPMENT = DEBUG or env_bool("REGISTRY_DEVELOPMENT", False)


def _secret_key() -> str:
    key = os.environ.get("DJANGO_SECRET_KEY", "")
    if key:
        return key
    if not REGISTRY_DEVELOPMENT:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off")
    # A development install keeps a random key of its own under var/, never in the repository.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "registry.apps.RegistryAdminConfig",  # django.contrib.admin, with the registry's admin site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "guardian",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "registry.auth.apps.SecondFactorConfig",
    "classification",
    "registry",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files from the application itself (with DEBUG off, runserver serves none).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "registry.db.PinAfterWriteMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "registry.middleware.SecurityHeadersMiddleware",
    "registry.middleware.RefuseNulMiddleware",
    # After authentication and the session: remembers where an action's POST redirected to.
    "registry.middleware.AfterActionMiddleware",
    # Inside the header middleware, so that the second-factor redirects and the lock-out page
    # carry the same headers as every other page.
    "django_otp.middleware.OTPMiddleware",
    "registry.auth.middleware.SecondFactorRequiredMiddleware",
    # Last, as django-axes asks: it turns a lock-out raised during log-in into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "registry.context_processors.registry",
            ],
        },
    },
]

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": database_from_url(os.environ["DATABASE_URL"])}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {"default": sqlite_database(str(VAR_DIR / "registry.sqlite3"))}

# A streaming replica (hot standby) of the primary for the heavy reads: registry/db.py says which.
if os.environ.get("DATABASE_REPLICA_URL"):
    if DATABASES["default"]["ENGINE"] != "config.db.postgresql":
        raise ImproperlyConfigured("DATABASE_REPLICA_URL needs a PostgreSQL primary in DATABASE_URL")
    DATABASES["replica"] = database_from_url(os.environ["DATABASE_REPLICA_URL"])
    if DATABASES["replica"]["ENGINE"] != "config.db.postgresql":
        raise ImproperlyConfigured("DATABASE_REPLICA_URL must be a postgres:// URL")
    # Tests: no test database is created on the standby (it is read-only); the one created on the
    # primary reaches it by replication, under the same name.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["registry.db.PrimaryReplicaRouter"]
# Heavy reads go to the replica when there is one; off sends everything to the primary again.
REGISTRY_REPLICA_READS = "replica" in DATABASES and env_bool("DATABASE_REPLICA_READS", True)
# After a person changes something, their reads stay on the primary this long (read-your-writes).
REGISTRY_REPLICA_PIN_SECONDS = env_int("DATABASE_REPLICA_PIN_SECONDS", 10)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "registry.User"

AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out person before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# No anonymous user row: an anonymous visitor is never given an object permission.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("REGISTRY_PASSWORD_MIN_LENGTH", 12)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "registry:dashboard"
LOGOUT_REDIRECT_URL = "login"

# Lock-out after repeated failed log-ins (django-axes). Failures are counted per user name, not
# per address: an office's people reach the registry through shared addresses (NAT, the reverse
# proxy), so counting by address would lock a whole floor out for one person's typing, while
# counting by name stops guessing at one account from any number of machines. Every failure and
# every lock-out is in the audit chain with the address it came from.
AXES_FAILURE_LIMIT = env_int("REGISTRY_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("REGISTRY_LOCKOUT_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_CALLABLE = "registry.auth.lockout.client_username"  # cut to 150 characters
# axes.W006 asks for the address among the parameters; by name alone is the choice made above
# (failures are summed over every address and browser a name was tried from, so rotating them
# gains nothing).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True  # the limit counts failures in a row
AXES_LOCKOUT_CALLABLE = "registry.auth.views.locked_out"  # templates/registration/locked_out.html
AXES_VERBOSE = False  # no start-up banner; failures and lock-outs still log as warnings
# Not in the admin site: the audit chain is the record of log-ins, and a lock-out ends by itself
# after the cool-off or at once with ``manage.py axes_reset_username <name>``.
AXES_ENABLE_ADMIN = False
AXES_DISABLE_ACCESS_LOG = True  # successful log-ins are in the audit chain; no second list of them

# Two-factor log-in (django-otp, TOTP) for supervisors, ethics officers and administrators: see
# registry/auth/. The issuer is the name an authenticator app shows beside the code.
OTP_TOTP_ISSUER = "機密文書登記系統"
# A first device is enrolled only with a one-time enrolment code an administrator issues for the
# person (or by the administrator at the desk): the code expires after this many hours, and is
# spent after this many wrong codes in a row.
REGISTRY_ENROLMENT_CODE_HOURS = env_int("REGISTRY_ENROLMENT_CODE_HOURS", 72)
REGISTRY_ENROLMENT_CODE_ATTEMPTS = env_int("REGISTRY_ENROLMENT_CODE_ATTEMPTS", 5)
for _name in ("REGISTRY_ENROLMENT_CODE_HOURS", "REGISTRY_ENROLMENT_CODE_ATTEMPTS"):
    if globals()[_name] < 1:
        raise ImproperlyConfigured(f"{_name} must be at least 1, not {globals()[_name]}")

LANGUAGE_CODE = "zh-hant"
LANGUAGES = [("zh-hant", "繁體中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Taipei"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
# A development install serves static/ straight from the source tree (no collectstatic);
# production serves what collectstatic wrote (config.settings_production).
WHITENOISE_USE_FINDERS = REGISTRY_DEVELOPMENT
WHITENOISE_AUTOREFRESH = REGISTRY_DEVELOPMENT

SESSION_COOKIE_AGE = env_int("REGISTRY_SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True  # the age above is an idle timeout, renewed on each request
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- The registry's own settings -------------------------------------------------------------
# Size of a page in the register lists.
REGISTRY_PAGE_SIZE = env_int("REGISTRY_PAGE_SIZE", 25)
# LAW-NOTES records a handbook rule stricter than the office guideline: 極機密 travels only by the
# handler or a designated person, never by mail. Off by default (the guideline's rule).
REGISTRY_STRICT_TOP_SECRET_TRANSIT = env_bool("REGISTRY_STRICT_TOP_SECRET_TRANSIT", False)
# Days after dispatch when a missing receipt (回執) is listed as overdue.
REGISTRY_RECEIPT_DUE_DAYS = env_int("REGISTRY_RECEIPT_DUE_DAYS", 14)
# Name printed on forms and pages.
REGISTRY_AGENCY_NAME = os.environ.get("REGISTRY_AGENCY_NAME", "臺中市政府")


def _office_hours(name: str, default: str) -> tuple[float, float]:
    """"08:30-17:30" → (8.5, 17.5): start and end of the office day in hours, Taipei time."""
    raw = os.environ.get(name) or default
    try:
        (start_h, start_m), (end_h, end_m) = (part.strip().split(":") for part in raw.split("-"))
        start, end = int(start_h) + int(start_m) / 60, int(end_h) + int(end_m) / 60
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must look like 08:00-18:00, not {raw!r}") from exc
    if not 0 <= start < end <= 24:
        raise ImproperlyConfigured(f"{name} must start before it ends, within one day: {raw!r}")
    return start, end


# The ethics office's review (registry/review/). Views and prints of documents outside the office
# hours (Taipei time), or on a day that is not an office day (ISO weekdays, 1 = Monday), are
# reported; so is a person viewing more than BURST_COUNT distinct documents within BURST_MINUTES,
# and a copy still held RECALL_GRACE_DAYS after its recall.
REGISTRY_OFFICE_HOURS = _office_hours("REGISTRY_OFFICE_HOURS", "08:00-18:00")
REGISTRY_OFFICE_DAYS = tuple(int(day) for day in env_list("REGISTRY_OFFICE_DAYS", ["1", "2", "3", "4", "5"]))
REGISTRY_VIEW_BURST_COUNT = env_int("REGISTRY_VIEW_BURST_COUNT", 20)
REGISTRY_VIEW_BURST_MINUTES = env_int("REGISTRY_VIEW_BURST_MINUTES", 10)
REGISTRY_RECALL_GRACE_DAYS = env_int("REGISTRY_RECALL_GRACE_DAYS", 7)

# The audit chain (registry/audit.py). Each event's hash is an HMAC-SHA256 under a key kept outside
# the database (config/audit_chain.py): {key id: key bytes}, and the id of the key for new events.
REGISTRY_AUDIT_KEYS, REGISTRY_AUDIT_KEY_ID = audit_keys(var_dir=VAR_DIR, development=REGISTRY_DEVELOPMENT)
# ``verify_audit`` appends each verified head to this file (one JSON line per anchor); keep it on
# another machine or on write-once storage. Empty: no file.
REGISTRY_AUDIT_ANCHOR_FILE = os.environ.get("REGISTRY_AUDIT_ANCHOR_FILE", str(VAR_DIR / "audit-anchors.jsonl")).strip()
# ... and sends it to this syslog address too (a socket path, udp://host:port or tcp://host:port).
REGISTRY_AUDIT_SYSLOG = syslog_address(os.environ.get("REGISTRY_AUDIT_SYSLOG", ""))

# Only the test settings turn this on: it lets the test database's flush truncate the audit table.
AUDIT_ALLOW_TEST_FLUSH = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}
