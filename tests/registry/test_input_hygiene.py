"""A NUL character in any field or query parameter is refused with a clear 400, never a 500."""

import pytest
from django.urls import reverse

from registry.models import AuditAction, AuditEvent, Document
from tests.support import Snapshot, actions_since, head_seq

pytestmark = pytest.mark.django_db


def test_a_nul_in_a_posted_field_is_refused_and_nothing_is_written(client, clerk):
    client.force_login(clerk)
    before = Snapshot.take(Document, AuditEvent)

    response = client.post(reverse("registry:document_register"), {"subject": "主旨\x00", "direction": "in"})

    assert response.status_code == 400
    assert "NUL" in response.content.decode()
    assert Snapshot.take(Document, AuditEvent) == before


def test_a_nul_in_a_search_parameter_is_refused(client, clerk):
    client.force_login(clerk)

    response = client.get(reverse("registry:register"), {"number": "115\x00"})

    assert response.status_code == 400


def test_ordinary_input_passes(client, clerk):
    client.force_login(clerk)

    assert client.get(reverse("registry:register"), {"number": "115收"}).status_code == 200


# --- text that hides what it says, and past events dated in the future (registry.hygiene) --------

BIDI_OVERRIDE = "機密\u202e文書"  # shows as 「機密書文」 in a browser
ZERO_WIDTH_ONLY = "\u200b\u200b\ufeff"


def refused_registration(clerk, **overrides):
    """A registration called straight on the service, which must refuse it and write nothing."""
    from registry.errors import ValidationFailed
    from registry.services.documents import document_register
    from tests.factories import valid_registration
    from tests.support import document_snapshot

    before = document_snapshot()
    with pytest.raises(ValidationFailed) as refusal:
        document_register(actor=clerk, **valid_registration(**overrides))
    assert document_snapshot() == before, "a refused registration wrote something"
    return refusal.value


def test_the_service_refuses_a_receipt_date_typed_a_century_ahead(clerk):
    from classification import parse_roc

    # The finding: 「200/01/01」 where 「115/01/01」 was meant is a valid ROC date, 2111-01-01.
    received_on = parse_roc("200/01/01")
    assert received_on.year == 2111

    refusal = refused_registration(clerk, received_on=received_on)

    assert list(refusal.field_errors) == ["received_on"]
    assert "「收發文日期」記載的是已發生的事，不得為未來日期" in refusal.field_errors["received_on"][0]


@pytest.mark.any_hour
def test_today_in_taipei_is_accepted_and_tomorrow_refused_at_any_hour(clerk):
    from datetime import timedelta

    from django.utils import timezone

    from tests.factories import register_document

    today = timezone.localdate()
    assert register_document(clerk, received_on=today, approval_date=today).received_on == today

    refusal = refused_registration(clerk, approval_date=today + timedelta(days=1))
    assert "「原核定日期」" in refusal.field_errors["approval_date"][0]


def test_the_service_refuses_a_subject_with_a_right_to_left_override(clerk):
    refusal = refused_registration(clerk, subject=BIDI_OVERRIDE)

    assert "「主旨」含有雙向文字控制字元" in refusal.field_errors["subject"][0]


@pytest.mark.parametrize("mark", ["\u202a", "\u202b", "\u202c", "\u202d", "\u2066", "\u2067", "\u2068", "\u2069"])
def test_every_embedding_and_isolate_character_is_refused(clerk, mark):
    refusal = refused_registration(clerk, sender=f"國防部{mark}")

    assert "sender" in refusal.field_errors


def test_the_service_refuses_a_subject_made_only_of_zero_width_characters(clerk):
    refusal = refused_registration(clerk, subject=ZERO_WIDTH_ONLY)

    assert "「主旨」僅由不可見的零寬度字元組成" in refusal.field_errors["subject"][0]


def test_direction_marks_are_refused_without_right_to_left_text_and_kept_with_it(clerk):
    from tests.factories import register_document

    refusal = refused_registration(clerk, subject="機密\u200f文書")
    assert "U+200E" in refusal.field_errors["subject"][0]

    # A Hebrew or Arabic name may need its marks; text around a zero-width joiner is kept as typed.
    subject = "協議 \u05e9\u05dc\u05d5\u05dd\u200f 文書\u200d本"
    assert register_document(clerk, subject=subject).subject == subject


def test_a_save_outside_the_services_is_refused_too(clerk):
    """The model check: a management command or a shell that saves a row meets the same refusal."""
    from datetime import timedelta

    from django.utils import timezone

    from registry.errors import ValidationFailed
    from tests.factories import register_document

    document = register_document(clerk)
    document.refresh_from_db()
    document.declassified_on = timezone.localdate() + timedelta(days=3)
    with pytest.raises(ValidationFailed) as refusal:
        document.save()
    assert "declassified_on" in refusal.value.field_errors

    document.refresh_from_db()
    document.subject = BIDI_OVERRIDE
    with pytest.raises(ValidationFailed):
        document.save(update_fields=["subject"])
    document.refresh_from_db()
    assert document.subject == "機密測試公文"


def test_a_row_dated_before_the_check_can_still_be_saved_unchanged(clerk):
    """Only what a save changes is checked: an old row with a date now doubtful keeps working."""
    from datetime import timedelta

    from django.utils import timezone

    from tests.factories import register_document

    document = register_document(clerk)
    future = timezone.localdate() + timedelta(days=10)
    Document.objects.filter(pk=document.pk).update(received_on=future)
    document.refresh_from_db()
    document.pages = 2
    document.save()
    assert Document.objects.get(pk=document.pk).received_on == future


