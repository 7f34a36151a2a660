"""Log-in, log-out and failed log-ins go into the audit chain."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from registry import audit
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
    audit.record(action=AuditAction.AUTH_LOGIN_FAILED, actor=None, details={"username": username, **_client(request)})
