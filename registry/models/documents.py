"""Classified documents, their need-to-know grants and their handling steps."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase

from classification import DeclassKind, Level, Protection
from classification.roc import format_roc

VIEW_PERMISSION = "view_document"


class Direction(models.TextChoices):
    INCOMING = "in", _("incoming (收文)")
    OUTGOING = "out", _("outgoing (發文)")
    INTERNAL = "internal", _("internal (內部簽辦)")


# The series of the registration number: each direction counts on its own.
SERIES_BY_DIRECTION = {Direction.INCOMING: "收", Direction.OUTGOING: "發", Direction.INTERNAL: "內"}


class DocumentState(models.TextChoices):
    REGISTERED = "registered", _("registered (已登記)")
    # An outgoing document (發文) is the office's own: nobody opens it; it waits to be sent and is sent.
    DRAFTED = "drafted", _("registered for dispatch (待發文)")
    DISPATCHED = "dispatched", _("dispatched (已發文)")
    OPENED = "opened", _("opened and instructed (已拆閱批示)")
    ROUTED = "routed", _("routed (已分文)")
    SIGNED = "signed", _("signed for (已簽收)")
    IN_HANDLING = "handling", _("in handling (承辦中)")
    TO_ARCHIVE = "to_archive", _("handed to the archive (送歸檔)")
    ARCHIVED = "archived", _("archived (已歸檔)")
    ON_LOAN = "on_loan", _("on loan (借調中)")
    DESTROYED = "destroyed", _("destroyed (已銷毀)")
    CANCELLED = "cancelled", _("cancelled (已註銷登記)")


# The state a new registration starts in, by direction.
FIRST_STATE_BY_DIRECTION = {
    Direction.INCOMING: DocumentState.REGISTERED,
    Direction.INTERNAL: DocumentState.REGISTERED,
    Direction.OUTGOING: DocumentState.DRAFTED,
}


class Urgency(models.TextChoices):
    """速別 (文書處理手冊): how fast the document must be dealt with."""

    MOST_URGENT = "most_urgent", _("most urgent (最速件)")
    URGENT = "urgent", _("urgent (速件)")
    NORMAL = "normal", _("normal (普通件)")


class MarkingPosition(models.TextChoices):
    TOP_LEFT = "top_left", _("top left of the document (公文書左上角)")
    TOP_RIGHT = "top_right", _("top right (右上角)")
    EACH_PAGE = "each_page", _("top of each page (每頁上方)")


class DocumentQuerySet(models.QuerySet):
    """Every read of documents starts here: deny by default."""

    def visible_to(self, user) -> DocumentQuerySet:
        """Documents the person may know: an unexpired need-to-know permission, or custody.

        One indexed EXISTS over guardian's direct-foreign-key permission table; no role,
        administrator included, sees a document by role alone.
        """
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(need_to_know_q(user))

    def with_need_to_know(self, user) -> DocumentQuerySet:
        """Annotate ``known`` (True where the person may know the document) for register views."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.annotate(known=models.Value(False))
        # Coalesce: "custodian = me" is NULL, not false, where a document has no custodian.
        return self.annotate(
            known=Coalesce(
                models.ExpressionWrapper(need_to_know_q(user), output_field=models.BooleanField()),
                models.Value(False),
            )
        )


def need_to_know_q(user) -> Q:
    """The condition ``visible_to`` filters on, for combining with other conditions in one query.

    Computed from the person's current state: custody or a live permission, and only up to the
    person's present clearance, so a lowered clearance hides a document at once whatever grants
    remain (and no clearance hides every document).
    """
    if not user.clearance:
        return Q(pk__isnull=True)  # false for every row, and safe inside an annotation
    return Q(level__lte=user.clearance) & (Q(custodian_id=user.pk) | Exists(_live_permission(user)))


def _live_permission(user):
    return DocumentUserObjectPermission.objects.filter(
        user_id=user.pk,
        content_object_id=OuterRef("pk"),
        permission__codename=VIEW_PERMISSION,
        permission__content_type__app_label="registry",
    ).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))


