"""Destruction (徹底銷毀): a destruction inventory (焚燬清冊), its approval, the witnessed act."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DestructionState(models.TextChoices):
    DRAFT = "draft", _("drafted (擬具)")
    APPROVED = "approved", _("approved (核准)")
    DESTROYED = "destroyed", _("destroyed (已銷毀)")


class DestructionMethod(models.TextChoices):
    SHRED = "shred", _("shredding (碎紙)")
    BURN = "burn", _("burning (焚燬)")
    PULP = "pulp", _("pulping (攪碎化漿)")
    CRUSH = "crush", _("crushing (壓碎)")


class DestructionList(models.Model):
    """A 焚燬清冊: drafted by the archive, approved by a supervisor, witnessed by the ethics office."""

    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drafted_at = models.DateTimeField(_("drafted at"), default=timezone.now)
    note = models.CharField(_("note"), max_length=300, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=DestructionState.choices, default=DestructionState.DRAFT)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    destroyed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    witness = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    method = models.CharField(_("method"), max_length=10, choices=DestructionMethod.choices, blank=True)
    destroyed_on = models.DateField(_("destroyed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("destruction inventory (焚燬清冊)")
        verbose_name_plural = _("destruction inventories (焚燬清冊)")
        ordering = ["-drafted_at"]

    def __str__(self) -> str:
        return f"焚燬清冊 {self.pk}"


class DestructionItem(models.Model):
    destruction_list = models.ForeignKey(DestructionList, on_delete=models.PROTECT, related_name="items")
    document = models.ForeignKey("registry.Document", on_delete=models.PROTECT, related_name="destruction_items")

    class Meta:
        verbose_name = _("destruction inventory item (焚燬清冊項目)")
        verbose_name_plural = _("destruction inventory items (焚燬清冊項目)")
        constraints = [models.UniqueConstraint(fields=["destruction_list", "document"], name="destruction_item_once")]

    def __str__(self) -> str:
        return f"{self.destruction_list} {self.document}"
