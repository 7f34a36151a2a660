"""The six roles of DESIGN.md, held as Django groups."""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy as _


class Role(StrEnum):
    """A role is a Django group whose name is the role's Chinese title."""

    CLERK = "收發人員"
    SUPERVISOR = "單位主管"
    HANDLER = "密件承辦人"
    ARCHIVIST = "檔案管理人員"
    ETHICS = "政風人員"
    ADMIN = "系統管理者"

    @property
    def description(self) -> str:
        return str(ROLE_DESCRIPTIONS[self])


ROLE_DESCRIPTIONS = {
    Role.CLERK: _("Registers classified documents, routes them and records dispatch"),
    Role.SUPERVISOR: _("Opens and instructs, approves need-to-know and copying"),
    Role.HANDLER: _("Signs for documents and handles them"),
    Role.ARCHIVIST: _("Archives finished documents and lends them"),
    Role.ETHICS: _("Reviews audit trails and witnesses destruction"),
    Role.ADMIN: _("Manages units, people, roles and clearances"),
}
