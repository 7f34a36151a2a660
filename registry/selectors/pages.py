"""Pages of a long list that cost the same on the first page and the last, at any size.

A page is found by its key, not by counting rows past it (keyset pagination): the list is ordered
by (registered_at, id), newest first, and the next page starts after the last row shown, which an
index on those two columns finds at once however deep the page is. The count is exact up to
``COUNT_LIMIT`` and then only says there are more (「1,000筆以上」): an exact count of a
million-row register would read every row on every view.

The page's rows are found first without anything per row; only the rows shown are then read with
what the page needs of each (``decorate``: the need-to-know annotation, the related rows).
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import F, QuerySet
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan

COUNT_LIMIT = 1000
ORDER = ("-registered_at", "-pk")


@dataclass
class KeysetPage:
    """One page: its rows, how many rows the list has (``capped``: more than ``COUNT_LIMIT``), and
    the keys of the pages before and after it."""

    object_list: list
    count: int
    capped: bool
    next_key: str = ""
    previous_key: str = ""
    first: bool = True
    number_on_page: int = field(init=False)

    def __post_init__(self):
        self.number_on_page = len(self.object_list)

    @property
    def count_display(self) -> str:
        """The count as a person reads it: 1,000, not 1000."""
        return f"{self.count:,}"

    @property
    def has_next(self) -> bool:
        return bool(self.next_key)

    @property
    def has_previous(self) -> bool:
        return bool(self.previous_key)

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)


def encode_key(at: datetime, pk: int) -> str:
    """The key of a row as a link carries it."""
    return base64.urlsafe_b64encode(f"{at.isoformat()}|{pk}".encode()).decode().rstrip("=")


def decode_key(text: str) -> tuple[datetime, int] | None:
    """A key from a link, or None when it is not one (a bad key shows the first page)."""
    if not text or len(text) > 100:
        return None
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
        at_text, pk_text = raw.split("|")
        at = datetime.fromisoformat(at_text)
        pk = int(pk_text)
    except (ValueError, UnicodeDecodeError):
        return None
    if at.tzinfo is None or pk <= 0:
        return None
    return at, pk


def bounded_count(queryset: QuerySet, limit: int | None = None) -> tuple[int, bool]:
    """(how many rows, whether there are more than ``limit``), reading at most ``limit`` + 1 keys."""
    limit = COUNT_LIMIT if limit is None else limit
    found = queryset.order_by().values("pk")[: limit + 1].count()
    return (limit, True) if found > limit else (found, False)


def keyset_page(
    queryset: QuerySet,
    *,
    after: str = "",
    before: str = "",
    size: int = 25,
    decorate: Callable[[QuerySet], QuerySet] | None = None,
) -> KeysetPage:
    """The page of ``queryset`` (ordered by ``ORDER``) after the row keyed ``after``, or before the
    row keyed ``before``, or the first page."""
    count, capped = bounded_count(queryset)
    keys = queryset.order_by().values_list("registered_at", "pk")
    newest_first = True
    if (key := decode_key(before)) is not None:
        keys = keys.filter(TupleGreaterThan(Tuple(F("registered_at"), F("pk")), key)).order_by("registered_at", "pk")
        newest_first = False
    elif (key := decode_key(after)) is not None:
        keys = keys.filter(TupleLessThan(Tuple(F("registered_at"), F("pk")), key)).order_by(*ORDER)
    else:
        key = None
        keys = keys.order_by(*ORDER)
    found = list(keys[: size + 1])
    more = len(found) > size
    found = found[:size]
    if not newest_first:
        found.reverse()
    rows = queryset.model.objects.filter(pk__in=[pk for _at, pk in found])
    if decorate is not None:
        rows = decorate(rows)
    by_pk = {row.pk: row for row in rows}
    object_list = [by_pk[pk] for _at, pk in found if pk in by_pk]
    # Where the neighbours start: after the last row shown (if there are more), before the first
    # (unless this is the first page).
    going_forward = newest_first
    next_key = encode_key(*found[-1]) if found and (more if going_forward else key is not None) else ""
    previous_key = ""
    if found and ((key is not None and going_forward) or (not going_forward and more)):
        previous_key = encode_key(*found[0])
    return KeysetPage(
        object_list=object_list,
        count=count,
        capped=capped,
        next_key=next_key,
        previous_key=previous_key,
        first=not previous_key,
    )
