"""The register (登記簿) as rows for its exports and its printed form: the same entries, filters and
masking as the register page (``register_list``), read in chunks in the register's order.

A subject is written only where the reader knows the document; elsewhere it reads 密不錄由, as on
the page and on a paper register. Dates are ROC dates.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.utils import timezone

from classification import Level, format_roc_short
from registry.db import heavy
from registry.models import Direction, DocumentState, User
from registry.selectors.documents import REGISTER_RELATED, register_list
from registry.selectors.pages import ORDER

MASKED = "密不錄由"
# One export or printed register reads at most this many entries; a longer list is cut there, and
# the file says so (a city's whole register is a job for the database's own backup, not a page).
EXPORT_LIMIT = 50_000

COLUMNS = (
    ("number", "登記號"),
    ("series", "收發別"),
    ("level", "密等"),
    ("subject", "主旨"),
    ("sender", "來文機關"),
    ("sender_ref", "來文文號"),
    ("received_on", "收文日期"),
    ("registered_at", "登記日期"),
    ("state", "狀態"),
    ("unit", "主辦單位"),
    ("custodian", "保管人"),
)


@dataclass
class RegisterRow:
    values: dict[str, str]
    level: Level


def register_rows(user: User, *, limit: int = EXPORT_LIMIT, **filters) -> Iterator[RegisterRow]:
    """The person's register, filtered as the page filters, newest first, masked where unknown.

    The labels are translated now, in the request's language: a streamed file reads the rows after
    the view has returned."""
    queryset = heavy(
        register_list(user, **filters).order_by(*ORDER).select_related(*REGISTER_RELATED).with_need_to_know(user)
    )
    states = {code: str(label) for code, label in DocumentState.choices}
    series = {code: str(label) for code, label in Direction.choices}
    return _rows(queryset[:limit], states, series)


def _rows(queryset, states: dict, series: dict) -> Iterator[RegisterRow]:
    for document in queryset.iterator(chunk_size=2000):
        level = Level(document.level)
        registered = timezone.localtime(document.registered_at)
        yield RegisterRow(
            values={
                "number": document.number,
                "series": series.get(document.direction, document.direction),
                "level": level.label,
                "subject": document.subject if document.known else MASKED,
                "sender": document.sender,
                "sender_ref": document.sender_ref,
                "received_on": format_roc_short(document.received_on),
                "registered_at": f"{format_roc_short(registered.date())} {registered:%H:%M}",
                "state": states.get(document.state, document.state),
                "unit": document.responsible_unit.name if document.responsible_unit_id else "",
                "custodian": document.custodian.display_name if document.custodian_id else "",
            },
            level=level,
        )


def highest_level(rows: list[RegisterRow]) -> Level | None:
    """The highest level among ``rows``: the level a page listing them carries (§17)."""
    return max((row.level for row in rows), default=None)


def audit_filters(filters: dict) -> dict:
    """The filters as an audit event records them: dates as ISO text, a unit by its id."""
    return {
        name: (value.isoformat() if hasattr(value, "isoformat") else getattr(value, "pk", value))
        for name, value in filters.items()
    }
