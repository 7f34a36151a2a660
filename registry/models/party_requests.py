"""Parties' requests to read, copy or photograph files (行政程序法第46條)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApplicantKind(models.TextChoices):
    PARTY = "party", _("party (當事人)")
    INTERESTED = "interested", _("interested person (利害關係人)")


class PartyDecision(models.TextChoices):
    PENDING = "pending", _("pending (待核)")
    APPROVED = "approved", _("approved (准予)")
    PARTIAL = "partial", _("partly released (部分准予)")
    REFUSED = "refused", _("refused (駁回)")


class PartyRequest(models.Model):
    """A request from a party or interested person to read, copy or photograph files."""

    applicant = models.CharField(_("applicant"), max_length=100)
    applicant_kind = models.CharField(_("applicant is"), max_length=12, choices=ApplicantKind.choices)
    applicant_address = models.CharField(_("applicant's address"), max_length=200, blank=True)
    document = models.ForeignKey(
        "registry.Document", verbose_name=_("registered document concerned"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="party_requests",
    )
    files_described = models.CharField(_("files asked for"), max_length=300)
    wants_read = models.BooleanField(_("to read (閱覽)"), default=True)
    wants_copy = models.BooleanField(_("to copy (抄寫、複印)"), default=False)
    wants_photo = models.BooleanField(_("to photograph (攝影)"), default=False)
    legal_interest = models.TextField(_("legal interest claimed"))
    received_on = models.DateField(_("received on"), default=timezone.localdate)
    unit = models.ForeignKey("registry.Unit", on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(_("decision"), max_length=10, choices=PartyDecision.choices, default=PartyDecision.PENDING)
    grounds = models.JSONField(_("grounds cited"), default=list, blank=True)
    conditions = models.CharField(_("conditions"), max_length=300, blank=True)
    released_part = models.TextField(_("part released"), blank=True)
    release_basis = models.TextField(_("why what is shown needs no protection"), blank=True)
    decision_reason = models.TextField(_("reasons"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("party request (申請閱卷)")
        verbose_name_plural = _("party requests (申請閱卷)")
        ordering = ["-received_on", "-pk"]

    def __str__(self) -> str:
        # Not the applicant: who asks to read which files is for the people who decide it.
        return _("party request #%(id)s") % {"id": self.pk}


class OnSiteReading(models.Model):
    """A reading on site under supervision, as an approval's condition may require."""

    request = models.ForeignKey(PartyRequest, on_delete=models.PROTECT, related_name="readings")
    read_on = models.DateField(_("read on"))
    supervised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("reading on site (現場閱覽)")
        verbose_name_plural = _("readings on site (現場閱覽)")

    def __str__(self) -> str:
        return f"{self.request} {self.read_on}"