def _tomorrow_for(model, name):
    from datetime import timedelta

    from django.utils import timezone

    field = model._meta.get_field(name)
    if field.get_internal_type() == "DateTimeField":
        return timezone.now() + timedelta(hours=1)
    return timezone.localdate() + timedelta(days=1)


def _past_event_fields():
    from registry.hygiene import PAST_EVENT_FIELDS

    return [(key, name) for key, names in PAST_EVENT_FIELDS.items() for name in names]


@pytest.mark.parametrize("key, name", _past_event_fields())
def test_every_past_event_field_refuses_the_future(key, name):
    from django.apps import apps

    from registry.errors import ValidationFailed
    from registry.hygiene import check_instance

    model = apps.get_model(key)
    instance = model(**{name: _tomorrow_for(model, name)})
    with pytest.raises(ValidationFailed) as refusal:
        check_instance(instance, update_fields=[name])
    assert name in refusal.value.field_errors


def test_every_text_field_of_every_registry_model_is_checked():
    from django.apps import apps
    from django.db import models

    from registry.errors import ValidationFailed
    from registry.hygiene import UNCHECKED_MODELS, check_instance

    checked = 0
    for model in apps.get_app_config("registry").get_models():
        if f"registry.{model._meta.object_name}" in UNCHECKED_MODELS:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, (models.CharField, models.TextField)) and not field.choices:
                instance = model(**{field.attname: BIDI_OVERRIDE})
                with pytest.raises(ValidationFailed):
                    check_instance(instance, update_fields=[field.name])
                checked += 1
    assert checked > 40


# --- the forms: the error beside the field, naming it ---------------------------------------------


def registration_post(**overrides) -> dict:
    """The registration page's fields for a valid registration, as the page posts them."""
    from classification import format_roc
    from tests.factories import valid_registration

    values = valid_registration()
    data = dict(values)
    data["approval_date"] = format_roc(values["approval_date"])
    data["marking_position"] = "top_left"
    data.update(pages=1, attachments=0, copies_count=1)
    data.update(overrides)
    return {name: value for name, value in data.items() if value is not None}


def test_the_registration_page_refuses_a_future_receipt_date_beside_the_field(client, clerk):
    client.force_login(clerk)
    before, seq = Snapshot.take(Document), head_seq()

    response = client.post(reverse("registry:document_register"), registration_post(received_on="200/01/01"))

    assert response.status_code == 200
    form = response.context["form"]
    assert "「收文日期」記載的是已發生的事" in form.errors["received_on"][0]
    assert "記載的是已發生的事" in response.content.decode()
    assert Snapshot.take(Document) == before
    assert actions_since(seq) == [AuditAction.ACTION_REFUSED]


@pytest.mark.parametrize("subject, words", [(BIDI_OVERRIDE, "雙向文字控制字元"), (ZERO_WIDTH_ONLY, "零寬度字元")])
def test_the_registration_page_refuses_hidden_text_beside_the_subject(client, clerk, subject, words):
    client.force_login(clerk)
    before, seq = Snapshot.take(Document), head_seq()

    response = client.post(reverse("registry:document_register"), registration_post(subject=subject))

    assert response.status_code == 200
    assert words in response.context["form"].errors["subject"][0]
    assert Snapshot.take(Document) == before
    assert actions_since(seq) == [AuditAction.ACTION_REFUSED]


def test_the_registration_page_still_registers_clean_input(client, clerk):
    client.force_login(clerk)
    documents = Document.objects.count()

    response = client.post(reverse("registry:document_register"), registration_post())

    assert response.status_code == 302
    assert Document.objects.count() == documents + 1


def test_every_form_of_the_registry_checks_its_input():
    """Each form class of the registry's pages is built on the hygiene mixin (no form skips it)."""
    import inspect

    from django import forms

    import registry.forms as registry_forms
    import registry.review.forms as review_forms
    from registry.hygiene import CleanInputMixin

    found = [
        cls
        for module in (registry_forms, review_forms)
        for _name, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, forms.BaseForm) and cls.__module__.startswith("registry.")
    ]
    assert len(found) > 30
    assert [cls.__name__ for cls in found if not issubclass(cls, CleanInputMixin)] == []


@pytest.mark.parametrize(
    "form_path, field, value",
    [
        ("registry.forms.DispatchReceiptForm", "received_on", "200/01/01"),
        ("registry.forms.DestructionRecordForm", "destroyed_on", "200/01/01"),
        ("registry.forms.PartyReadingForm", "read_on", "200/01/01"),
        ("registry.forms.DeclassEventForm", "happened_on", "200/01/01"),
        ("registry.forms.DispatchReceiptForm", "receipt_by", BIDI_OVERRIDE),
        ("registry.forms.DispatchReceiptForm", "discrepancy", ZERO_WIDTH_ONLY),
    ],
)
def test_action_forms_name_the_field_that_is_refused(form_path, field, value):
    from django.utils.module_loading import import_string

    form_class = import_string(form_path)
    kwargs = {"document": None} if "document" in form_class.__init__.__code__.co_varnames else {}
    try:
        form = form_class(data={field: value}, **kwargs)
    except TypeError:
        form = form_class(data={field: value})
    form.is_valid()

    label = str(form.fields[field].label)
    assert field in form.errors
    assert f"「{label}」" in " ".join(form.errors[field])


def test_the_admin_refuses_hidden_text_beside_the_field(client, administrator, receiving_unit):
    from registry.models import Unit

    client.force_login(administrator)
    url = reverse("admin:registry_unit_change", args=[receiving_unit.pk])

    response = client.post(url, {"code": receiving_unit.code, "name": "秘書處\u202e"})

    assert response.status_code == 200
    assert "雙向文字控制字元" in response.content.decode()
    assert Unit.objects.get(pk=receiving_unit.pk).name == receiving_unit.name
