"""The trail as CSV, streamed row by row from the database.

Headers, action names and times are for people: zh-Hant headers, the action's name, the event as a
sentence (``registry.trail_text``), ROC date-times (115/12/02 09:12:30); the action's code, the ISO
time and the details as recorded stay in the last columns.

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
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from classification import Level
from classification.roc import ROC_OFFSET
from registry.models import AuditAction
from registry.review.details import visible_details
from registry.review.reports import taipei
from registry.trail_text import describe_events

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# (key, header): the headers are for people (zh-Hant), the keys name the columns in code and tests.
# The first columns are for reading (ROC time, names, the event in words, labelled details); the
# last three keep what the chain stores (the action's code, the ISO time, the details as JSON) for
# whoever filters or checks them by machine.
COLUMNS = (
    ("seq", _("Sequence number")),
    ("time", _("Time")),
    ("actor_username", _("Account")),
    ("actor_name", _("Person's name")),
    ("unit", _("Unit")),
    ("action_label", _("Action")),
    ("event", _("Event")),
    ("document_number", _("Registration number")),
    ("level", _("Classification level")),
    ("details", _("Details")),
    ("action", _("Action code")),
    ("time_iso", _("Time (ISO 8601)")),
    ("details_json", _("Details as recorded (JSON)")),
)
_ONLY = (
    "seq",
    "at",
    "action",
    "details",
    "document_id",
    "actor__username",
    "actor__full_name",
    "actor__unit__name",
    "document__reg_year",
    "document__reg_series",
    "document__reg_serial",
    "document__level",
)
BATCH = 500


def headers() -> list[str]:
    """The header row, in the active language."""
    return [str(label) for _key, label in COLUMNS]


def roc_timestamp(moment) -> str:
    """「115/12/02 09:12:30」: the time in Taipei, the year in the ROC calendar."""
    local = timezone.localtime(moment, taipei())
    return f"{local.year - ROC_OFFSET}/{local:%m/%d %H:%M:%S}"


def neutralise(value) -> str:
    """The cell's text, with a leading ' when a spreadsheet would take it for a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _Echo:
    """A file whose ``write`` hands the line back, so csv.writer can feed a generator."""

    def write(self, value: str) -> str:
        return value


def _batches(rows: Iterator, size: int) -> Iterator[list]:
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _line(event, text, action_labels: dict[str, str]) -> list[str]:
    document = event.document if event.document_id else None
    actor = event.actor if event.actor_id else None
    return [
        neutralise(v)
        for v in (
            event.seq,
            roc_timestamp(event.at),
            actor.username if actor else "",
            actor.full_name if actor else "",
            actor.unit.name if actor and actor.unit_id else "",
            action_labels.get(event.action, event.action),
            text.sentence,
            document.number if document else "",
            Level(document.level).label if document and document.level else "",
            text.fields_text,
            event.action,
            timezone.localtime(event.at, taipei()).isoformat(),
            visible_details(
                event.details,
                document_id=event.document_id,
                known=bool(getattr(event, "known", False)),
                known_meeting=bool(getattr(event, "known_meeting", False)),
            ),
        )
    ]


def csv_lines(queryset: QuerySet, *, action_labels: dict[str, str], header: list[str] | None = None) -> Iterator[str]:
    """The header and one line per event, oldest first, read in chunks (never all at once); the
    names each batch of events needs are read once per batch (``registry.trail_text``).

    ``queryset`` carries ``known`` (``registry.review.details.with_known``): free text in the details
    of an event about a document the exporter does not know is masked."""
    writer = csv.writer(_Echo())
    yield BOM + writer.writerow(header or headers())
    rows = (
        queryset.order_by("seq")
        .select_related("actor__unit", "document")
        .only(*_ONLY)
        .iterator(chunk_size=2000)
    )
    for batch in _batches(rows, BATCH):
        for event, text in describe_events(batch):
            yield writer.writerow(_line(event, text, action_labels))


def _translated(lines: Iterator[str], language: str | None) -> Iterator[str]:
    """The lines written in the request's language: the sentences are made while streaming."""
    with translation.override(language):
        yield from lines


def csv_response(queryset: QuerySet, *, filename: str) -> StreamingHttpResponse:
    # The labels are translated now, in the request's language: the generator runs after the view.
    labels = {code: str(label) for code, label in AuditAction.choices}
    lines = _translated(csv_lines(queryset, action_labels=labels, header=headers()), translation.get_language())
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
