"""Suggestions for the person picker (``registry.forms.picker``): a JSON list of at most 20 people
the asking person may choose in one form, under that form's rules.

``kind`` names the form; each kind checks the rule book as the form's own page does and lists the
same people the form accepts. Anything else (a document the person may not know, a form they may
not use, an unknown kind) is refused like every other page: audited once, answered 404.
"""

from __future__ import annotations

from django.http import JsonResponse
from django.views import View

from registry import policies
from registry.forms.people import distribution_candidates
from registry.forms.picker import suggestions
from registry.views.base import RegistryView, deny_page


def _distribution(user, pk):
    """分發申請: the people who may be named as recipients of the document."""
    document = policies.visible_document_or_404(user, pk, purpose="people_pick")
    if not policies.can_request_distribution(user, document):
        return None
    return distribution_candidates(document, user)


def _minutes(user, pk):
    """會議紀錄之分發: the people of the attending units and the superior agency."""
    from registry.forms.meetings import minutes_candidates
    from registry.views.actions import meeting_or_404

    meeting = meeting_or_404(user, pk)
    if not policies.can_distribute_minutes(user, meeting):
        return None
    return minutes_candidates(meeting, user)


def _staff(user, pk):
    """慎選會場服務工作人員: cleared people not yet chosen, for whoever prepares the meeting."""
    from registry.forms.meetings import staff_candidates
    from registry.views.actions import meeting_or_404

    meeting = meeting_or_404(user, pk)
    return staff_candidates(meeting) if policies.can_prepare_meeting(user, meeting) else None


def _attendee(user, pk):
    """會前審查與會人員: cleared people not yet proposed, for whoever may propose attendees."""
    from registry.forms.meetings import attendee_candidates
    from registry.views.actions import meeting_or_404

    meeting = meeting_or_404(user, pk)
    return attendee_candidates(meeting) if policies.can_propose_attendee(user, meeting) else None


def _chair(user, pk):
    """登記機密會議: the chair, any active person (the service checks the clearance), for whoever may
    register a meeting; ``pk`` is 0 (the meeting does not exist yet)."""
    from registry.forms.people import active_people

    if pk != 0 or not policies.can_register_meeting(user):
        return None
    return active_people()


PICKERS = {
    "chair": _chair,
    "distribution": _distribution,
    "minutes": _minutes,
    "staff": _staff,
    "attendee": _attendee,
}


class PersonPickView(RegistryView, View):
    """GET ``?q=``: ``{"people": [{"value": login name, "label": "name（unit）"}, …]}``."""

    http_method_names = ["get"]
    denied_purpose = "people_pick"

    def get(self, request, kind: str, pk: int):
        picker = PICKERS.get(kind)
        people = picker(request.user, pk) if picker is not None else None
        if people is None:
            deny_page(request, purpose=self.denied_purpose, requested=pk)
        response = JsonResponse({"people": suggestions(people, request.GET.get("q", ""))})
        response["Cache-Control"] = "no-store"
        return response
