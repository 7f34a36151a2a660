"""Small helpers the registry's templates share."""

from __future__ import annotations

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.utils.text import capfirst

register = template.Library()


@register.filter
def verbose_name(instance, field_name: str) -> str:
    """The translated verbose name of a model field, so page labels and model labels agree."""
    try:
        return capfirst(instance._meta.get_field(field_name).verbose_name)
    except (AttributeError, FieldDoesNotExist):
        return field_name


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced (pagination keeps the filters)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode()
