"""The append-only, hash-chained audit log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64
# The key id of events hashed with plain SHA-256, before the chain was keyed (config/audit_chain.py).
LEGACY_KEY_ID = "sha256"


class AuditAction(models.TextChoices):
    """What happened. Grouped by area; the code is stored, the label is shown."""

    # documents
    DOCUMENT_REGISTER = "document.register", _("registered a document")
    REGISTER_IMPORT = "register.import", _("imported a paper register")
    DOCUMENT_OPEN = "document.open", _("opened and instructed")
    DOCUMENT_ROUTE = "document.route", _("routed")
    DOCUMENT_SIGN_FOR = "document.sign_for", _("signed for")
    DOCUMENT_BEGIN_HANDLING = "document.begin_handling", _("began handling")
    DOCUMENT_CANCEL = "document.cancel", _("cancelled a registration")
    DOCUMENT_VIEW = "document.view", _("viewed a document")
    DOCUMENT_TRAIL_VIEW = "document.trail_view", _("viewed a handling trail")
    # need-to-know
    GRANT_CREATE = "grant.create", _("granted need-to-know")
    GRANT_END = "grant.end", _("ended need-to-know")
    GRANT_EXPIRE = "grant.expire", _("need-to-know expired")
    # distribution, copies and dispatch
    DISTRIBUTION_REQUEST = "distribution.request", _("asked for distribution")
    DISTRIBUTION_APPROVE = "distribution.approve", _("approved a recipient")
    DISTRIBUTION_REFUSE = "distribution.refuse", _("refused a recipient")
    COPY_ISSUE = "copy.issue", _("issued a numbered copy")
    COPY_SIGN = "copy.sign", _("signed for a copy")
    COPY_PASS = "copy.pass", _("passed a copy on")
    COPY_RECALL = "copy.recall", _("recalled copies")
    COPY_RETURN = "copy.return", _("took a copy back")
    REPRODUCTION_REQUEST = "reproduction.request", _("asked to copy or publish")
    REPRODUCTION_APPROVE = "reproduction.approve", _("approved copying or publication")
    REPRODUCTION_REFUSE = "reproduction.refuse", _("refused copying or publication")
    DISPATCH_SEND = "dispatch.send", _("recorded a dispatch")
    DISPATCH_RECEIPT = "dispatch.receipt", _("recorded a receipt")
    DISPATCH_DISCREPANCY = "dispatch.discrepancy", _("recorded a discrepancy")
    PRINT = "document.print", _("printed a form")
    # archive, declassification, destruction, parties' requests
    ARCHIVE_HANDOVER = "archive.handover", _("handed a document to the archive")
    ARCHIVE_RECEIVE = "archive.receive", _("filed a document in the archive")
    LOAN_REQUEST = "loan.request", _("asked to borrow")
    LOAN_APPROVE = "loan.approve", _("approved a loan")
    LOAN_REFUSE = "loan.refuse", _("refused a loan")
    LOAN_LEND = "loan.lend", _("lent a document")
    LOAN_RETURN = "loan.return", _("took a loan back")
    DECLASS_EVENT = "declass.event", _("recorded a declassifying event")
    REVIEW_RECORD = "review.record", _("recorded a review")
    RECLASSIFY = "declass.decide", _("decided a declassification or change of level")
    NOTICE_TOLD = "declass.notice", _("recorded a change notice as given")
    DESTRUCTION_DRAFT = "destruction.draft", _("drafted a destruction inventory")
    DESTRUCTION_APPROVE = "destruction.approve", _("approved a destruction inventory")
    DESTRUCTION_RECORD = "destruction.record", _("recorded a witnessed destruction")
    DOCUMENT_DESTROY = "document.destroy", _("destroyed a document")
    PARTY_REQUEST = "party.request", _("recorded a party's request")
    PARTY_DECIDE = "party.decide", _("decided a party's request")
    PARTY_READING = "party.reading", _("recorded a reading on site")
    # classified meetings
    MEETING_REGISTER = "meeting.register", _("registered a classified meeting")
    MEETING_VENUE_CHECK = "meeting.venue_check", _("recorded a venue check")
    MEETING_STAFF = "meeting.staff", _("chose service staff")
    MEETING_PROPOSE = "meeting.propose", _("proposed an attendee")
    MEETING_APPROVE = "meeting.approve", _("approved an attendee")
    MEETING_REFUSE = "meeting.refuse", _("refused an attendee")
    MEETING_MATERIALS = "meeting.materials", _("named a meeting's materials or minutes")
    MEETING_ANNOUNCE = "meeting.announce", _("announced the classification")
    MEETING_HAND_OUT = "meeting.hand_out", _("handed out meeting materials")
    MEETING_CLOSE = "meeting.close", _("closed a meeting")
    MEETING_MINUTES = "meeting.minutes", _("distributed minutes")
    MEETING_PUBLICATION = "meeting.publication", _("decided a publication about a meeting")
    # refusals
    ACCESS_DENIED = "access.denied", _("access refused")
    ACTION_REFUSED = "action.refused", _("action refused")
    # people and the review
    AUTH_LOGIN = "auth.login", _("logged in")
    AUTH_LOGOUT = "auth.logout", _("logged out")
    AUTH_LOGIN_FAILED = "auth.login_failed", _("failed log-in")
    AUTH_LOCKOUT = "auth.lockout", _("locked out after repeated failed log-ins")
    AUTH_OTP_ENROL = "auth.otp_enrol", _("enrolled a two-factor device")
    AUTH_OTP_VERIFIED = "auth.otp_verified", _("passed the two-factor step")
    AUTH_OTP_FAILED = "auth.otp_failed", _("failed the two-factor step")
    AUTH_OTP_REMOVED = "auth.otp_removed", _("removed a two-factor device")
    AUTH_OTP_DESK_ENROL = "auth.otp_desk_enrol", _("enrolled a person's two-factor device at the desk")
    AUTH_ENROL_CODE_ISSUE = "auth.enrol_code_issue", _("issued a two-factor enrolment code")
    AUTH_ENROL_CODE_USED = "auth.enrol_code_used", _("used a two-factor enrolment code")
    AUTH_ENROL_CODE_FAILED = "auth.enrol_code_failed", _("gave a refused two-factor enrolment code")
    AUTH_ENROL_CODE_REVOKE = "auth.enrol_code_revoke", _("revoked a two-factor enrolment code")
    AUDIT_SEARCH = "audit.search", _("searched the audit trail")
    # changes to people (details: "subject" is the person changed, "before" and "after")
    PERSON_CREATE = "person.create", _("added a person")
    PERSON_CHANGE = "person.change", _("changed a person's details")
    PERSON_ROLES = "person.roles", _("changed a person's roles")
    PERSON_CLEARANCE = "person.clearance", _("changed a person's clearance")
    PERSON_TRANSFER = "person.transfer", _("transferred a person to another unit")
    PERSON_ACTIVE = "person.active", _("deactivated or reactivated a person")
    PERSON_AGENCY_HEAD = "person.agency_head", _("designated the agency head")
    PERSON_PASSWORD = "person.password", _("set or changed a password")
    HANDOVER = "handover.record", _("handed over a person's items")
    HANDOVER_ITEM = "handover.item", _("handed over a document")
    HANDOVER_SIGN = "handover.sign", _("signed for a hand-over")


class AuditEvent(models.Model):
    """One link of the chain. The database refuses UPDATE, DELETE and TRUNCATE on this table.

    ``hash`` is an HMAC-SHA256 under the key named by ``key_id`` (``registry.audit``); events made
    before the chain was keyed carry ``key_id`` "sha256" and a plain SHA-256.
    """

    seq = models.BigIntegerField(_("sequence number"), unique=True)
    at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=True,
    )
    action = models.CharField(_("action"), max_length=40, choices=AuditAction.choices)
    document = models.ForeignKey(
        "registry.Document",
        verbose_name=_("document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_events",
    )
    details = models.TextField(_("details (canonical JSON)"))
    prev_hash = models.CharField(_("previous hash"), max_length=64, unique=True)
    hash = models.CharField(_("hash"), max_length=64, unique=True)
    key_id = models.CharField(_("key id"), max_length=16)

    class Meta:
        verbose_name = _("audit event (稽核紀錄)")
        verbose_name_plural = _("audit events (稽核紀錄)")
        ordering = ["seq"]
        default_permissions = ()
        indexes = [
            models.Index(fields=["actor", "at"], name="audit_actor_at"),
            models.Index(fields=["document", "at"], name="audit_document_at"),
            models.Index(fields=["action", "at"], name="audit_action_at"),
            models.Index(fields=["at"], name="audit_at"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"
