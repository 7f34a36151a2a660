"""Factories for the registry's tests.

Documents are made the way the registry makes them: through ``document_register`` (and the other
services), never by writing rows behind the services' back, so every document a test sees has its
number, its handling step and its audit event.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from classification import Level
from registry.models import Direction, Document, Unit, User
from registry.roles import Role
from registry.services.documents import document_register


class UnitFactory(factory.django.DjangoModelFactory):
    """A unit of the office; pass ``parent`` to hang it below another."""

    class Meta:
        model = Unit
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"U{n:04d}")
    name = factory.Sequence(lambda n: f"第{n}科")
    parent = None


class UserFactory(factory.django.DjangoModelFactory):
    """A person in a unit with a clearance; ``roles=[Role.CLERK, ...]`` puts them in the role groups.

    Groups are found by name (migration 0003 creates them). A transactional test's flush empties
    the groups table, so a missing group is created again by the same name rather than failing.
    """

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    full_name = factory.Sequence(lambda n: f"人員{n}")
    unit = factory.SubFactory(UnitFactory)
    clearance = Level.TOP_SECRET
    is_active = True
    password = factory.django.Password("correct-horse-battery-staple")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if not create or not extracted:
            return
        for role in extracted:
            group, _ = Group.objects.get_or_create(name=str(Role(role)))
            self.groups.add(group)
        # has_role() caches the person's group names; start from the groups just given.
        self.__dict__.pop("role_names", None)


# The decision of 國防部, the original classifying agency of ``valid_registration``'s documents, that
# a change of their level records (國家機密保護法第10條: only the original agency or its superior decides).
AGENCY_DECISION = {
    "authority": "國防部115年3月1日國密字第1150000042號函",
    "agency": "國防部",
    "agency_decided_on": date(2026, 3, 1),
    "agency_ref": "國密字第1150000042號",
}


_SENDER_NUMBERS = itertools.count(1)


def next_sender_ref() -> str:
    """A sender's document number no other test registration uses (the duplicate check flags the
    same number from the same sender)."""
    return f"國密字第{1159000000 + next(_SENDER_NUMBERS)}號"


def valid_registration(**overrides) -> dict:
    """Arguments for ``document_register`` that meet every rule: an incoming 機密 document with an
    approval date, a 5-year protection period and the §14 written authorization. Each call has its
    own sender's number (the same number from the same sender is flagged as a duplicate); an
    outgoing one is addressed to 國防部."""
    values = {
        "direction": Direction.INCOMING,
        "subject": "機密測試公文",
        "level": Level.CONFIDENTIAL,
        "original_agency": "國防部",
        "approving_official": "王部長",
        "approval_date": timezone.localdate() - timedelta(days=30),
        "protection_years": 5,
        "sender": "國防部",
        "sender_ref": next_sender_ref(),
        "authorization_ref": "國密授字第1150000001號",
        "authorization_by": "國防部",
    }
    values.update(overrides)
    if values["direction"] == Direction.OUTGOING:
        values.setdefault("addressee", "國防部")
    return values


def register_document(clerk: User, **overrides) -> Document:
    """Register a valid document as ``clerk`` through the service; ``overrides`` change any field."""
    return document_register(actor=clerk, **valid_registration(**overrides))


class DocumentFactory(factory.Factory):
    """A registered document, made by ``document_register``.

    ``DocumentFactory(clerk=clerk, level=Level.SECRET)``; without a clerk, a clerk of a fresh unit
    registers it.
    """

    class Meta:
        model = Document

    clerk = factory.SubFactory(UserFactory, roles=[Role.CLERK])

    @classmethod
    def _create(cls, model_class, clerk, **kwargs):
        return register_document(clerk, **kwargs)

    @classmethod
    def _build(cls, model_class, *args, **kwargs):  # pragma: no cover - a registry never builds
        raise NotImplementedError("documents are only made through document_register")
