"""How classified documents may travel outside the office (office guideline, point 4)."""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from classification.levels import Level


class TransitMethod(StrEnum):
    """The ways a document may be sent outside the office."""

    BY_HAND = "hand"  # 承辦人或指定人員親送
    DOUBLE_REGISTERED = "double_registered"  # 雙掛號
    COURIER = "courier"  # 傳遞人員傳送

    @property
    def label(self) -> str:
        """The Chinese label of this method."""
        return _METHOD_LABELS[self]

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """(value, label) pairs for model and form choices."""
        return [(method.value, method.label) for method in cls]


_METHOD_LABELS = {
    TransitMethod.BY_HAND: "承辦人或指定人員親送",
    TransitMethod.DOUBLE_REGISTERED: "雙掛號",
    TransitMethod.COURIER: "傳遞人員傳送",
}

_ALL = tuple(TransitMethod)
_HAND_ONLY = (TransitMethod.BY_HAND,)


class TransitRuleError(ValueError):
    """A transit method the rules forbid for the level; str() quotes the rule."""


def allowed_methods(level: Level | int, *, strict_secret: bool = False) -> tuple[TransitMethod, ...]:
    """The methods by which a document at ``level`` may travel outside the office."""
    level = Level(level)
    if level is Level.TOP_SECRET:
        return _HAND_ONLY  # guideline point 4: 由承辦人或指定人員傳遞
    if level is Level.SECRET and strict_secret:
        return _HAND_ONLY  # 文書處理手冊: 極機密 by the handler or a designee only
    # Guideline point 4 allows 雙掛號 or courier for 極機密/機密/密; carrying by hand is never worse.
    return _ALL


def check_method(level: Level | int, method: TransitMethod | str, *, strict_secret: bool = False) -> None:
    """Raise TransitRuleError unless ``method`` is allowed for ``level``."""
    level = Level(level)
    try:
        method = TransitMethod(method)
    except ValueError:
        raise TransitRuleError(
            str(_("Choose a transit method: by hand, double registered mail or courier."))
        ) from None
    if method in allowed_methods(level, strict_secret=strict_secret):
        return
    # Only the hand-only levels refuse anything, so the refusal is always 「應親送」.
    handbook = level is Level.SECRET
    if method is TransitMethod.DOUBLE_REGISTERED:
        msgid = (
            _(
                "%(level)s documents sent outside the office must be carried by the handler or a "
                "designated person, not mailed by double registered mail (Records Handling Manual)."
            )
            if handbook
            else _(
                "%(level)s documents sent outside the office must be carried by the handler or a "
                "designated person, not mailed by double registered mail (office secrecy "
                "guideline, point 4)."
            )
        )
    else:
        msgid = (
            _(
                "%(level)s documents sent outside the office must be carried by the handler or a "
                "designated person, not sent by courier (Records Handling Manual)."
            )
            if handbook
            else _(
                "%(level)s documents sent outside the office must be carried by the handler or a "
                "designated person, not sent by courier (office secrecy guideline, point 4)."
            )
        )
    raise TransitRuleError(str(msgid % {"level": level.label}))
