"""Enrolment of a first TOTP device: the one-time enrolment codes an administrator issues, and the
administrator's enrolment of a device at the desk. Every issue, use, refused use and revocation of
a code, and every desk enrolment, is an event in the audit chain.

The rules, in one place:

- A code is issued for a person who needs a second factor (``otp.needs_second_factor``), is active
  and has no confirmed device; never by an administrator for themselves (they would vouch for their
  own second factor). The server's command issues with no actor: that is how the first
  administrator of a fresh install enrols.
- Issuing a new code revokes the person's earlier open code: at most one is open at a time.
- A code works for its own person only, until it is used, revoked or expired
  (``REGISTRY_ENROLMENT_CODE_HOURS``), and stops working after ``REGISTRY_ENROLMENT_CODE_ATTEMPTS``
  refused codes given by the person since it was issued (it is then revoked).
- A refused code changes nothing but the audit chain (and, at the limit, revokes the open code).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from registry import audit
from registry.auth import otp
from registry.auth.models import EnrolmentCode, EnrolmentCodeState
from registry.errors import NotPermitted, RegistryError
from registry.models import AuditAction, AuditEvent, User

# No 0/O or 1/I: the code is read off a screen or a slip of paper and typed in by hand.
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 16  # 16 × 5 bits = 80 random bits
GROUP = 4


class EnrolmentRefused(RegistryError):
    """The enrolment code given is not a valid code of this person; ``reason`` says why."""

    def __init__(self, message, *, reason: str):
        super().__init__(message)
        self.reason = reason


def new_code() -> str:
    """A fresh code, grouped for reading: ``XXXX-XXXX-XXXX-XXXX``."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + GROUP] for i in range(0, CODE_LENGTH, GROUP))


def normalise(text: str) -> str:
    """What a person typed, without spaces and hyphens, in capitals (cut to a sane length)."""
    return "".join(ch for ch in str(text)[:100].upper() if ch not in " -\t\u3000－")


def code_hash(text: str) -> str:
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()


def lifetime() -> timedelta:
    return timedelta(hours=settings.REGISTRY_ENROLMENT_CODE_HOURS)


def open_code(person) -> EnrolmentCode | None:
    """The person's code that is neither used nor revoked (it may have expired)."""
    return EnrolmentCode.objects.filter(person=person, used_at__isnull=True, revoked_at__isnull=True).first()


# --- who may enrol whom -------------------------------------------------------------------------


def enrolment_refusal(actor, person) -> str | None:
    """Why ``actor`` (None: the server's command) may not issue a code for, or enrol a device of,
    ``person``; None when they may."""
    if actor is not None and actor.pk == person.pk:
        return _("Nobody issues an enrolment code for themselves or enrols their own device: ask another system administrator.")
    if actor is not None and not (actor.is_active and actor.is_staff and actor.has_perm("registry.change_user")):
        return _("Only a system administrator enrols a second factor for someone.")
    if not person.is_active:
        return _("%(person)s is not active.") % {"person": person}
    if not otp.needs_second_factor(person):
        return _("%(person)s logs in with the password alone: their role needs no second factor.") % {"person": person}
    if otp.confirmed_device(person) is not None:
        return _(
            "%(person)s already has a device for the second step. If it is lost, remove it under "
            "TOTP devices first."
        ) % {"person": person}
    return None


def require_may_enrol(actor, person) -> None:
    refusal = enrolment_refusal(actor, person)
    if refusal:
        raise NotPermitted(refusal)


def _actor_details(actor, via: str) -> dict:
    return {"via": via} if actor is None else {}


# --- issuing and revoking (the administrator) ------------------------------------------------------


