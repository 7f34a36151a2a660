"""Levels, their rules, and clearance."""

import pytest

from classification import Level, LevelRule, clearance_permits


def test_levels_rank_from_restricted_up_to_top_secret():
    assert Level.RESTRICTED < Level.OFFICIAL_SECRET < Level.CONFIDENTIAL < Level.SECRET < Level.TOP_SECRET


def test_each_level_is_labelled_with_its_exact_chinese_marking():
    assert [level.label for level in Level] == ["限閱", "密", "機密", "極機密", "絕對機密"]


def test_choices_list_the_most_secret_level_first():
    assert Level.choices() == [(5, "絕對機密"), (4, "極機密"), (3, "機密"), (2, "密"), (1, "限閱")]


@pytest.mark.parametrize("level", list(Level))
def test_a_level_is_found_again_from_its_label(level):
    assert Level.from_label(level.label) is level


def test_a_label_with_surrounding_spaces_is_still_recognised():
    assert Level.from_label(" 機密 ") is Level.CONFIDENTIAL


@pytest.mark.parametrize("text", ["", "機", "機密機密", "一般公務機密", "secret", None])
def test_an_unknown_label_is_refused(text):
    with pytest.raises(ValueError):
        Level.from_label(text)


def test_each_level_carries_a_rule_naming_itself():
    for level in Level:
        assert isinstance(level.rule, LevelRule)
        assert level.rule.level is level
        assert level.rule.label == level.label


def test_the_three_national_secret_levels_are_the_ones_above_official_secret():
    national = {level for level in Level if level.rule.is_national_secret}
    assert national == {Level.TOP_SECRET, Level.SECRET, Level.CONFIDENTIAL}


def test_restricted_is_not_classified_and_every_other_level_is():
    assert not Level.RESTRICTED.rule.is_classified
    assert all(level.rule.is_classified for level in Level if level is not Level.RESTRICTED)


def test_longest_protection_periods_are_30_20_10_years_for_national_secrets_only():
    assert Level.TOP_SECRET.rule.max_protection_years == 30
    assert Level.SECRET.rule.max_protection_years == 20
    assert Level.CONFIDENTIAL.rule.max_protection_years == 10
    assert Level.OFFICIAL_SECRET.rule.max_protection_years is None
    assert Level.RESTRICTED.rule.max_protection_years is None


def test_declassification_is_required_from_official_secret_up_but_not_for_restricted():
    assert not Level.RESTRICTED.rule.requires_declassification
    assert all(level.rule.requires_declassification for level in Level if level >= Level.OFFICIAL_SECRET)


def test_only_top_secret_may_not_be_copied_citing_article_15():
    assert [level for level in Level if not level.rule.may_be_copied] == [Level.TOP_SECRET]
    assert "第15條" in Level.TOP_SECRET.rule.law_reference


def test_each_level_names_its_source_of_law():
    assert Level.CONFIDENTIAL.rule.law_reference == "國家機密保護法第4條、第11條"
    assert Level.OFFICIAL_SECRET.rule.law_reference == "事務管理手冊文書處理"
    assert "第7點" in Level.RESTRICTED.rule.law_reference


def _contrast_on_white(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    luminance = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return 1.05 / (luminance + 0.05)


@pytest.mark.parametrize("level", list(Level))
def test_marking_colour_is_a_hex_colour_readable_as_text_on_white(level):
    colour = level.rule.colour
    assert len(colour) == 7 and colour.startswith("#")
    assert _contrast_on_white(colour) >= 4.5


def test_every_level_has_its_own_marking_colour():
    assert len({level.rule.colour for level in Level}) == len(Level)


def test_level_rules_cannot_be_changed_at_run_time():
    with pytest.raises(AttributeError):
        Level.CONFIDENTIAL.rule.max_protection_years = 50


@pytest.mark.parametrize(
    ("clearance", "level", "permitted"),
    [
        (Level.TOP_SECRET, Level.TOP_SECRET, True),
        (Level.TOP_SECRET, Level.RESTRICTED, True),
        (Level.SECRET, Level.TOP_SECRET, False),
        (Level.CONFIDENTIAL, Level.CONFIDENTIAL, True),
        (Level.CONFIDENTIAL, Level.SECRET, False),
        (Level.OFFICIAL_SECRET, Level.CONFIDENTIAL, False),
        (Level.RESTRICTED, Level.OFFICIAL_SECRET, False),
        (Level.RESTRICTED, Level.RESTRICTED, True),
    ],
)
def test_a_clearance_permits_its_own_level_and_those_below_only(clearance, level, permitted):
    assert clearance_permits(clearance, level) is permitted


def test_clearance_may_be_given_as_the_stored_integer():
    assert clearance_permits(4, 3) is True
    assert clearance_permits(3, Level.SECRET) is False


@pytest.mark.parametrize("level", list(Level))
def test_no_clearance_permits_nothing_not_even_restricted(level):
    assert clearance_permits(None, level) is False


@pytest.mark.parametrize("clearance", [0, 6, -1])
def test_a_clearance_outside_the_levels_is_an_error_not_a_grant(clearance):
    with pytest.raises(ValueError):
        clearance_permits(clearance, Level.RESTRICTED)
