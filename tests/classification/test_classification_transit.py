"""How documents of each level may travel outside the office."""

import pytest

from classification import Level, TransitMethod, TransitRuleError, allowed_methods, check_method

HAND, MAIL, COURIER = TransitMethod.BY_HAND, TransitMethod.DOUBLE_REGISTERED, TransitMethod.COURIER


def test_top_secret_travels_by_hand_only():
    assert allowed_methods(Level.TOP_SECRET) == (HAND,)


@pytest.mark.parametrize("level", [Level.SECRET, Level.CONFIDENTIAL, Level.OFFICIAL_SECRET, Level.RESTRICTED])
def test_lower_levels_may_travel_by_hand_double_registered_mail_or_courier(level):
    assert set(allowed_methods(level)) == {HAND, MAIL, COURIER}


def test_strict_rule_keeps_secret_to_hand_delivery():
    assert allowed_methods(Level.SECRET, strict_secret=True) == (HAND,)


@pytest.mark.parametrize("level", [Level.CONFIDENTIAL, Level.OFFICIAL_SECRET, Level.RESTRICTED])
def test_strict_rule_changes_nothing_below_secret(level):
    assert set(allowed_methods(level, strict_secret=True)) == {HAND, MAIL, COURIER}


def test_strict_rule_keeps_top_secret_hand_only():
    assert allowed_methods(Level.TOP_SECRET, strict_secret=True) == (HAND,)


def test_levels_may_be_given_as_stored_integers():
    assert allowed_methods(5) == (HAND,)


@pytest.mark.parametrize("level", list(Level))
@pytest.mark.parametrize("strict", [False, True])
def test_carrying_by_hand_is_always_allowed(level, strict):
    check_method(level, HAND, strict_secret=strict)


def test_top_secret_by_double_registered_mail_is_refused_quoting_point_4(zh):
    with pytest.raises(TransitRuleError) as caught:
        check_method(Level.TOP_SECRET, MAIL)
    assert str(caught.value) == "絕對機密文書對外傳遞，應由承辦人或指定人員親送，不得以雙掛號郵寄（辦公室機密維護要點第4點）。"


def test_top_secret_by_courier_is_refused_quoting_point_4(zh):
    with pytest.raises(TransitRuleError) as caught:
        check_method(Level.TOP_SECRET, "courier")
    assert str(caught.value) == "絕對機密文書對外傳遞，應由承辦人或指定人員親送，不得交由傳遞人員傳送（辦公室機密維護要點第4點）。"


@pytest.mark.parametrize(
    ("method", "message"),
    [
        (MAIL, "極機密文書對外傳遞，應由承辦人或指定人員親送，不得以雙掛號郵寄（文書處理手冊）。"),
        (COURIER, "極機密文書對外傳遞，應由承辦人或指定人員親送，不得交由傳遞人員傳送（文書處理手冊）。"),
    ],
)
def test_secret_by_mail_or_courier_is_refused_under_the_strict_rule_quoting_the_manual(zh, method, message):
    with pytest.raises(TransitRuleError) as caught:
        check_method(Level.SECRET, method, strict_secret=True)
    assert str(caught.value) == message


@pytest.mark.parametrize("level", [Level.SECRET, Level.CONFIDENTIAL, Level.OFFICIAL_SECRET, Level.RESTRICTED])
@pytest.mark.parametrize("method", [MAIL, COURIER])
def test_mail_and_courier_are_accepted_below_top_secret_under_the_guideline(level, method):
    check_method(level, method)


def test_the_refusal_reads_in_english_when_english_is_active(en):
    with pytest.raises(TransitRuleError, match="carried by the handler or a designated person"):
        check_method(Level.TOP_SECRET, MAIL)


@pytest.mark.parametrize("method", ["fax", "", None])
def test_an_unknown_method_is_refused_with_the_choices_named(zh, method):
    with pytest.raises(TransitRuleError, match="請選擇傳遞方式"):
        check_method(Level.RESTRICTED, method)


def test_a_transit_refusal_is_a_value_error():
    assert issubclass(TransitRuleError, ValueError)


def test_method_choices_carry_chinese_labels():
    assert TransitMethod.choices() == [
        ("hand", "承辦人或指定人員親送"),
        ("double_registered", "雙掛號"),
        ("courier", "傳遞人員傳送"),
    ]
