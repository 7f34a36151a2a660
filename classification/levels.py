"""The levels of secrecy and the rules each level carries.

Sources: 國家機密保護法 (as amended 112.12.27) for 絕對機密/極機密/機密; 事務管理手冊文書處理 for 密
(一般公務機密); the office guideline 「辦公室的機密維護」 for 限閱.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class Level(IntEnum):
    """A marking of secrecy, ranked: a higher value is more secret."""

    # 限閱 is not a level in law: a handling marking on unclassified material, ranked below 密.
    RESTRICTED = 1
    OFFICIAL_SECRET = 2  # 密 (一般公務機密)
    CONFIDENTIAL = 3  # 機密 (國家機密)
    SECRET = 4  # 極機密 (國家機密)
    TOP_SECRET = 5  # 絕對機密 (國家機密)

    @property
    def rule(self) -> LevelRule:
        """The rules this level carries."""
        return RULES[self]

    @property
    def label(self) -> str:
        """The exact Chinese marking text, e.g. 「絕對機密」."""
        return RULES[self].label

    @classmethod
    def choices(cls) -> list[tuple[int, str]]:
        """(value, label) pairs for model and form choices, most secret first."""
        return [(level.value, level.label) for level in sorted(cls, reverse=True)]

    @classmethod
    def from_label(cls, text: str) -> Level:
        """The level whose marking is ``text`` (surrounding spaces ignored); ValueError otherwise."""
        wanted = text.strip() if isinstance(text, str) else text
        for level in cls:
            if RULES[level].label == wanted:
                return level
        raise ValueError(f"not a classification marking: {text!r}")


@dataclass(frozen=True)
class LevelRule:
    """Everything the rules say about one level, in one place."""

    level: Level
    label: str
    colour: str  # CSS colour of the marking; each has at least 4.5:1 contrast on white (WCAG AA)
    is_national_secret: bool
    is_classified: bool
    max_protection_years: int | None
    requires_declassification: bool
    may_be_copied: bool
    law_reference: str


RULES: dict[Level, LevelRule] = {
    Level.TOP_SECRET: LevelRule(
        level=Level.TOP_SECRET,
        label="絕對機密",
        colour="#7F0000",  # dark red
        is_national_secret=True,
        is_classified=True,
        max_protection_years=30,  # 國家機密保護法第11條第1項第1款
        requires_declassification=True,  # 國家機密保護法第11條
        may_be_copied=False,  # 國家機密保護法第15條: 絕對機密 may not be copied at all
        law_reference="國家機密保護法第4條、第11條、第15條",
    ),
    Level.SECRET: LevelRule(
        level=Level.SECRET,
        label="極機密",
        colour="#C62828",  # red
        is_national_secret=True,
        is_classified=True,
        max_protection_years=20,  # 國家機密保護法第11條第1項第2款
        requires_declassification=True,  # 國家機密保護法第11條
        may_be_copied=True,
        law_reference="國家機密保護法第4條、第11條",
    ),
    Level.CONFIDENTIAL: LevelRule(
        level=Level.CONFIDENTIAL,
        label="機密",
        colour="#C2410C",  # orange-red
        is_national_secret=True,
        is_classified=True,
        max_protection_years=10,  # 國家機密保護法第11條第1項第3款
        requires_declassification=True,  # 國家機密保護法第11條
        may_be_copied=True,
        law_reference="國家機密保護法第4條、第11條",
    ),
    Level.OFFICIAL_SECRET: LevelRule(
        level=Level.OFFICIAL_SECRET,
        label="密",
        colour="#1D4ED8",  # blue
        is_national_secret=False,
        is_classified=True,
        max_protection_years=None,  # no statutory maximum for 一般公務機密
        # The guideline: 以「密」等核定之並應加註解密條件及保密期限.
        requires_declassification=True,
        may_be_copied=True,
        law_reference="事務管理手冊文書處理",
    ),
    Level.RESTRICTED: LevelRule(
        level=Level.RESTRICTED,
        label="限閱",
        colour="#4B5563",  # grey: a handling marking, not a level of secrecy
        is_national_secret=False,
        is_classified=False,
        max_protection_years=None,
        requires_declassification=False,
        may_be_copied=True,
        # 「密不錄由」 applies to 限閱 too: a mixed register must not show its subject either.
        law_reference="辦公室機密維護要點第7點",
    ),
}


def clearance_permits(clearance: Level | int | None, level: Level | int) -> bool:
    """Whether a person cleared up to ``clearance`` may be given material at ``level``."""
    if clearance is None:
        return False
    # Level() refuses values outside the enumeration, so a corrupt clearance never grants access.
    return Level(clearance) >= Level(level)
