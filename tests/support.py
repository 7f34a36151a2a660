"""Assertions the tests share: the head of the audit chain, the one event an action wrote, and
"nothing written"."""

from __future__ import annotations

import json
from dataclasses import dataclass

from registry.models import (
    AuditEvent,
    Document,
    DocumentUserObjectPermission,
    HandlingStep,
    NeedToKnowGrant,
    RegistrationCounter,
)


def head_seq() -> int:
    """The newest audit event's sequence number (0 on an empty chain)."""
    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def actions_since(seq: int) -> list[str]:
    """The actions appended after ``seq``, oldest first."""
    return list(AuditEvent.objects.filter(seq__gt=seq).order_by("seq").values_list("action", flat=True))


def events_since(seq: int, *actions) -> list[AuditEvent]:
    """The events of any of ``actions`` appended after ``seq``, oldest first."""
    return list(AuditEvent.objects.filter(seq__gt=seq, action__in=actions).order_by("seq"))


def the_event(action, *, since: int = 0, actor, document) -> AuditEvent:
    """Exactly one ``action`` event after ``since``, by ``actor`` (None: the system), on ``document``
    (None: an event about no single document); returned."""
    events = list(AuditEvent.objects.filter(seq__gt=since, action=action))
    assert len(events) == 1, f"expected one {action} event, found {len(events)}: {actions_since(since)}"
    event = events[0]
    assert event.actor_id == (actor.pk if actor is not None else None), "wrong actor"
    assert event.document_id == (document.pk if document is not None else None), "wrong document"
    return event


def details(event: AuditEvent) -> dict:
    """The event's details, decoded."""
    return json.loads(event.details)


@dataclass(frozen=True)
class Snapshot:
    """Row counts of some tables and the stored values of some rows: what a refusal must leave as it was."""

    counts: dict[str, int]
    stored: dict[str, dict]

    @classmethod
    def take(cls, *tables, rows=()) -> Snapshot:
        """The row counts of ``tables`` (models) and the stored values of ``rows`` (model instances)."""
        return cls(
            counts={model.__name__: model.objects.count() for model in tables},
            stored={f"{type(row).__name__}#{row.pk}": type(row).objects.filter(pk=row.pk).values().get() for row in rows},
        )


# Every table a document's registration and handling writes to.
DOCUMENT_TABLES = (
    Document,
    RegistrationCounter,
    AuditEvent,
    HandlingStep,
    NeedToKnowGrant,
    DocumentUserObjectPermission,
)


def document_snapshot() -> Snapshot:
    """The row counts of the document tables and every registration counter's values."""
    return Snapshot.take(*DOCUMENT_TABLES, rows=RegistrationCounter.objects.all())


def refusal_shown(response) -> list[str]:
    """What a refused action told the person: the lines of the error summary on the form shown
    again (the page answers 400), or else the messages after the redirect."""
    import re

    from django.utils.html import strip_tags

    if response.status_code == 400:
        match = re.search(r'<div class="error-summary".*?</div>', response.content.decode(), re.S)
        assert match, "the refused form is shown again without its error summary"
        return [strip_tags(line).strip() for line in re.findall(r"<li>(.*?)</li>", match.group(0), re.S)]
    return [str(m) for m in response.wsgi_request._messages]
