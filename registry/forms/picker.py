"""A searchable choice of person that works without JavaScript.

A ``<select>`` of every person a form may name renders thousands of options on every page view (a
city's handler page listed 5,092). Instead the person is typed: a login name, a name, or a name
with the unit in brackets as the suggestions show it (「王承辦（秘書處）」); several people are
separated by 「、」 or commas. The form resolves what was typed among the people it may name (its
``queryset``, the same rule as before), and says which entry it could not resolve. A few lines of
local script (static/js/person-picker.js) fill the input's ``<datalist>`` with at most 20
suggestions from ``registry:people_pick``, which answers under the same rules.
"""

from __future__ import annotations

import re

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from registry.models import User

SEPARATORS = re.compile(r"[、,，;；\n]+")
WITH_UNIT = re.compile(r"(?P<name>.+?)\s*[（(](?P<unit>[^（()）]+)[）)]\s*(?P<username>\S*)")
MOST_PEOPLE = 50


class PersonPickerInput(forms.TextInput):
    """A text box with a ``<datalist>`` of suggestions, filled as the person types."""

    template_name = "registry/person_picker.html"  # an app template: the form renderer finds it there

    def __init__(self, attrs=None, *, source: str = "", multiple: bool = False):
        base = {"autocomplete": "off", "spellcheck": "false", "maxlength": "2000"}
        super().__init__({**base, **(attrs or {})})
        self.source = source
        self.multiple = multiple

    def value_from_datadict(self, data, files, name):
        # Several values (the form posted ids, or a script added inputs) are read as one list.
        values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
        return "、".join(str(value) for value in values if value not in (None, ""))

    def format_value(self, value):
        if isinstance(value, (list, tuple)):
            return "、".join(person.username if isinstance(person, User) else str(person) for person in value)
        if isinstance(value, User):
            return value.username
        return super().format_value(value)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_id = context["widget"]["attrs"].get("id") or f"id_{name}"
        context["widget"]["attrs"]["list"] = f"{widget_id}_people"
        context["widget"]["attrs"]["data-person-picker"] = self.source
        if self.multiple:
            context["widget"]["attrs"]["data-person-picker-multiple"] = ""
        context["widget"]["list_id"] = f"{widget_id}_people"
        return context


class PersonPickerField(forms.Field):
    """One person (or, with ``multiple``, several), typed and resolved among ``queryset``."""

    default_error_messages = {
        "unknown": _("「%(entry)s」 is nobody you may choose here. Type a login name or a name as the suggestions show it."),
        "ambiguous": _("Several people are called 「%(entry)s」: type the login name, or the name with the unit."),
        "too_many": _("Name at most %(most)d people at once."),
    }

    def __init__(self, *, queryset=None, multiple: bool = False, source: str = "", **kwargs):
        kwargs.setdefault("widget", PersonPickerInput(source=source, multiple=multiple))
        if "help_text" not in kwargs:
            kwargs["help_text"] = (
                _("Type a login name or a name; separate several people with 、 or commas.")
                if multiple
                else _("Type a login name or a name.")
            )
        super().__init__(**kwargs)
        self.queryset = queryset if queryset is not None else User.objects.none()
        self.multiple = multiple

    def set_source(self, url: str) -> None:
        """Where the script asks for suggestions (a URL of ``registry:people_pick``)."""
        self.widget.source = url

    def to_python(self, value):
        if isinstance(value, User):
            return [value] if self.multiple else value
        entries = [entry.strip() for entry in SEPARATORS.split(str(value or "")) if entry.strip()]
        if not entries:
            return [] if self.multiple else None
        if not self.multiple and len(entries) > 1:
            raise forms.ValidationError(self.error_messages["too_many"], code="too_many", params={"most": 1})
        if len(entries) > MOST_PEOPLE:
            raise forms.ValidationError(self.error_messages["too_many"], code="too_many", params={"most": MOST_PEOPLE})
        people = []
        for entry in entries:
            person = self.resolve(entry)
            if person not in people:
                people.append(person)
        return people if self.multiple else people[0]

    def validate(self, value):
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")

    def resolve(self, entry: str) -> User:
        """The one person among ``queryset`` that ``entry`` names."""
        candidates = self.queryset
        for lookup in self._lookups(entry):
            found = list(candidates.filter(lookup)[:2])
            if len(found) == 1:
                return found[0]
            if len(found) > 1:
                raise forms.ValidationError(self.error_messages["ambiguous"], code="ambiguous", params={"entry": entry})
        raise forms.ValidationError(self.error_messages["unknown"], code="unknown", params={"entry": entry})

    @staticmethod
    def _lookups(entry: str) -> list[Q]:
        lookups = [Q(username__iexact=entry), Q(full_name=entry)]
        match = WITH_UNIT.fullmatch(entry)
        if match:
            if match["username"]:
                lookups.append(Q(username__iexact=match["username"]))
            lookups.append(Q(full_name=match["name"].strip(), unit__name=match["unit"].strip()))
        if entry.isascii() and entry.isdigit() and len(entry) < 10:
            lookups.append(Q(pk=int(entry)))  # the number a form without the script posts
        return lookups


def suggestions(queryset, query: str, *, limit: int = 20) -> list[dict]:
    """At most ``limit`` people of ``queryset`` whose login name or name starts with or holds ``query``."""
    query = query.strip()[:60]
    if not query:
        return []
    people = (
        queryset.filter(Q(username__istartswith=query) | Q(full_name__icontains=query))
        .select_related("unit")
        .order_by("full_name", "username")[:limit]
    )
    return [
        {
            "value": person.username,
            "label": f"{person.display_name}（{person.unit.name}）" if person.unit_id else person.display_name,
        }
        for person in people
    ]
