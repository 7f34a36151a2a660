"""DESIGN point 5 and the law: a registration that breaks a rule is refused with a message naming
the rule, and NOTHING is written — no document, no number taken, no audit event, no handling step.

The suite runs in zh-hant (the registry's default language): where the catalog translates a
message, the test reads the Chinese text.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from classification import DeclassKind, Level
from registry.errors import NotPermitted, ValidationFailed
from registry.models import Direction, DocumentState, RegistrationCounter
from registry.roles import Role
from registry.services.documents import document_register, document_route
from tests.factories import register_document, valid_registration
from tests.support import document_snapshot

pytestmark = pytest.mark.django_db


def refused_registration(clerk, error=ValidationFailed, **overrides):
    """Attempt a registration that must be refused; check nothing was written; return the refusal."""
    before = document_snapshot()
    with pytest.raises(error) as refusal:
        document_register(actor=clerk, **valid_registration(**overrides))
    assert document_snapshot() == before, "a refused registration wrote something"
    return refusal.value


def test_tests_run_in_traditional_chinese():
    assert translation.get_language() == "zh-hant"


# --- 國家機密保護法第11條: the longest protection period ---------------------------------------------


@pytest.mark.parametrize(
    "level, too_long",
    [(Level.CONFIDENTIAL, 11), (Level.SECRET, 21), (Level.TOP_SECRET, 31)],
)
def test_protection_period_longer_than_the_law_allows_is_refused(clerk, level, too_long):
    refusal = refused_registration(clerk, level=level, protection_years=too_long)

    assert "國家機密保護法第11條" in refusal.message
    assert f"{too_long}年" in refusal.message
    assert "protection_years" in refusal.field_errors


def test_protection_period_too_long_is_refused_even_with_a_declassification_condition(clerk):
    refusal = refused_registration(
        clerk, protection_years=11, declass_kind=DeclassKind.EVENT, declass_event="公布"
    )

    assert "國家機密保護法第11條" in refusal.message


@pytest.mark.parametrize("level, longest", [(Level.CONFIDENTIAL, 10), (Level.SECRET, 20), (Level.TOP_SECRET, 30)])
def test_the_longest_lawful_period_itself_is_accepted(clerk, level, longest):
    document = register_document(clerk, level=level, protection_years=longest)

    assert (document.level, document.protection_years) == (level, longest)


def test_a_refused_registration_after_a_good_one_leaves_the_counter_where_it_was(clerk):
    first = register_document(clerk)

    refused_registration(clerk, protection_years=11)
    following = register_document(clerk)

    counter = RegistrationCounter.objects.get(year=first.reg_year, series=first.reg_series)
    assert (first.reg_serial, following.reg_serial, counter.last) == (1, 2, 2)


# --- 第11條 / 事務管理手冊: a classified level needs a period or a condition --------------------------


@pytest.mark.parametrize("level", [Level.CONFIDENTIAL, Level.SECRET, Level.TOP_SECRET])
def test_national_secret_without_period_or_declassification_condition_is_refused(clerk, level):
    refusal = refused_registration(clerk, level=level, protection_years=None, declass_kind="")

    assert "國家機密保護法第11條" in refusal.message
    assert "至少擇一" in refusal.message
    assert "declass_kind" in refusal.field_errors


def test_official_secret_without_period_or_declassification_condition_is_refused(clerk):
    refusal = refused_registration(
        clerk, level=Level.OFFICIAL_SECRET, protection_years=None, declass_kind="", authorization_ref=""
    )

    assert "事務管理手冊文書處理" in refusal.message
    assert "declass_kind" in refusal.field_errors


def test_a_declassification_condition_alone_is_enough(clerk):
    document = register_document(
        clerk, protection_years=None, declass_kind=DeclassKind.DATE, declass_date=timezone.localdate() + timedelta(days=365)
    )

    assert document.protection_years is None
    assert document.declass_kind == DeclassKind.DATE


def test_restricted_material_needs_no_declassification_condition(clerk):
    document = register_document(clerk, level=Level.RESTRICTED, protection_years=None, declass_kind="", approval_date=None)

    assert document.level == Level.RESTRICTED


def test_national_secret_without_its_original_approval_date_is_refused(clerk):
    refusal = refused_registration(clerk, approval_date=None)

    assert "國家機密保護法第11條" in refusal.message
    assert "approval_date" in refusal.field_errors


def test_a_date_condition_without_its_date_is_refused(clerk):
    refusal = refused_registration(clerk, protection_years=None, declass_kind=DeclassKind.DATE, declass_date=None)

    assert "declass_date" in refusal.field_errors


# --- 國家機密保護法第14條: a national secret from elsewhere needs written authorization -----------------


@pytest.mark.parametrize(
    "missing",
    [
        {"authorization_ref": "", "authorization_by": ""},
        {"authorization_ref": "   "},
        {"authorization_by": ""},
    ],
    ids=["neither", "no-number", "no-authority"],
)
@pytest.mark.parametrize("level", [Level.CONFIDENTIAL, Level.SECRET, Level.TOP_SECRET])
def test_incoming_national_secret_without_written_authorization_is_refused(clerk, level, missing):
    refusal = refused_registration(clerk, level=level, **missing)

    # The registry's own catalog may not translate this message yet: it must name Article 14
    # in whichever language it speaks (see the Chinese-first test below).
    assert "第14條" in refusal.message or "Article 14" in refusal.message
    assert "authorization_ref" in refusal.field_errors


def test_the_written_authorization_refusal_is_in_traditional_chinese(clerk):
    """DESIGN point 6: zh-Hant is the default and complete; the §14 refusal must read in Chinese."""
    refusal = refused_registration(clerk, authorization_ref="", authorization_by="")

    assert "國家機密保護法第14條" in refusal.message


def test_outgoing_national_secret_needs_no_authorization_from_elsewhere(clerk):
    document = register_document(clerk, direction=Direction.OUTGOING, authorization_ref="", authorization_by="")

    assert document.reg_series == "發"


def test_incoming_official_secret_needs_no_national_secret_authorization(clerk):
    document = register_document(clerk, level=Level.OFFICIAL_SECRET, authorization_ref="", authorization_by="")

    assert document.level == Level.OFFICIAL_SECRET


# --- clearance ---------------------------------------------------------------------------------


@pytest.mark.parametrize("clearance", [Level.OFFICIAL_SECRET, Level.RESTRICTED, None])
def test_clerk_cleared_below_the_level_cannot_register_it(make_person, receiving_unit, clearance):
    low = make_person(Role.CLERK, unit=receiving_unit, clearance=clearance, full_name="低階收發")

    refusal = refused_registration(low, error=NotPermitted, level=Level.CONFIDENTIAL)

    assert "低階收發" in refusal.message
    assert "機密" in refusal.message  # the document's level


def test_clerk_cleared_below_the_level_takes_no_number(make_person, receiving_unit, clerk):
    low = make_person(Role.CLERK, unit=receiving_unit, clearance=Level.OFFICIAL_SECRET)

    refused_registration(low, error=NotPermitted, level=Level.TOP_SECRET, protection_years=30)
    document = register_document(clerk)

    assert document.reg_serial == 1


def test_clerk_cleared_to_the_level_may_register_it(make_person, receiving_unit):
    exact = make_person(Role.CLERK, unit=receiving_unit, clearance=Level.CONFIDENTIAL)

    document = register_document(exact, level=Level.CONFIDENTIAL)

    assert document.custodian == exact


@pytest.mark.parametrize("clearance", [Level.OFFICIAL_SECRET, None])
def test_route_to_a_handler_cleared_below_the_level_is_refused(walk, clerk, make_person, handling_unit, clearance):
    low = make_person(Role.HANDLER, unit=handling_unit, clearance=clearance, full_name="低階承辦")
    document = walk(DocumentState.OPENED, level=Level.SECRET, protection_years=20)
    before = document_snapshot()

    with pytest.raises(ValidationFailed) as refusal:
        document_route(document=document, actor=clerk, handler=low)

    assert "handler" in refusal.value.field_errors
    assert "低階承辦" in refusal.value.message
    assert "極機密" in refusal.value.message
    assert document_snapshot() == before
    document.refresh_from_db()
    assert (document.state, document.routed_to) == (DocumentState.OPENED, None)
