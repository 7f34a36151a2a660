"""The archive (安全保管): storage locations kept apart by zone, and loans (借調)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.models.distribution import Decision


class StorageZone(models.TextChoices):
    CLASSIFIED = "classified", _("classified files (機密檔案)")
    UNCLASSIFIED = "unclassified", _("unclassified files (一般檔案)")


class StorageLocation(models.Model):
    """A cabinet or shelf; each is marked for classified or for unclassified files, never both."""

    code = models.CharField(_("location code"), max_length=30, unique=True)
    name = models.CharField(_("description"), max_length=100)
    zone = models.CharField(_("zone"), max_length=20, choices=StorageZone.choices)
    keeper = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("designated keeper"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("storage location (存放位置)")
        verbose_name_plural = _("storage locations (存放位置)")
        ordering = ["zone", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class LoanState(models.TextChoices):
    REQUESTED = "requested", _("requested (申請中)")
    APPROVED = "approved", _("approved, not yet lent (核准待借出)")
    REFUSED = "refused", _("refused (不准)")
    LENT = "lent", _("lent (借出中)")
    RETURNED = "returned", _("returned (已歸還)")


class Loan(models.Model):
    """A request to borrow an archived document, its approval, the lending and the return."""

    document = models.ForeignKey("registry.Document", on_delete=models.PROTECT, related_name="loans")
    borrower = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("borrower"), on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("why it is needed"), max_length=300)
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    state = models.CharField(_("state"), max_length=12, choices=LoanState.choices, default=LoanState.REQUESTED)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.CharField(_("reason for the decision"), max_length=300, blank=True)
    due_on = models.DateField(_("due back on"), null=True, blank=True)
    lent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    lent_at = models.DateTimeField(_("lent at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    grant = models.ForeignKey("registry.NeedToKnowGrant", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("loan (借調)")
        verbose_name_plural = _("loans (借調)")
        ordering = ["-requested_at"]
        indexes = [
            models.Index(fields=["due_on"], name="loan_due_open", condition=Q(state="lent")),
            # The archive page's open loans, in the order it lists them.
            models.Index(
                fields=["due_on", "requested_at", "id"],
                name="loan_open_order",
                condition=Q(state__in=["requested", "approved", "lent"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document} → {self.borrower}"
