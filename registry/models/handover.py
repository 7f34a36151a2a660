"""Hand-overs (移交): everything a person holds, moved to a named successor in one recorded step."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class HandoverReason(models.TextChoices):
    TRANSFER = "transfer", _("transfer to another unit (調職)")
    DEPARTURE = "departure", _("departure (離職、退休)")
    LEAVE = "leave", _("long leave (長期休假)")
    CLEARANCE = "clearance", _("clearance lowered (安全查核)")
    OTHER = "other", _("other")


class ItemKind(models.TextChoices):
    CUSTODY = "custody", _("document in custody (保管中文件)")
    ROUTED = "routed", _("document routed, not yet signed for (待簽收文件)")
    COPY = "copy", _("numbered copy held (持有之編號副本)")
    LOAN = "loan", _("document on loan (借調中文件)")
    MEETING_CHAIR = "meeting_chair", _("chair of a classified meeting (會議主席)")
    MEETING_ORGANIZER = "meeting_organizer", _("organizer of a classified meeting (會議承辦)")
    DISTRIBUTION_REQUEST = "distribution_request", _("pending distribution request (待核分發申請)")
    REPRODUCTION_REQUEST = "reproduction_request", _("pending copying request (待核複製申請)")
    LOAN_REQUEST = "loan_request", _("pending loan request (待核借調申請)")
    PUBLICATION_REQUEST = "publication_request", _("pending publication request (待核公開申請)")
    PARTY_REQUEST = "party_request", _("pending party request (待決閱卷申請)")


class Handover(models.Model):
    """One hand-over (移交) from a predecessor to a successor; its items are the 移交清冊."""

    predecessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("predecessor (移交人)"), on_delete=models.PROTECT, related_name="+"
    )
    successor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("successor (接交人)"), on_delete=models.PROTECT, related_name="+"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("supervised by (監交人)"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=HandoverReason.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    at = models.DateTimeField(_("handed over at"), default=timezone.now)
    signed_at = models.DateTimeField(_("signed for by the successor at"), null=True, blank=True)

    class Meta:
        verbose_name = _("hand-over (移交)")
        verbose_name_plural = _("hand-overs (移交)")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["successor"], name="handover_unsigned", condition=models.Q(signed_at__isnull=True)),
            models.Index(fields=["predecessor", "at"], name="handover_predecessor"),
        ]

    def __str__(self) -> str:
        # Never a subject: the number of the hand-over only.
        return _("hand-over #%(id)s") % {"id": self.pk}


class HandoverItem(models.Model):
    """One line of a hand-over list: what moved, named by number, never by subject."""

    handover = models.ForeignKey(Handover, on_delete=models.PROTECT, related_name="items")
    kind = models.CharField(_("item"), max_length=24, choices=ItemKind.choices)
    document = models.ForeignKey(
        "registry.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="handover_items"
    )
    object_id = models.PositiveBigIntegerField(_("record"), null=True, blank=True)
    label = models.CharField(_("described as"), max_length=120)
    level = models.PositiveSmallIntegerField(_("classification level"), null=True, blank=True)

    class Meta:
        verbose_name = _("hand-over item (移交項目)")
        verbose_name_plural = _("hand-over items (移交項目)")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.label
