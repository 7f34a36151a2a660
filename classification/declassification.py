"""Protection periods, declassification conditions, and the marking they print as.

國家機密保護法第11條: approval sets a protection period or a declassification condition (at least
one); the longest periods are counted from the original approval date, and a condition not met by
the longest period is deemed met then.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from classification.levels import Level
from classification.roc import format_roc


class DeclassKind(StrEnum):
    """The kinds of declassification condition an approval may set."""

    DATE = "date"  # 本件至115年12月31日解密
    EVENT = "event"  # 本件於公布後解密
    ATTACHMENT_REMOVED = "attachment"  # 附件抽存後解密
    OTHER = "other"  # 其他（…）

    @property
    def label(self) -> str:
        """The Chinese label of this kind for a choice list."""
        return _KIND_LABELS[self]

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """(value, label) pairs for model and form choices."""
        return [(kind.value, kind.label) for kind in cls]


_KIND_LABELS = {
    DeclassKind.DATE: "本件至指定日期解密",
    DeclassKind.EVENT: "本件於特定事件後解密",
    DeclassKind.ATTACHMENT_REMOVED: "附件抽存後解密",
    DeclassKind.OTHER: "其他",
}


@dataclass(frozen=True)
class RuleViolation:
    """One broken rule: a stable code, the form field it belongs to, and a message naming the rule."""

    code: str
    field: str
    message: str


class ClassificationRuleError(ValueError):
    """Raised when a protection breaks the rules; ``violations`` lists every broken rule."""

    def __init__(self, violations: list[RuleViolation]):
        self.violations = list(violations)
        super().__init__(" ".join(v.message for v in self.violations))


def add_years(start: date, years: int) -> date:
    """``start`` moved by whole years; 29 February becomes 28 February in a common year."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return start.replace(year=start.year + years, day=28)


def _clean_text(value: str | None) -> str:
    """Free text with its whitespace collapsed, so a marking stays on one line."""
    return " ".join((value or "").split())


def _event_phrase(event: str) -> str:
    """「本件於{event}後解密」, tolerating an event typed with its own 本件於/後/時/解密."""
    for prefix in ("本件於", "本件", "於"):
        if event.startswith(prefix):
            event = event[len(prefix) :]
            break
    event = event.removesuffix("解密")
    if not event.endswith(("後", "時")):
        event += "後"
    return f"本件於{event}解密"


@dataclass(frozen=True)
class Protection:
    """What a document's approval set: level, period and/or declassification condition.

    ``approval_date`` is the ORIGINAL approval date: a later level change does not restart the count
    (§11). ``protection_years`` is the total period from that date, extensions included.
    Only the detail field that belongs to ``declass_kind`` is used; the others are ignored.
    """

    level: Level
    approval_date: date | None
    protection_years: int | None
    declass_kind: DeclassKind | None
    declass_date: date | None = None
    declass_event: str = ""
    declass_other: str = ""

    def __post_init__(self):
        # Accept what forms and the database hand over: ints for the level, "" for "no kind".
        object.__setattr__(self, "level", Level(self.level))
        kind = self.declass_kind
        object.__setattr__(self, "declass_kind", DeclassKind(kind) if kind not in (None, "") else None)
        object.__setattr__(self, "declass_event", _clean_text(self.declass_event))
        object.__setattr__(self, "declass_other", _clean_text(self.declass_other))

    def _valid_years(self) -> int | None:
        """The period if it is a positive whole number, else None."""
        years = self.protection_years
        if isinstance(years, int) and not isinstance(years, bool) and years > 0:
            return years
        return None

    def _condition_date(self) -> date | None:
        """The declassification date, when the condition is a date."""
        return self.declass_date if self.declass_kind is DeclassKind.DATE else None

    def protection_ends(self) -> date | None:
        """The last day of the protection period (approval date + period), or None."""
        years = self._valid_years()
        if years is None or self.approval_date is None:
            return None
        return add_years(self.approval_date, years)

    def deemed_declassified_on(self) -> date | None:
        """The earliest date on which the item counts as declassified, if one is known."""
        candidates = [self.protection_ends(), self._condition_date()]
        max_years = self.level.rule.max_protection_years
        if self.level.rule.is_national_secret and max_years and self.approval_date:
            # §11: a condition not met within the longest period is deemed met when it ends.
            candidates.append(add_years(self.approval_date, max_years))
        known = [d for d in candidates if d is not None]
        return min(known) if known else None

    def marking_text(self) -> str:
        """The marking as printed, e.g. 「機密（本件至120年1月1日解密；保密期限至125年11月22日）」."""
        parts = []
        kind = self.declass_kind
        if kind is DeclassKind.DATE and self.declass_date:
            parts.append(f"本件至{format_roc(self.declass_date)}解密")
        elif kind is DeclassKind.EVENT and self.declass_event:
            parts.append(_event_phrase(self.declass_event))
        elif kind is DeclassKind.ATTACHMENT_REMOVED:
            parts.append("附件抽存後解密")
        elif kind is DeclassKind.OTHER and self.declass_other:
            parts.append(f"其他：{self.declass_other}")
        if ends := self.protection_ends():
            parts.append(f"保密期限至{format_roc(ends)}")
        label = self.level.label
        return f"{label}（{'；'.join(parts)}）" if parts else label

    def violations(self) -> list[RuleViolation]:
        """Every rule this protection breaks; empty when it is valid."""
        return _violations(self)


