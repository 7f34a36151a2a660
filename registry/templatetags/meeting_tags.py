"""Template tags of the classified meetings (會議機密維護)."""

from __future__ import annotations

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def meetings_outstanding(context):
    """The held meetings the person organizes whose numbered materials are not all back
    (``outstanding_count`` on each); empty for anyone else."""
    from registry.selectors.meetings import meetings_with_outstanding_materials

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    return list(meetings_with_outstanding_materials(user)[:50])
