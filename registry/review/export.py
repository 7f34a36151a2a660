"""The trail as CSV, streamed row by row from the database.

Excel opens UTF-8 only with a byte-order mark, so the file starts with one. A cell that starts
with = + - @ (or a tab or carriage return) would be read by a spreadsheet as a formula — a reason
typed into a form could carry one — so such a cell gets a leading single quote. The columns never
include a document's subject: the query reads registration numbers and levels only; free text in
the details of an event about a document the exporter does not know is masked, as on the pages
(``registry.review.details``).

The events come from ``registry.review.reports.trail_events``, bound to the replica for heavy reads
when there is one (``registry.db``); the streaming below reads from the database it was bound to.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone

from classification import Level
from registry.models import AuditAction
from registry.review.details import visible_details
from registry.review.reports import taipei

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
COLUMNS = (
    "seq",
    "time",
    "actor_username",
    "actor_name",
    "unit",
    "action",
    "action_label",
    "document_number",
    "level",
    "details",
)
_VALUES = (
    "seq",
    "at",
    "actor__username",
    "actor__full_name",
    "actor__unit__name",
    "action",
    "document__reg_year",
    "document__reg_series",
    "document__reg_serial",
    "document__level",
    "details",
    "document_id",
    "known",
    "known_meeting",
)


def neutralise(value) -> str:
    """The cell's text, with a leading ' when a spreadsheet would take it for a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _Echo:
    """A file whose ``write`` hands the line back, so csv.writer can feed a generator."""

    def write(self, value: str) -> str:
        return value


def csv_lines(queryset: QuerySet, *, action_labels: dict[str, str]) -> Iterator[str]:
    """The header and one line per event, oldest first, read in chunks (never all at once).

    ``queryset`` carries ``known`` (``registry.review.details.with_known``): free text in the details
    of an event about a document the exporter does not know is masked."""
    writer = csv.writer(_Echo())
    tz = taipei()
    yield BOM + writer.writerow(COLUMNS)
    rows = queryset.order_by("seq").values_list(*_VALUES).iterator(chunk_size=2000)
    for seq, at, username, full_name, unit, action, year, series, serial, level, details, document_id, known, known_meeting in rows:
        number = f"{year}{series}{serial:06d}" if year is not None else ""
        yield writer.writerow(
            [
                neutralise(v)
                for v in (
                    seq,
                    timezone.localtime(at, tz).isoformat(),
                    username,
                    full_name,
                    unit,
                    action,
                    action_labels.get(action, action),
                    number,
                    Level(level).label if level else "",
                    visible_details(details, document_id=document_id, known=known, known_meeting=known_meeting),
                )
            ]
        )


def csv_response(queryset: QuerySet, *, filename: str) -> StreamingHttpResponse:
    # The labels are translated now, in the request's language: the generator runs after the view.
    labels = {code: str(label) for code, label in AuditAction.choices}
    response = StreamingHttpResponse(csv_lines(queryset, action_labels=labels), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
