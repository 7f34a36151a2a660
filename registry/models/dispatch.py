"""Outgoing dispatch in double envelopes (妥慎傳送) and its receipts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from classification import TransitMethod


class DispatchState(models.TextChoices):
    SENT = "sent", _("sent (已封發)")
    RECEIVED = "received", _("receipt returned (已收回執)")
    DISCREPANCY = "discrepancy", _("discrepancy reported (收件異常)")


class Dispatch(models.Model):
    """One sending of a document (or one of its copies) to a recipient outside the unit."""

    document = models.ForeignKey("registry.Document", on_delete=models.PROTECT, related_name="dispatches")
    copy = models.ForeignKey("registry.DocumentCopy", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recipient = models.CharField(_("recipient (受文者)"), max_length=120)
    address = models.CharField(_("address"), max_length=200)
    method = models.CharField(_("method of transit"), max_length=20, choices=TransitMethod.choices())
    carrier = models.CharField(_("carried by (designated person)"), max_length=60, blank=True)
    registered_no = models.CharField(_("registered-mail number (掛號號碼)"), max_length=40, blank=True)
    inner_sealed = models.BooleanField(_("inner envelope sealed with the 密封章"), default=True)
    dispatched_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    dispatched_at = models.DateTimeField(_("dispatched at"), default=timezone.now)
    state = models.CharField(_("state"), max_length=12, choices=DispatchState.choices, default=DispatchState.SENT)
    receipt_on = models.DateField(_("receipt date (回執日期)"), null=True, blank=True)
    receipt_by = models.CharField(_("received by"), max_length=60, blank=True)
    discrepancy = models.CharField(_("discrepancy"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("dispatch (封發)")
        verbose_name_plural = _("dispatches (封發)")
        ordering = ["-dispatched_at"]
        indexes = [
            models.Index(fields=["dispatched_at"], name="dispatch_sent_at"),
            models.Index(fields=["dispatched_at"], name="dispatch_awaiting_receipt", condition=Q(state="sent")),
        ]

    def __str__(self) -> str:
        # Not the recipient or the address: where a document went is for the people who know it.
        return _("%(document)s dispatch #%(id)s") % {"document": self.document, "id": self.pk}
