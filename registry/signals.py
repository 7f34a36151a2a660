"""Log-in, log-out, failed log-ins and lock-outs go into the audit chain; every row of the registry
meets the input hygiene before it is saved."""

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import (
    user_logged_in,
    user_logged_out,
    user_login_failed,
)
from django.db.models.signals import pre_save
from django.dispatch import receiver

from registry import audit, hygiene
from registry.models import AuditAction


def _client(request) -> dict:
    if request is None:
        return {}
    return {"ip": request.META.get("REMOTE_ADDR", ""), "agent": request.META.get("HTTP_USER_AGENT", "")[:200]}


@receiver(user_logged_in, dispatch_uid="registry_audit_login")
def audit_login(sender, request, user, **kwargs):
    audit.record(action=AuditAction.AUTH_LOGIN, actor=user, details=_client(request))


@receiver(user_logged_out, dispatch_uid="registry_audit_logout")
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit.record(action=AuditAction.AUTH_LOGOUT, actor=user, details=_client(request))


@receiver(user_login_failed, dispatch_uid="registry_audit_login_failed")
def audit_login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    details = {"username": username, **_client(request)}
    # django-axes (installed before this app, so its receiver has run) marks a refused attempt.
    if request is not None and getattr(request, "axes_locked_out", False):
        details["locked_out"] = True
    audit.record(action=AuditAction.AUTH_LOGIN_FAILED, actor=None, details=details)


@receiver(user_locked_out, dispatch_uid="registry_audit_lockout")
def audit_lockout(sender, request=None, username=None, ip_address=None, **kwargs):
    """One event when a lock-out begins. Attempts made while it lasts are failed log-ins marked
    ``locked_out`` (each of them also restarts the cool-off, as django-axes does by default)."""
    failures = getattr(request, "axes_failures_since_start", None)
    if failures is not None and failures > settings.AXES_FAILURE_LIMIT:
        return
    audit.record(
        action=AuditAction.AUTH_LOCKOUT,
        actor=None,
        details={
            "username": str(username or "")[:150],
            "failures": failures,
            "limit": settings.AXES_FAILURE_LIMIT,
            "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
            **_client(request),
        },
    )


@receiver(pre_save, dispatch_uid="registry_input_hygiene")
def refuse_unclean_input(sender, instance, raw=False, update_fields=None, **kwargs):
    """Every row of the registry is checked before it is saved, whoever saves it (a service, the
    admin, a command, a shell): the same text and date hygiene as the forms (``registry.hygiene``).
    Fixture loading (``raw``) stores what it is given."""
    if raw or sender._meta.app_label != "registry":
        return
    hygiene.check_instance(instance, update_fields=update_fields)