def check_protection(p: Protection) -> None:
    """Raise ClassificationRuleError if ``p`` breaks any rule."""
    found = p.violations()
    if found:
        raise ClassificationRuleError(found)


def _message(msgid, **params) -> str:
    """The message in the active language, with its placeholders filled."""
    return str(msgid % params) if params else str(msgid)


def _violations(p: Protection) -> list[RuleViolation]:
    rule = p.level.rule
    label = rule.label
    found: list[RuleViolation] = []

    def add(code: str, field: str, message: str) -> None:
        found.append(RuleViolation(code, field, message))

    # 限閱 requires nothing, but what is filled in must still make sense.
    if rule.requires_declassification and p.protection_years is None and p.declass_kind is None:
        if rule.is_national_secret:
            msg = _message(
                _(
                    "%(level)s needs a protection period or a declassification condition, at least "
                    "one (National Secrets Protection Act, Article 11)."
                ),
                level=label,
            )
        else:
            msg = _message(
                _(
                    "%(level)s needs a declassification condition or a protection period "
                    "(Records Handling chapter of the Administrative Affairs Manual)."
                ),
                level=label,
            )
        add("declassification_missing", "declass_kind", msg)

    if p.protection_years is not None:
        years = p._valid_years()
        if years is None:
            add(
                "period_not_positive",
                "protection_years",
                _message(_("The protection period must be a positive whole number of years.")),
            )
        elif rule.max_protection_years is not None and years > rule.max_protection_years:
            add(
                "period_too_long",
                "protection_years",
                _message(
                    _(
                        "The longest protection period for %(level)s is %(max)d years (National "
                        "Secrets Protection Act, Article 11); %(given)d years exceeds it."
                    ),
                    level=label,
                    max=rule.max_protection_years,
                    given=years,
                ),
            )

    if p.approval_date is None:
        if rule.is_national_secret:
            add(
                "approval_date_missing",
                "approval_date",
                _message(
                    _(
                        "%(level)s needs its original approval date: the protection period is "
                        "counted from it (National Secrets Protection Act, Article 11)."
                    ),
                    level=label,
                ),
            )
        elif p.protection_years is not None:
            add(
                "approval_date_missing",
                "approval_date",
                _message(_("A protection period needs the approval date it is counted from.")),
            )

    kind = p.declass_kind
    if kind is DeclassKind.DATE and p.declass_date is None:
        add(
            "declass_date_missing",
            "declass_date",
            _message(_("Declassification on a date needs that date.")),
        )
    if kind is DeclassKind.EVENT and not p.declass_event:
        add(
            "declass_event_missing",
            "declass_event",
            _message(_("Declassification on an event needs the event, for example 公布.")),
        )
    if kind is DeclassKind.OTHER and not p.declass_other:
        add(
            "declass_other_missing",
            "declass_other",
            _message(_("An “other” declassification condition must be written out.")),
        )
    cond_date = p._condition_date()
    if cond_date and p.approval_date and cond_date < p.approval_date:
        add(
            "declass_date_before_approval",
            "declass_date",
            _message(
                _("The declassification date (%(date)s) is before the approval date (%(approval)s)."),
                date=format_roc(cond_date),
                approval=format_roc(p.approval_date),
            ),
        )
    return found
