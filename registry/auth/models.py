"""One-time enrolment codes (二階段驗證啟用碼): the only way, besides an administrator at the desk,
to enrol a first TOTP device.

An administrator issues a code for one named person; it is shown once, to the administrator, and
only its SHA-256 is kept here. The code is 80 random bits and lives for days, so a fast hash is
enough: nobody reverses it by guessing, and the row alone never enrols anyone.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice


class EnrolmentCodeState(models.TextChoices):
    OPEN = "open", _("valid")
    USED = "used", _("used")
    REVOKED = "revoked", _("revoked")
    EXPIRED = "expired", _("expired")


class EnrolmentCode(models.Model):
    """A code one person gives, once, after the password to enrol their first TOTP device."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="enrolment_codes",
    )
    code_hash = models.CharField(_("SHA-256 of the code"), max_length=64, unique=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty when the code was issued on the server (manage.py issue_enrolment_code)."),
    )
    issued_at = models.DateTimeField(_("issued at"))
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("enrolment code (二階段驗證啟用碼)")
        verbose_name_plural = _("enrolment codes (二階段驗證啟用碼)")
        ordering = ["-issued_at", "-pk"]
        default_permissions = ()
        constraints = [
            # Issuing a new code closes the earlier one: one code at most is open for a person.
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(used_at__isnull=True, revoked_at__isnull=True),
                name="one_open_enrolment_code_per_person",
            ),
            models.CheckConstraint(
                condition=models.Q(used_at__isnull=True) | models.Q(revoked_at__isnull=True),
                name="enrolment_code_used_or_revoked_not_both",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.issued_at:%Y-%m-%d %H:%M}"

    def state(self, at=None) -> EnrolmentCodeState:
        """Used, revoked, expired or still valid, at ``at`` (now unless told)."""
        if self.used_at is not None:
            return EnrolmentCodeState.USED
        if self.revoked_at is not None:
            return EnrolmentCodeState.REVOKED
        if self.expires_at <= (at or timezone.now()):
            return EnrolmentCodeState.EXPIRED
        return EnrolmentCodeState.OPEN


class SecondFactorDevice(TOTPDevice):
    """django-otp's TOTP device, named for the people who manage them (the admin shows this one)."""

    class Meta:
        proxy = True
        verbose_name = _("second-factor device (動態密碼裝置)")
        verbose_name_plural = _("second-factor devices (動態密碼裝置)")
