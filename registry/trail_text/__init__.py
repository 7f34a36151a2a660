"""The trail in words: every audit event as one sentence and a few labelled fields.

The chain keeps each event's details as canonical JSON with codes and row ids; the ethics office reads
「王收發 於115年12月2日 09:12 將副本第2號交予李承辦」. ``describe_events`` turns a page of events into
such sentences, resolving the people, units, documents and meetings the details name in one query
per kind, never one per event.

Need-to-know holds as on the raw details: free text (reasons, notes, a dispatch's addressee) is taken
from ``registry.review.details.visible_details``, which masks it on an event about a document or a
meeting the reader does not know. A sentence itself never carries free text: only names, dates,
numbers and the labels of codes. Internal row ids (of a grant, a loan, a request) and a browser's
user-agent string are never shown; they stay in the chain and in the CSV's raw column.

Each action has its sentence in ``SENTENCES``; an action without one falls back to its label, so a
new action is readable from the day it is added (tests/test_trail_text.py asks for a sentence).
"""


from __future__ import annotations

import json
from collections.abc import Iterable

from django.utils.translation import gettext as _

from registry.models import AuditAction
from registry.review.details import visible_details
from registry.trail_text.labels import FIELD_LABELS, PERSON_KEYS
from registry.trail_text.sentences import SENTENCES
from registry.trail_text.values import EventText, Names, fields_of, load_names, roc_datetime

__all__ = [
    "FIELD_LABELS",
    "PERSON_KEYS",
    "SENTENCES",
    "EventText",
    "Names",
    "describe",
    "describe_events",
    "roc_datetime",
]

# --- the one entry point ----------------------------------------------------------------------------


def _empty_keys(details: str) -> frozenset[str]:
    """The keys whose recorded value is empty: nothing to show, and nothing to mask either."""
    try:
        value = json.loads(details)
    except ValueError:
        return frozenset()
    if not isinstance(value, dict):
        return frozenset()
    return frozenset(key for key, item in value.items() if item is None or item == "" or item == [])


def _parse(event) -> dict:
    shown = visible_details(
        event.details,
        document_id=event.document_id,
        known=bool(getattr(event, "known", False)),
        known_meeting=bool(getattr(event, "known_meeting", False)),
    )
    try:
        value = json.loads(shown)
    except ValueError:
        return {}
    if not isinstance(value, dict):
        return {}
    empty = _empty_keys(event.details)
    return {key: item for key, item in value.items() if key not in empty}


def actor_name(event) -> str:
    actor = event.actor if event.actor_id else None
    return actor.display_name if actor is not None else _("the system")


def action_label(code: str) -> str:
    return str(dict(AuditAction.choices).get(code, _("an action")))


def sentence(event, details: dict, names: Names) -> str:
    """「<actor> 於<time> <what>」; an action without a sentence of its own is named by its label."""
    what = SENTENCES.get(event.action)
    text = what(details, names) if what else action_label(event.action)
    return _("%(actor)s on %(when)s %(what)s") % {"actor": actor_name(event), "when": roc_datetime(event.at), "what": text}


def describe_events(events: Iterable) -> list[tuple[object, EventText]]:
    """Each event with its sentence and fields; the names they need read in one query per kind.

    An event may carry ``known``/``known_meeting`` (``registry.review.details.with_known``); without
    them, free text about a document or meeting is masked."""
    parsed = [(event, _parse(event)) for event in events]
    names = load_names(parsed)
    return [(event, EventText(sentence(event, details, names), fields_of(event.action, details, names))) for event, details in parsed]


def describe(event) -> EventText:
    """One event in words (for a single event; pages use ``describe_events``)."""
    return describe_events([event])[0][1]

