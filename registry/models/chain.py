"""Each verification of the audit chain: through which sequence number it held, and when.

The ethics office writes the head hash into its paper inspection record; this table says when the
chain was last re-computed (``manage.py verify_audit``, the review page's button, the printed
inspection report) and what it found. It is an ordinary table, not part of the chain: losing a row
here loses a note, never evidence, since the chain can be verified again at any time.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class VerificationSource(models.TextChoices):
    COMMAND = "command", _("manage.py verify_audit")
    PAGE = "page", _("the review page")
    PRINT = "print", _("a printed inspection report")


class ChainVerification(models.Model):
    """One re-computation of the audit chain (``registry.audit.verify_chain``): of the whole chain,
    or, incrementally, from the head of the last whole verification onwards (``from_seq``)."""

    verified_at = models.DateTimeField(_("verified at"), default=timezone.now)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    source = models.CharField(_("verified through"), max_length=10, choices=VerificationSource.choices)
    whole = models.BooleanField(_("chain whole"))
    checked = models.PositiveBigIntegerField(_("events verified"), default=0)
    # The last event that verified: the head when the chain is whole, the link before the break otherwise.
    through_seq = models.BigIntegerField(_("verified through sequence number"), null=True, blank=True)
    head_hash = models.CharField(_("hash of that event"), max_length=64, blank=True)
    head_key_id = models.CharField(_("key id of that event"), max_length=16, blank=True)
    # Empty for a verification of the whole chain; the first sequence number re-computed otherwise.
    from_seq = models.BigIntegerField(_("verified from sequence number"), null=True, blank=True)
    # Where the verified head was anchored outside the database (file, syslog), if anywhere.
    anchored_to = models.CharField(_("anchored to"), max_length=300, blank=True)
    broken_seq = models.BigIntegerField(_("first broken sequence number"), null=True, blank=True)
    problem = models.CharField(_("what does not hold"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("audit chain verification")
        verbose_name_plural = _("audit chain verifications")
        ordering = ["-verified_at", "-pk"]
        default_permissions = ("view",)
        indexes = [models.Index(fields=["-verified_at"], name="chain_verified_at")]

    def __str__(self) -> str:
        state = "whole" if self.whole else f"broken at #{self.broken_seq}"
        return f"{self.verified_at:%Y-%m-%d %H:%M} {state} through #{self.through_seq or 0}"
