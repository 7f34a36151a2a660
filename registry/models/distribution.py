"""Restricted distribution (限制分發): requests, numbered copies and their custody, copying approvals."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Decision(models.TextChoices):
    PENDING = "pending", _("pending (待核)")
    APPROVED = "approved", _("approved (核准)")
    REFUSED = "refused", _("refused (不准)")


class DistributionRequest(models.Model):
    """A handler asks that a document be distributed to named people, saying why they must know it."""

    document = models.ForeignKey("registry.Document", on_delete=models.PROTECT, related_name="distribution_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    reason = models.CharField(_("why they must know it"), max_length=300)

    class Meta:
        verbose_name = _("distribution request (分發申請)")
        verbose_name_plural = _("distribution requests (分發申請)")
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.document} ← {self.requested_by}"


class DistributionRecipient(models.Model):
    """One named recipient of a request, approved or refused on their own."""

    request = models.ForeignKey(DistributionRequest, on_delete=models.PROTECT, related_name="recipients")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.CharField(_("reason for the decision"), max_length=300, blank=True)
    expires_at = models.DateTimeField(_("need-to-know until"), null=True, blank=True)
    grant = models.ForeignKey("registry.NeedToKnowGrant", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    copy = models.ForeignKey("registry.DocumentCopy", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("distribution recipient")
        verbose_name_plural = _("distribution recipients")
        constraints = [models.UniqueConstraint(fields=["request", "user"], name="recipient_once_per_request")]
        indexes = [models.Index(fields=["decision"], name="recipient_decision")]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_decision_display()})"


class CopyState(models.TextChoices):
    HELD = "held", _("held (持有中)")
    RETURNED = "returned", _("returned (已繳回)")


class DocumentCopy(models.Model):
    """A numbered copy (第 n 份); a reproduction is marked 「複製物」 (國家機密保護法第18條)."""

    document = models.ForeignKey("registry.Document", on_delete=models.PROTECT, related_name="copies")
    number = models.PositiveIntegerField(_("copy number"))
    is_reproduction = models.BooleanField(_("reproduction (複製物)"), default=False)
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("holder"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(_("state"), max_length=10, choices=CopyState.choices, default=CopyState.HELD)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    signed_at = models.DateTimeField(_("signed for at"), null=True, blank=True)
    recalled_at = models.DateTimeField(_("recall asked at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    grant = models.ForeignKey("registry.NeedToKnowGrant", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(_("purpose"), max_length=20, default="distribution")

    class Meta:
        verbose_name = _("numbered copy (編號副本)")
        verbose_name_plural = _("numbered copies (編號副本)")
        ordering = ["document", "number"]
        # An original's number (1…copies_count) is given again once that paper is back; a number is
        # held by one copy at a time.
        constraints = [
            models.UniqueConstraint(
                fields=["document", "number"], condition=Q(state="held"), name="copy_number_held_once"
            )
        ]
        indexes = [
            models.Index(fields=["holder"], name="copy_holder", condition=Q(state="held")),
            models.Index(fields=["recalled_at"], name="copy_recalled", condition=Q(state="held")),
        ]

    def __str__(self) -> str:
        return f"{self.document} 第{self.number}份"

    @property
    def outstanding(self) -> bool:
        return self.state == CopyState.HELD and self.recalled_at is not None


class CopyMovement(models.TextChoices):
    ISSUE = "issue", _("issued (發給)")
    SIGN = "sign", _("signed for (簽收)")
    PASS = "pass", _("passed on (移交)")
    RECALL = "recall", _("recall asked (通知收回)")
    RETURN = "return", _("returned (繳回)")


class CopyCustody(models.Model):
    """The custody history of one copy."""

    copy = models.ForeignKey(DocumentCopy, on_delete=models.PROTECT, related_name="custody")
    movement = models.CharField(_("movement"), max_length=10, choices=CopyMovement.choices)
    from_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    to_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("copy custody (副本保管紀錄)")
        verbose_name_plural = _("copy custody (副本保管紀錄)")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.copy} {self.get_movement_display()}"


class ReproductionKind(models.TextChoices):
    COPY = "copy", _("copying (複製)")
    PUBLISH = "publish", _("publication (公佈)")


class ReproductionRequest(models.Model):
    """Copying or publishing needs its own approval (非經核准，不得公佈或提供複製)."""

    document = models.ForeignKey("registry.Document", on_delete=models.PROTECT, related_name="reproduction_requests")
    kind = models.CharField(_("kind"), max_length=10, choices=ReproductionKind.choices)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(_("reason"), max_length=300)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.CharField(_("reason for the decision"), max_length=300, blank=True)
    copy = models.ForeignKey(DocumentCopy, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("copying or publication request (複製公佈申請)")
        verbose_name_plural = _("copying or publication requests (複製公佈申請)")
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.document} {self.get_kind_display()}"
