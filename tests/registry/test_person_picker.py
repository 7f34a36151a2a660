"""The person picker: a text box instead of a list of every cleared person, resolved by the form
among the same people as before, with suggestions (at most 20) from an endpoint under the same
rules: logged in, need-to-know of the document, the rule of the form; refusals audited once."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from classification import Level
from registry.models import AuditAction, DistributionRequest, DocumentState
from tests.support import events_since, head_seq

pytestmark = pytest.mark.django_db

SUBJECT = "人員選擇測試公文"


@pytest.fixture
def document(walk):
    return walk(DocumentState.IN_HANDLING, subject=SUBJECT, level=Level.SECRET)


@pytest.fixture
def crowd(make_person, handling_unit):
    """Thirty people cleared to 極機密 called 陳一號…, and one cleared only to 密."""
    people = [make_person(unit=handling_unit, username=f"chen{n:02d}", full_name=f"陳{n:02d}號") for n in range(30)]
    low = make_person(unit=handling_unit, username="chenlow", full_name="陳低密等", clearance=Level.OFFICIAL_SECRET)
    return people, low


def pick_url(document, query=""):
    return reverse("registry:people_pick", args=["distribution", document.pk]) + (f"?q={query}" if query else "")


def test_the_document_page_renders_a_text_box_not_a_list_of_everyone(client, handler, document, crowd):
    client.force_login(handler)

    html = client.get(reverse("registry:document_detail", args=[document.pk])).content.decode()

    assert 'name="recipients"' in html
    assert f'data-person-picker="{pick_url(document)}"' in html
    assert 'list="id_distribution_recipients_people"' in html
    assert '<datalist id="id_distribution_recipients_people"></datalist>' in html
    assert "陳07號" not in html  # nobody of the crowd is listed on the page itself


def test_the_form_takes_login_names_and_names(client, handler, document, crowd, second_handler):
    people, _low = crowd
    client.force_login(handler)

    response = client.post(
        reverse("registry:distribution_request", args=[document.pk]),
        {"recipients": f"chen03、{people[4].full_name}, 陳05號（{people[5].unit.name}）", "reason": "會辦"},
    )

    assert response.status_code == 302
    request = DistributionRequest.objects.get(document=document)
    assert set(request.recipients.values_list("user_id", flat=True)) == {people[3].pk, people[4].pk, people[5].pk}


@pytest.mark.parametrize(
    "typed, words",
    [("chenlow", "不是此處可選的人員"), ("nobody", "「nobody」不是此處可選的人員"), ("handler", "不是此處可選的人員")],
)
def test_the_form_refuses_people_it_may_not_name(client, handler, document, crowd, typed, words):
    client.force_login(handler)
    if typed == "handler":
        typed = handler.username  # the requester is not among the recipients

    response = client.post(
        reverse("registry:distribution_request", args=[document.pk]),
        {"recipients": typed, "reason": "會辦"},
        follow=True,
    )

    assert words in response.content.decode()
    assert not DistributionRequest.objects.exists()


def test_a_name_shared_by_two_people_asks_for_the_login_name(make_person, handling_unit, document, handler):
    from registry.forms import DistributionRequestForm

    make_person(unit=handling_unit, username="twin1", full_name="林同名")
    make_person(unit=handling_unit, username="twin2", full_name="林同名")

    form = DistributionRequestForm(data={"recipients": "林同名", "reason": "會辦"}, document=document, user=handler)

    assert not form.is_valid()
    assert "有多位人員名為「林同名」" in form.errors["recipients"][0]
    assert DistributionRequestForm(data={"recipients": "twin2", "reason": "會辦"}, document=document, user=handler).is_valid()


def test_suggestions_are_at_most_twenty_of_the_people_the_form_accepts(client, handler, document, crowd):
    client.force_login(handler)

    answer = client.get(pick_url(document, "陳"))

    assert answer.status_code == 200 and answer["Content-Type"] == "application/json"
    people = json.loads(answer.content)["people"]
    assert len(people) == 20
    assert all("陳" in person["label"] and "（" in person["label"] for person in people)
    assert "chenlow" not in {person["value"] for person in people}
    assert json.loads(client.get(pick_url(document, "chen1")).content)["people"] == [
        {"value": f"chen{n}", "label": f"陳{n}號（{crowd[0][0].unit.name}）"} for n in range(10, 20)
    ]
    assert json.loads(client.get(pick_url(document, handler.username)).content)["people"] == []


@pytest.mark.parametrize("who", ["outsider", "clerk", "supervisor", "ethics_officer", "administrator"])
def test_suggestions_are_refused_to_whoever_may_not_use_the_form(client, everyone, document, crowd, who):
    client.force_login(everyone[who])
    seq = head_seq()

    answer = client.get(pick_url(document, "陳"))

    assert answer.status_code == 404
    assert "陳01號" not in answer.content.decode() and SUBJECT not in answer.content.decode()
    assert len(events_since(seq, AuditAction.ACCESS_DENIED)) == 1


def test_an_unknown_kind_is_refused_and_audited(client, handler, document):
    client.force_login(handler)
    seq = head_seq()

    assert client.get(reverse("registry:people_pick", args=["everyone", document.pk]) + "?q=陳").status_code == 404
    assert len(events_since(seq, AuditAction.ACCESS_DENIED)) == 1


def test_suggestions_need_a_log_in(client, document):
    answer = client.get(pick_url(document, "陳"))

    assert answer.status_code == 302 and answer.url.startswith(reverse("login"))


def test_the_chair_of_a_new_meeting_is_typed_with_suggestions(client, supervisor, clerk, crowd):
    pick = reverse("registry:people_pick", args=["chair", 0])
    client.force_login(supervisor)

    html = client.get(reverse("registry:meeting_register")).content.decode()
    assert f'data-person-picker="{pick}"' in html and "陳07號" not in html
    assert len(json.loads(client.get(pick + "?q=陳").content)["people"]) == 20

    client.force_login(clerk)  # may not register a meeting
    seq = head_seq()
    assert client.get(pick + "?q=陳").status_code == 404
    assert len(events_since(seq, AuditAction.ACCESS_DENIED)) == 1
