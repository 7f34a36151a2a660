"""Classified meetings (會議機密維護 rules 1–6): vetted attendees, numbered materials, minutes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from classification import Level
from registry.models.distribution import Decision
from registry.roles import Role


class MeetingState(models.TextChoices):
    PLANNED = "planned", _("planned (籌備中)")
    HELD = "held", _("held (已召開)")
    CLOSED = "closed", _("closed, materials recalled (已結束)")


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, user) -> MeetingQuerySet:
        """Meetings a person may know: organizer, chair, an approved attendee, or the organizing unit's supervisor."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(meeting_knowledge_q(user))

    def with_knowledge(self, user) -> MeetingQuerySet:
        """Annotate ``known`` for registers in which the subject is masked."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.annotate(known=models.Value(False))
        return self.annotate(known=models.ExpressionWrapper(meeting_knowledge_q(user), output_field=models.BooleanField()))


def meeting_knowledge_q(user) -> Q:
    """Who knows a meeting, within the person's present clearance (none: no meeting at all)."""
    if not user.clearance:
        return Q(pk__isnull=True)
    attending = MeetingAttendee.objects.filter(meeting_id=OuterRef("pk"), user_id=user.pk, decision=Decision.APPROVED)
    known = Q(organizer_id=user.pk) | Q(chair_id=user.pk) | Exists(attending)
    if user.has_role(Role.SUPERVISOR):
        from registry.policies.scope import UnitScope  # the rule book builds on the models

        units = UnitScope.of(user)
        if units:
            known |= units.q("organizing_unit_id")
    return Q(level__lte=user.clearance) & known


class Meeting(models.Model):
    """A meeting whose agenda touches classified matters, held in secret."""

    subject = models.CharField(_("subject (會議名稱)"), max_length=200)
    level = models.PositiveSmallIntegerField(_("classification level"), choices=Level.choices())
    starts_at = models.DateTimeField(_("starts at"))
    place = models.CharField(_("place"), max_length=120)
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("chair (主席)"), on_delete=models.PROTECT, related_name="+")
    organizing_unit = models.ForeignKey("registry.Unit", verbose_name=_("organizing unit"), on_delete=models.PROTECT, related_name="+")
    organizer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("organizer"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(_("state"), max_length=10, choices=MeetingState.choices, default=MeetingState.PLANNED)
    announced_at = models.DateTimeField(_("classification announced at"), null=True, blank=True)
    announced_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    materials = models.ForeignKey(
        "registry.Document", verbose_name=_("meeting materials"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="meetings_as_materials",
    )
    minutes = models.ForeignKey(
        "registry.Document", verbose_name=_("minutes (會議紀錄)"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="meetings_as_minutes",
    )

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("classified meeting (機密會議)")
        verbose_name_plural = _("classified meetings (機密會議)")
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        # Never the subject or the place: a meeting is named wherever Django names a row (the
        # admin's lists of related rows among them), also to people who do not know it.
        return _("classified meeting #%(id)s") % {"id": self.pk}

    @property
    def level_enum(self) -> Level:
        return Level(self.level)

    @property
    def level_label(self) -> str:
        return self.level_enum.label


class VenueCheck(models.Model):
    """清查會場: the venue checked for eavesdropping and recording devices before the meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="venue_checks")
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField(_("checked at"))
    no_eavesdropping = models.BooleanField(_("no eavesdropping device found"))
    no_recording = models.BooleanField(_("no recording device found"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("venue check (清查會場)")
        verbose_name_plural = _("venue checks (清查會場)")
        ordering = ["-checked_at"]

    def __str__(self) -> str:
        return f"{self.meeting} {self.checked_at}"

    @property
    def clear(self) -> bool:
        return self.no_eavesdropping and self.no_recording


class MeetingStaff(models.Model):
    """A member of the service staff chosen for the meeting (慎選會場服務工作人員)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="staff")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    duty = models.CharField(_("duty"), max_length=100)
    chosen_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("service staff (會場服務人員)")
        verbose_name_plural = _("service staff (會場服務人員)")
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="staff_once_per_meeting")]

    def __str__(self) -> str:
        return f"{self.meeting} {self.person}"


class MeetingAttendee(models.Model):
    """A proposed attendee, vetted by the organizer (會前審查與會人員資格)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="attendees")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("attendee"), on_delete=models.PROTECT, related_name="+")
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("why they attend"), max_length=300)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.CharField(_("reason for the decision"), max_length=300, blank=True)
    attended = models.BooleanField(_("attended"), default=False)
    copy = models.ForeignKey("registry.DocumentCopy", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("attendee (與會人員)")
        verbose_name_plural = _("attendees (與會人員)")
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="attendee_once_per_meeting")]

    def __str__(self) -> str:
        return f"{self.meeting} {self.user}"


class PublicationState(models.TextChoices):
    PENDING = "pending", _("awaiting the head (簽陳中)")
    APPROVED = "approved", _("approved by the head (奉核)")
    REFUSED = "refused", _("not approved (未奉核)")
    PUBLISHED = "published", _("published (已發布)")


class MeetingPublication(models.Model):
    """A proposal to publish something about the meeting; only with the head's approval (簽陳首長奉核)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="publications")
    text = models.TextField(_("what would be published"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(_("state"), max_length=10, choices=PublicationState.choices, default=PublicationState.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.CharField(_("reason for the decision"), max_length=300, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("publication about a meeting (會議新聞發布)")
        verbose_name_plural = _("publications about meetings (會議新聞發布)")
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.meeting} {self.get_state_display()}"
