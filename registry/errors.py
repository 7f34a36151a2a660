"""Refusals the services raise; each carries a message a person can act on."""

from __future__ import annotations


class RegistryError(Exception):
    """A refused action. ``message`` is shown to the person as it is.

    ``rule`` names the rule of ``registry.policies`` that refused (e.g. ``"open"``), for the audit
    of the refusal; the rule book fills it in when a ``require_*`` refuses.
    """

    def __init__(self, message, *, field_errors: dict[str, list[str]] | None = None, rule: str = ""):
        super().__init__(str(message))
        self.message = message
        self.field_errors = field_errors or {}
        self.rule = rule


class NotPermitted(RegistryError):
    """The actor's role, unit, clearance or need-to-know does not allow the action."""


class InvalidTransition(RegistryError):
    """The document is not in a state from which the action is allowed."""


class ValidationFailed(RegistryError):
    """The input breaks a rule; ``field_errors`` names the fields."""


class PossibleDuplicate(ValidationFailed):
    """The same sender's document number is registered already; the clerk may confirm and go on.

    ``numbers`` are the registration numbers found that the clerk's register shows (never a subject).
    """

    def __init__(self, message, *, numbers: list[str], field_errors=None, rule: str = "duplicate_check"):
        super().__init__(message, field_errors=field_errors, rule=rule)
        self.numbers = numbers
