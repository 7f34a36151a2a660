"""What of an event's details a reviewer may read.

The details are canonical JSON written by the services; some values are free text typed by people
who know the document — the reason for a distribution, a copying request or a loan, a note, the
grounds of a decision — and such text can tell what the document is about. A reviewer reads the
handling record, not content beyond need-to-know (DESIGN: the ethics office "sees handling
records, not content beyond need-to-know"): on an event about a document the reviewer does not
know, only numbers, flags, lists of numbers and the text of a few coded keys are shown; every
other text is replaced by ``MASK``. Deny by default: a key not listed here is masked.
"""

from __future__ import annotations

import json

from django.db.models import BooleanField, Exists, IntegerField, JSONField, OuterRef, Value
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast

from registry.audit import canonical_json
from registry.models import Document, Meeting
from registry.models.documents import need_to_know_q

MASK = "…"

# Keys whose text values are codes or dates set by the registry itself, never typed by a person.
CODED_KEYS = frozenset(
    {
        "action",
        "applicant_kind",
        "decision",
        "direction",
        "due_on",
        "expired_at",
        "export",
        "form",
        "happened_on",
        "kind",
        "location",
        "number",
        "outcome",
        "purpose",
        "read_on",
        "received_on",
        "role",
    }
)


def with_known(queryset, viewer):
    """Annotate audit events with ``known`` (the viewer may know the event's document) and
    ``known_meeting`` (the viewer may know the meeting the event names in its details)."""
    if viewer is None:
        return queryset.annotate(
            known=Value(False, output_field=BooleanField()), known_meeting=Value(False, output_field=BooleanField())
        )
    documents = Document.objects.filter(pk=OuterRef("document_id")).filter(need_to_know_q(viewer))
    meeting_id = Cast(KeyTextTransform("meeting", Cast("details", JSONField())), IntegerField())
    meetings = Meeting.objects.visible_to(viewer).filter(pk=OuterRef("meeting_ref"))
    return queryset.annotate(known=Exists(documents), meeting_ref=meeting_id, known_meeting=Exists(meetings))


def _shown(key: str, value):
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, list) and all(item is None or isinstance(item, (bool, int, float)) for item in value):
        return value
    if isinstance(value, str) and key in CODED_KEYS:
        return value
    return MASK


def visible_details(details: str, *, document_id, known: bool, known_meeting: bool = False) -> str:
    """The details as the reviewer may read them: whole for an event about neither a document nor
    a meeting, or about ones they know; with free text masked otherwise. A classified meeting's
    venue-check notes, staff duties and reasons are masked like a document's, since its subject and
    place are withheld from whoever does not know it."""
    try:
        value = json.loads(details)
    except ValueError:
        return MASK
    if not isinstance(value, dict):
        return MASK
    about_meeting = "meeting" in value
    if (document_id is None or known) and (not about_meeting or known_meeting):
        return details
    return canonical_json({key: _shown(key, item) for key, item in value.items()})
