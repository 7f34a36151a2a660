"""Who needs a second factor, and their TOTP devices."""

from __future__ import annotations

import time
from base64 import b32encode

import segno
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from registry.roles import Role

# The roles whose people pass a TOTP step after the password (issue: supervisors, ethics officers
# and administrators).
SECOND_FACTOR_ROLES = (Role.SUPERVISOR, Role.ETHICS, Role.ADMIN)

DEVICE_NAME = "TOTP"


def needs_second_factor(user) -> bool:
    """True for a logged-in person with one of ``SECOND_FACTOR_ROLES``, and for anyone who can
    reach the admin site (staff or superuser), whatever their groups say."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_staff or user.is_superuser or user.has_role(*SECOND_FACTOR_ROLES))


def confirmed_device(user) -> TOTPDevice | None:
    """The person's confirmed TOTP device, if they have enrolled one."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("pk").first()


def secret_base32(device: TOTPDevice) -> str:
    """The secret as an authenticator app takes it by hand: base32, in groups of four."""
    raw = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def qr_data_uri(uri: str) -> str:
    """The otpauth:// URI as a QR code: an SVG made here, as a ``data:`` URI for an ``<img>``
    (the policy allows ``img-src data:``). No script, no style, no request to anywhere, and
    nothing marked safe: the template escapes it like any other attribute."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, dark="#000", light="#fff")


def current_token(device: TOTPDevice, *, at: float | None = None) -> str:
    """The code an authenticator app shows now for ``device``, or the next one if this time step's
    code was already used (a code is accepted once). For the demo command and the tests."""
    now = time.time() if at is None else at
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = now
    wanted = max(totp.t(), device.last_t + 1)
    if wanted > totp.t() + device.tolerance:
        # Codes of this whole window are used up: wait for the clock to reach the next one.
        start = device.t0 + (wanted - device.tolerance - device.drift) * device.step
        time.sleep(max(start - now, 0) + 0.05)
        return current_token(device)
    totp.time = now + (wanted - totp.t()) * device.step
    return f"{totp.token():0{device.digits}d}"
