"""Template helpers of the review pages."""

from __future__ import annotations

from django import template

from registry.policies.labels import rule_label
from registry.review.details import visible_details

register = template.Library()


@register.filter
def review_details(event) -> str:
    """The event's details with free text masked unless the viewer knows its document
    (``known`` is annotated by ``registry.review.details.with_known``; absent means not known)."""
    return visible_details(
        event.details,
        document_id=event.document_id,
        known=bool(getattr(event, "known", False)),
        known_meeting=bool(getattr(event, "known_meeting", False)),
    )


@register.simple_tag
def described_events(events):
    """``[(event, text)]``: each event as a sentence with labelled fields (``registry.trail_text``),
    the people, units and documents it names read once for the whole list."""
    from registry.trail_text import describe_events

    return describe_events(events)


@register.filter
def rule_name(rule: str) -> str:
    """A rule of the rule book by its name for people (``registry.policies.labels``)."""
    return rule_label(rule)


@register.simple_tag
def latest_chain_anchor():
    """The newest anchor of the audit chain and whether the stored chain still holds it
    (``registry.review.chain.latest_anchor``), for the chain's panel wherever it is shown."""
    from registry.review.chain import latest_anchor

    return latest_anchor()