@transaction.atomic
def enrolment_code_issue(
    *, actor: User | None, person: User, via: str = "admin", note: dict | None = None
) -> tuple[EnrolmentCode, str]:
    """Issue a one-time enrolment code for ``person``; returns the row and the code, which is shown
    once and kept nowhere. The person's earlier open code is revoked. ``note`` adds to the audit
    event's details (the command names the server account it ran under)."""
    person = User.objects.select_for_update().get(pk=person.pk)
    require_may_enrol(actor, person)
    earlier = open_code(person)
    if earlier is not None:
        enrolment_code_revoke(actor=actor, code=earlier, reason="replaced", via=via)
    text = new_code()
    now = timezone.now()
    code = EnrolmentCode.objects.create(
        person=person, code_hash=code_hash(text), issued_by=actor, issued_at=now, expires_at=now + lifetime()
    )
    audit.record(
        action=AuditAction.AUTH_ENROL_CODE_ISSUE,
        actor=actor,
        details={
            "person": person.get_username(),
            "code": code.pk,
            "expires_at": code.expires_at.isoformat(),
            **_actor_details(actor, via),
            **(note or {}),
        },
    )
    return code, text


@transaction.atomic
def enrolment_code_revoke(*, actor: User | None, code: EnrolmentCode, reason: str = "revoked", via: str = "admin") -> EnrolmentCode:
    """Revoke a code that is neither used nor revoked (an expired one too: it is closed for good)."""
    code = EnrolmentCode.objects.select_for_update().select_related("person").get(pk=code.pk)
    if code.used_at is not None or code.revoked_at is not None:
        raise RegistryError(_("This enrolment code was already used or revoked."))
    code.revoked_at = timezone.now()
    code.revoked_by = actor
    code.save(update_fields=["revoked_at", "revoked_by"])
    audit.record(
        action=AuditAction.AUTH_ENROL_CODE_REVOKE,
        actor=actor,
        details={"person": code.person.get_username(), "code": code.pk, "reason": reason, **_actor_details(actor, via)},
    )
    return code


# --- giving the code (the person, after the password) ----------------------------------------------


def _failures_since(person, since) -> int:
    return AuditEvent.objects.filter(action=AuditAction.AUTH_ENROL_CODE_FAILED, actor=person, at__gte=since).count()


def _refusal_message(reason: str) -> str:
    ask = _("Ask the system administrator (系統管理者) for a new enrolment code.")
    messages = {
        "expired": _("This enrolment code has expired."),
        "used": _("This enrolment code was already used."),
        "revoked": _("This enrolment code was revoked."),
        "limit": _("Too many wrong enrolment codes: your enrolment code no longer works."),
        "device": _("You already have a device for the second step."),
    }
    if reason in messages:
        return f"{messages[reason]} {ask}" if reason != "device" else messages[reason]
    return _(
        "That is not a valid enrolment code. Check it and type it again, or ask the system "
        "administrator (系統管理者) for an enrolment code."
    )


def enrolment_code_check(*, person: User, text: str, client: dict | None = None) -> EnrolmentCode:
    """The person's open, unexpired code that ``text`` is; otherwise the refusal is audited (and,
    at the limit of refused codes, the open code revoked) and ``EnrolmentRefused`` raised."""
    with transaction.atomic():
        person = User.objects.select_for_update().get(pk=person.pk)
        match = EnrolmentCode.objects.filter(code_hash=code_hash(text)).first() if normalise(text) else None
        if otp.confirmed_device(person) is not None:
            reason = "device"
        elif match is None:
            reason = "wrong"
        elif match.person_id != person.pk:
            reason = "another_person"  # refused as any wrong code; the other person's code stays valid
        else:
            state = match.state()
            reason = "" if state == EnrolmentCodeState.OPEN else str(state)
        if not reason:
            return match
        audit.record(
            action=AuditAction.AUTH_ENROL_CODE_FAILED,
            actor=person,
            details={"reason": reason, "code": match.pk if match else None, **(client or {})},
        )
        current = open_code(person)
        if (
            current is not None
            and current.state() == EnrolmentCodeState.OPEN
            and _failures_since(person, current.issued_at) >= settings.REGISTRY_ENROLMENT_CODE_ATTEMPTS
        ):
            enrolment_code_revoke(actor=None, code=current, reason="too_many_wrong_codes", via="limit")
            reason = "limit"
    raise EnrolmentRefused(_refusal_message("wrong" if reason == "another_person" else reason), reason=reason)


