"""Declassification, change of level and periodic review (國家機密保護法第10、11、27、28條)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from classification import Level


class ReviewOutcome(models.TextChoices):
    KEEP = "keep", _("keep the level (維持)")
    PROPOSE_DECLASSIFY = "propose_declassify", _("propose declassification (建議解密)")
    PROPOSE_CHANGE = "propose_change", _("propose a change of level (建議變更)")


class ReviewRecord(models.Model):
    """A periodic review of a classified document (at least yearly)."""

    document = models.ForeignKey("registry.Document", on_delete=models.PROTECT, related_name="reviews")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewed_on = models.DateField(_("reviewed on"), default=timezone.localdate)
    outcome = models.CharField(_("outcome"), max_length=20, choices=ReviewOutcome.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("review (定期檢討)")
        verbose_name_plural = _("reviews (定期檢討)")
        ordering = ["-reviewed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.document} {self.reviewed_on}"


class DecisionKind(models.TextChoices):
    DECLASSIFY = "declassify", _("declassify (解除機密)")
    DOWNGRADE = "downgrade", _("downgrade (降低密等)")
    UPGRADE = "upgrade", _("upgrade (提高密等)")


class ClassificationDecision(models.Model):
    """A recorded decision to declassify or change a level; the only way a level ever changes."""

    document = models.ForeignKey("registry.Document", on_delete=models.PROTECT, related_name="classification_decisions")
    kind = models.CharField(_("decision"), max_length=12, choices=DecisionKind.choices)
    old_level = models.PositiveSmallIntegerField(_("level before"))
    new_level = models.PositiveSmallIntegerField(_("level after"), null=True, blank=True)
    old_protection_years = models.PositiveSmallIntegerField(null=True, blank=True)
    new_protection_years = models.PositiveSmallIntegerField(null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300)
    authority = models.CharField(_("authority (核定依據)"), max_length=200)
    # 國家機密保護法第10條: a document another agency classified changes only by that agency's (or
    # its superior's) decision, recorded here: which agency, on which day, under which 文號.
    agency = models.CharField(_("deciding agency"), max_length=100, blank=True)
    agency_decided_on = models.DateField(_("day of the agency's decision"), null=True, blank=True)
    agency_ref = models.CharField(_("document number of the agency's decision (文號)"), max_length=60, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("classification decision (機密等級變更或註銷紀錄)")
        verbose_name_plural = _("classification decisions (機密等級變更或註銷紀錄)")
        ordering = ["-decided_at"]

    def __str__(self) -> str:
        return f"{self.document} {self.get_kind_display()}"

    @property
    def old_level_label(self) -> str:
        return Level(self.old_level).label

    @property
    def new_level_label(self) -> str:
        return Level(self.new_level).label if self.new_level else ""


class ReclassificationNotice(models.Model):
    """A change notice (變更或註銷通知單) owed to one earlier recipient, and when they were told."""

    decision = models.ForeignKey(ClassificationDecision, on_delete=models.PROTECT, related_name="notices")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("to be told"), on_delete=models.PROTECT, related_name="+")
    copy = models.ForeignKey("registry.DocumentCopy", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    told_at = models.DateTimeField(_("told at"), null=True, blank=True)
    told_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    method = models.CharField(_("how they were told"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("change notice (變更通知)")
        verbose_name_plural = _("change notices (變更通知)")
        constraints = [models.UniqueConstraint(fields=["decision", "recipient"], name="notice_once_per_person")]

    def __str__(self) -> str:
        return f"{self.decision} → {self.recipient}"
