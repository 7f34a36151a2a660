"""Parties' requests to read, copy or photograph files: 行政程序法第46條.

The five grounds on which an agency may refuse, in the law's words (LAW-NOTES; the office
guideline's point 8.(1)–(5) restates them). Under §46 III, what grounds 2 and 3 cover but needs no
secrecy is still released: a partial release.
"""

from __future__ import annotations

from enum import IntEnum


class RefusalGround(IntEnum):
    """A ground of 行政程序法第46條第2項 on which a request may be refused."""

    DRAFT = 1
    OFFICIAL_SECRET = 2
    PRIVACY = 3
    THIRD_PARTY = 4
    PUBLIC_INTEREST = 5

    @property
    def text(self) -> str:
        """The law's wording of the ground."""
        return GROUND_TEXT[self]

    @property
    def citation(self) -> str:
        """「行政程序法第46條第2項第2款」"""
        return f"行政程序法第46條第2項第{int(self)}款"

    @property
    def allows_partial_release(self) -> bool:
        """Grounds 2 and 3: parts that need no secrecy must still be released (§46 III)."""
        return self in (RefusalGround.OFFICIAL_SECRET, RefusalGround.PRIVACY)

    @classmethod
    def choices(cls) -> list[tuple[int, str]]:
        return [(g.value, f"{int(g)}. {g.text}") for g in cls]


GROUND_TEXT = {
    RefusalGround.DRAFT: "行政決定前之擬稿或其他準備作業文件",
    RefusalGround.OFFICIAL_SECRET: "涉及國防、軍事、外交及一般公務機密，依法規規定有保密之必要者",
    RefusalGround.PRIVACY: "涉及個人隱私、職業秘密、營業秘密，依法規規定有保密之必要者",
    RefusalGround.THIRD_PARTY: "有侵害第三人權利之虞者",
    RefusalGround.PUBLIC_INTEREST: "有嚴重妨礙有關社會治安、公共安全或其他公共利益之職務正常進行之虞者",
}