def enrolment_start(*, person: User) -> TOTPDevice:
    """A fresh unconfirmed device for the person who gave a valid code: any earlier half-enrolled
    device goes, so a secret shown before is never the one confirmed."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=person, confirmed=False).delete()
        return TOTPDevice.objects.create(user=person, name=otp.DEVICE_NAME, confirmed=False)


def code_still_open(code_pk, person) -> EnrolmentCode | None:
    """The code of ``code_pk`` if it is still this person's open, unexpired code."""
    code = EnrolmentCode.objects.filter(pk=code_pk, person=person).first() if code_pk else None
    return code if code is not None and code.state() == EnrolmentCodeState.OPEN else None


@dataclass(frozen=True)
class Completed:
    device: TOTPDevice
    code: EnrolmentCode


@transaction.atomic
def enrolment_complete(*, person: User, code: EnrolmentCode, device: TOTPDevice, client: dict | None = None) -> Completed:
    """The person's first code from the app was right: the device is confirmed and the enrolment code
    spent, in one transaction. Refused (nothing changed) if the code stopped being valid meanwhile."""
    person = User.objects.select_for_update().get(pk=person.pk)
    code = EnrolmentCode.objects.select_for_update().get(pk=code.pk)
    if code.person_id != person.pk or code.state() != EnrolmentCodeState.OPEN:
        raise EnrolmentRefused(_refusal_message(str(code.state())), reason=str(code.state()))
    if otp.confirmed_device(person) is not None:
        raise EnrolmentRefused(_refusal_message("device"), reason="device")
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=person, confirmed=False).exclude(pk=device.pk).delete()
    code.used_at = timezone.now()
    code.save(update_fields=["used_at"])
    audit.record(
        action=AuditAction.AUTH_ENROL_CODE_USED,
        actor=person,
        details={"code": code.pk, "device": device.name, **(client or {})},
    )
    return Completed(device=device, code=code)


# --- at the desk (the administrator, with the person beside them) ---------------------------------


def desk_device_start(*, actor: User | None, person: User) -> TOTPDevice:
    """A fresh unconfirmed device whose QR code the administrator's screen shows to the person."""
    require_may_enrol(actor, person)
    return enrolment_start(person=person)


@transaction.atomic
def device_enrol_at_desk(*, actor: User | None, person: User, device: TOTPDevice, via: str = "desk") -> TOTPDevice:
    """Confirm ``device`` as the person's, enrolled by ``actor`` (None: on the server) with the person
    present, after the caller checked a code of it. The person's open enrolment code is revoked."""
    person = User.objects.select_for_update().get(pk=person.pk)
    require_may_enrol(actor, person)
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=person, confirmed=False)
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=person, confirmed=False).exclude(pk=device.pk).delete()
    audit.record(
        action=AuditAction.AUTH_OTP_DESK_ENROL,
        actor=actor,
        details={"person": person.get_username(), "device": device.name, **_actor_details(actor, via)},
    )
    earlier = open_code(person)
    if earlier is not None:
        enrolment_code_revoke(actor=actor, code=earlier, reason="device_enrolled_at_desk", via=via)
    return device


def desk_code_refused(*, actor: User, person: User, device: TOTPDevice, throttled: bool) -> None:
    """A wrong (or throttled) first code at the desk: audited as a failed second step."""
    audit.record(
        action=AuditAction.AUTH_OTP_FAILED,
        actor=actor,
        details={"person": person.get_username(), "device": device.name, "desk": True, "throttled": throttled},
    )