class Document(models.Model):
    """A registered classified document (機密文書)."""

    # Registration number: gapless and unique per ROC year and series.
    reg_year = models.PositiveSmallIntegerField(_("registration year (ROC)"), editable=False)
    reg_series = models.CharField(_("series"), max_length=4, editable=False)
    reg_serial = models.PositiveIntegerField(_("serial"), editable=False)

    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    sender_ref = models.CharField(_("sender's document number (文號)"), max_length=60, blank=True)
    sender = models.CharField(_("sender (來文機關)"), max_length=100, blank=True)
    sender_dated_on = models.DateField(_("dated (來文日期)"), null=True, blank=True)
    addressee = models.CharField(_("addressee (受文者)"), max_length=200, blank=True)
    urgency = models.CharField(_("urgency (速別)"), max_length=20, choices=Urgency.choices, default=Urgency.NORMAL)
    due_on = models.DateField(_("to be dealt with by (限辦日期)"), null=True, blank=True)
    subject = models.CharField(_("subject (主旨)"), max_length=300)

    level = models.PositiveSmallIntegerField(_("classification level"), choices=Level.choices())
    marking_position = models.CharField(
        _("marking position"), max_length=20, choices=MarkingPosition.choices, default=MarkingPosition.TOP_LEFT
    )
    protection_years = models.PositiveSmallIntegerField(_("protection period (years)"), null=True, blank=True)
    declass_kind = models.CharField(
        _("declassification condition"), max_length=20, choices=DeclassKind.choices(), blank=True
    )
    declass_date = models.DateField(_("declassification date"), null=True, blank=True)
    declass_event = models.CharField(_("declassifying event"), max_length=100, blank=True)
    declass_other = models.CharField(_("other condition"), max_length=200, blank=True)

    original_agency = models.CharField(_("original classifying agency"), max_length=100)
    approving_official = models.CharField(_("approving official"), max_length=60)
    approval_date = models.DateField(_("original approval date"), null=True, blank=True)

    # 國家機密保護法 §14: a national secret from elsewhere is held under written authorization.
    authorization_ref = models.CharField(_("written authorization number"), max_length=60, blank=True)
    authorization_by = models.CharField(_("authorized by"), max_length=100, blank=True)
    authorization_scope = models.CharField(_("scope of authorization"), max_length=200, blank=True)

    pages = models.PositiveIntegerField(_("pages"), default=1)
    attachments = models.PositiveIntegerField(_("attachments"), default=0)
    attachment_note = models.CharField(_("attachments described"), max_length=200, blank=True)
    copies_count = models.PositiveIntegerField(_("number of copies"), default=1)

    responsible_unit = models.ForeignKey(
        "registry.Unit", verbose_name=_("receiving unit"), on_delete=models.PROTECT, related_name="+"
    )
    handling_unit = models.ForeignKey(
        "registry.Unit",
        verbose_name=_("handling unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    instruction = models.TextField(_("instruction (批示)"), blank=True)
    routed_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("designated handler"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    custodian = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("current custodian"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField(
        _("state"), max_length=20, choices=DocumentState.choices, default=DocumentState.REGISTERED
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("registered by"), on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField(_("registered at"), default=timezone.now)
    received_on = models.DateField(_("received or issued on"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancellation"), max_length=200, blank=True)

    # The document's later life: archive, declassification and review, destruction.
    storage_location = models.ForeignKey(
        "registry.StorageLocation",
        verbose_name=_("storage location"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    class_number = models.CharField(_("class number (分類號)"), max_length=40, blank=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    retention_years = models.PositiveSmallIntegerField(
        _("retention period (years; empty = permanent)"), null=True, blank=True
    )
    declass_due_on = models.DateField(_("declassification due on"), null=True, blank=True)
    declass_event_met_on = models.DateField(_("declassifying event recorded on"), null=True, blank=True)
    declassified_on = models.DateField(_("declassified on"), null=True, blank=True)
    last_reviewed_on = models.DateField(_("last reviewed on"), null=True, blank=True)
    destroyed_at = models.DateTimeField(_("destroyed at"), null=True, blank=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("classified document (機密文書)")
        verbose_name_plural = _("classified documents (機密文書)")
        default_permissions = ("view",)
        ordering = ["-reg_year", "reg_series", "-reg_serial"]
        constraints = [
            models.UniqueConstraint(fields=["reg_year", "reg_series", "reg_serial"], name="document_number_unique"),
        ]
        indexes = [
            models.Index(fields=["state", "responsible_unit"], name="document_state_unit"),
            # The register's order, newest first: its pages are found by this key (keyset).
            models.Index(fields=["-registered_at", "-id"], name="document_register_order"),
            models.Index(fields=["custodian"], name="document_custodian"),
            models.Index(fields=["level"], name="document_level"),
            # The duplicate check at registration: the same sender's number registered before.
            models.Index(fields=["sender", "sender_ref"], name="document_sender_ref"),
            models.Index(
                fields=["declass_due_on"], name="document_declass_due", condition=Q(declassified_on__isnull=True)
            ),
            # A state's documents, the longest waiting first: the archive's to-file list.
            models.Index(fields=["state", "registered_at", "id"], name="document_state_registered"),
            # How many documents each shelf holds, from the index alone.
            models.Index(fields=["storage_location", "state"], name="document_location_state"),
            # The other half of "declassification due" (an event met), beside document_declass_due.
            models.Index(
                fields=["declass_event_met_on"],
                name="document_declass_event",
                condition=Q(declassified_on__isnull=True, declass_event_met_on__isnull=False),
            ),
            # The yearly review list, the longest unreviewed first.
            models.Index(
                fields=["last_reviewed_on", "id"], name="document_review_order", condition=Q(declassified_on__isnull=True)
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def save(self, *args, **kwargs):
        # A level changes only by a recorded decision (國家機密保護法第10條; DESIGN): the
        # reclassification service is the one place that may set this flag. The stored level is
        # read afresh, so a deferred, refreshed or stale instance cannot slip a change through.
        update_fields = kwargs.get("update_fields")
        writes_level = update_fields is None or "level" in update_fields
        if self.pk and writes_level and not getattr(self, "_level_decision", False):
            stored = Document.objects.filter(pk=self.pk).values_list("level", flat=True).first()
            if stored is not None and stored != self.level:
                raise ValueError("a document's level changes only through a recorded reclassification decision")
        super().save(*args, **kwargs)
        self._level_decision = False

    @property
    def number(self) -> str:
        """The registration number as written in the register: 115收000012."""
        return f"{self.reg_year}{self.reg_series}{self.reg_serial:06d}"

    @property
    def level_enum(self) -> Level:
        return Level(self.level)

    @property
    def level_label(self) -> str:
        return self.level_enum.label

    @property
    def level_colour(self) -> str:
        return self.level_enum.rule.colour

    @property
    def protection(self) -> Protection:
        return Protection(
            level=self.level_enum,
            approval_date=self.approval_date,
            protection_years=self.protection_years,
            declass_kind=DeclassKind(self.declass_kind) if self.declass_kind else None,
            declass_date=self.declass_date,
            declass_event=self.declass_event,
            declass_other=self.declass_other,
        )

    @property
    def marking_text(self) -> str:
        return self.protection.marking_text()

    @property
    def approval_date_roc(self) -> str:
        return format_roc(self.approval_date)


class DocumentUserObjectPermission(UserObjectPermissionBase):
    """guardian's per-object permission with a real foreign key to the document.

    ``expires_at`` is the latest end among the person's live grants on the document, so a list's
    EXISTS hides a document the moment its last grant runs out, before ``expire_grants`` tidies up.
    """

    content_object = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="user_permissions")
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("document permission")
        verbose_name_plural = _("document permissions")


class GrantBasis(models.TextChoices):
    OPENED = "opened", _("opened as supervisor (拆閱)")
    SIGNED = "signed", _("signed for as handler (簽收)")
    DISTRIBUTION = "distribution", _("approved distribution (核准分發)")
    LOAN = "loan", _("loan from the archive (借調)")
    MEETING = "meeting", _("attending a classified meeting (與會)")
    HANDOVER = "handover", _("taken over from a predecessor (移交)")
    OTHER = "other", _("other approval")


class NeedToKnowGrant(models.Model):
    """A record that a person may know a document: who, which, why, by whom, until when."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.PROTECT, related_name="grants"
    )
    document = models.ForeignKey(Document, verbose_name=_("document"), on_delete=models.PROTECT, related_name="grants")
    permission = models.CharField(_("permission"), max_length=50, default=VIEW_PERMISSION)
    basis = models.CharField(_("basis"), max_length=20, choices=GrantBasis.choices)
    reason = models.CharField(_("reason"), max_length=300)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("granted by"), on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)
    expires_at = models.DateTimeField(_("until"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("ended by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    end_reason = models.CharField(_("why it ended"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("need-to-know grant (知悉授權)")
        verbose_name_plural = _("need-to-know grants (知悉授權)")
        indexes = [
            models.Index(fields=["document", "user"], name="grant_document_user"),
            models.Index(fields=["expires_at"], name="grant_expires_at", condition=Q(ended_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.document}"

    def is_live(self, now=None) -> bool:
        now = now or timezone.now()
        return self.ended_at is None and (self.expires_at is None or self.expires_at > now)


class StepKind(models.TextChoices):
    REGISTER = "register", _("registered (登記)")
    OPEN = "open", _("opened and instructed (拆閱批示)")
    ROUTE = "route", _("routed (分文)")
    SIGN_FOR = "sign_for", _("signed for (簽收)")
    BEGIN_HANDLING = "begin_handling", _("handling begun (承辦)")
    CANCEL = "cancel", _("registration cancelled (註銷登記)")
    HANDOVER = "handover", _("handed over to a successor (移交)")
    HANDOVER_SIGN = "handover_sign", _("signed for by the successor (接交簽收)")


class HandlingStep(models.Model):
    """One step in a document's trail, shown on its timeline."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="steps")
    kind = models.CharField(_("step"), max_length=30, choices=StepKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), default=timezone.now)
    to_unit = models.ForeignKey("registry.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("handling step")
        verbose_name_plural = _("handling steps")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["document", "at"], name="step_document_at")]

    def __str__(self) -> str:
        return f"{self.document} {self.get_kind_display()}"


class RegistrationCounter(models.Model):
    """The last number given in one (ROC year, series); locked FOR UPDATE while a number is taken."""

    year = models.PositiveSmallIntegerField()
    series = models.CharField(max_length=4)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("registration counter (登記號碼計數)")
        verbose_name_plural = _("registration counters (登記號碼計數)")
        constraints = [models.UniqueConstraint(fields=["year", "series"], name="counter_year_series")]

    def __str__(self) -> str:
        return f"{self.year}{self.series}: {self.last}"
