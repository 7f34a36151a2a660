"""Protection periods, declassification conditions, markings and the rules they must obey."""

from datetime import date

import pytest

from classification import (
    ClassificationRuleError,
    DeclassKind,
    Level,
    Protection,
    RuleViolation,
    check_protection,
)

APPROVED = date(2026, 11, 22)  # 115年11月22日
NATIONAL = [Level.TOP_SECRET, Level.SECRET, Level.CONFIDENTIAL]
CLASSIFIED = [*NATIONAL, Level.OFFICIAL_SECRET]


def period(level, years, approved=APPROVED):
    return Protection(level=level, approval_date=approved, protection_years=years, declass_kind=None)


def condition(level, kind, approved=APPROVED, **details):
    return Protection(
        level=level, approval_date=approved, protection_years=None, declass_kind=kind, **details
    )


def codes(p):
    return [v.code for v in p.violations()]


# --- longest periods (國家機密保護法第11條) -------------------------------------------------


LONGEST = [(Level.TOP_SECRET, 30), (Level.SECRET, 20), (Level.CONFIDENTIAL, 10)]


@pytest.mark.parametrize(("level", "longest"), LONGEST)
def test_a_national_secret_may_be_protected_for_exactly_its_longest_period(level, longest):
    assert period(level, longest).violations() == []


@pytest.mark.parametrize(("level", "longest"), LONGEST)
def test_one_year_beyond_the_longest_period_is_refused(level, longest):
    [violation] = period(level, longest + 1).violations()
    assert (violation.code, violation.field) == ("period_too_long", "protection_years")


def test_confidential_period_of_eleven_years_is_refused_citing_article_11(zh):
    [violation] = period(Level.CONFIDENTIAL, 11).violations()
    assert violation.message == "機密之保密期限最長為10年（國家機密保護法第11條），所填11年逾越上限。"


def test_confidential_period_of_twelve_years_is_refused_in_the_office_wording(zh):
    [violation] = period(Level.CONFIDENTIAL, 12).violations()
    assert violation.message == "機密之保密期限最長為10年（國家機密保護法第11條），所填12年逾越上限。"


def test_the_period_refusal_reads_in_english_when_english_is_active(en):
    [violation] = period(Level.SECRET, 21).violations()
    assert violation.message == (
        "The longest protection period for 極機密 is 20 years (National Secrets Protection Act, "
        "Article 11); 21 years exceeds it."
    )


def test_official_secret_has_no_statutory_longest_period():
    assert period(Level.OFFICIAL_SECRET, 50).violations() == []


@pytest.mark.parametrize("years", [0, -1, 2.5, True, "5"])
def test_a_period_must_be_a_positive_whole_number(zh, years):
    [violation] = period(Level.CONFIDENTIAL, years).violations()
    assert (violation.code, violation.field) == ("period_not_positive", "protection_years")
    assert violation.message == "保密期限應為正整數年。"


# --- a period or a condition is required --------------------------------------------------


@pytest.mark.parametrize("level", CLASSIFIED)
def test_a_classified_level_without_period_or_condition_is_refused(level):
    p = Protection(level=level, approval_date=APPROVED, protection_years=None, declass_kind=None)
    [violation] = p.violations()
    assert (violation.code, violation.field) == ("declassification_missing", "declass_kind")


def test_a_missing_condition_on_a_national_secret_cites_article_11(zh):
    p = Protection(level=Level.SECRET, approval_date=APPROVED, protection_years=None, declass_kind=None)
    assert p.violations()[0].message == "極機密應核定保密期限或解密條件，至少擇一（國家機密保護法第11條）。"


def test_a_missing_condition_on_official_secret_cites_the_handling_manual(zh):
    p = Protection(level=Level.OFFICIAL_SECRET, approval_date=None, protection_years=None, declass_kind=None)
    assert p.violations()[0].message == "密應加註解密條件或保密期限（事務管理手冊文書處理）。"


def test_restricted_needs_neither_period_nor_condition_nor_approval_date():
    p = Protection(level=Level.RESTRICTED, approval_date=None, protection_years=None, declass_kind=None)
    assert p.violations() == []
    check_protection(p)


@pytest.mark.parametrize("level", CLASSIFIED)
def test_a_period_alone_satisfies_the_requirement(level):
    assert period(level, 5).violations() == []


@pytest.mark.parametrize("level", CLASSIFIED)
@pytest.mark.parametrize("kind", list(DeclassKind))
def test_any_complete_condition_alone_satisfies_the_requirement(level, kind):
    details = {"declass_date": date(2030, 1, 1), "declass_event": "公布", "declass_other": "俟訴訟終結後解密"}
    p = condition(level, kind, **details)
    assert p.violations() == []


# --- the approval date ----------------------------------------------------------------------


@pytest.mark.parametrize("level", NATIONAL)
def test_a_national_secret_needs_its_approval_date_even_with_a_condition(zh, level):
    p = condition(level, DeclassKind.ATTACHMENT_REMOVED, approved=None)
    [violation] = p.violations()
    assert (violation.code, violation.field) == ("approval_date_missing", "approval_date")
    assert "國家機密保護法第11條" in violation.message


def test_official_secret_with_a_condition_needs_no_approval_date():
    p = condition(Level.OFFICIAL_SECRET, DeclassKind.EVENT, approved=None, declass_event="公布")
    assert p.violations() == []


def test_a_period_without_an_approval_date_is_refused_because_it_cannot_be_counted(zh):
    [violation] = period(Level.OFFICIAL_SECRET, 3, approved=None).violations()
    assert (violation.code, violation.field) == ("approval_date_missing", "approval_date")
    assert violation.message == "填有保密期限者，應填核定日期，以為起算日。"


# --- details each kind of condition needs --------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "code", "field"),
    [
        (DeclassKind.DATE, "declass_date_missing", "declass_date"),
        (DeclassKind.EVENT, "declass_event_missing", "declass_event"),
        (DeclassKind.OTHER, "declass_other_missing", "declass_other"),
    ],
)
@pytest.mark.parametrize("level", list(Level))
def test_a_condition_without_its_detail_is_refused_at_every_level(level, kind, code, field):
    p = condition(level, kind, declass_event="   ", declass_other="\n")
    assert [(v.code, v.field) for v in p.violations()] == [(code, field)]


def test_an_attachment_condition_needs_no_detail():
    assert condition(Level.SECRET, DeclassKind.ATTACHMENT_REMOVED).violations() == []


def test_a_declassification_date_before_approval_is_refused(zh):
    p = condition(Level.CONFIDENTIAL, DeclassKind.DATE, declass_date=date(2026, 11, 21))
    [violation] = p.violations()
    assert (violation.code, violation.field) == ("declass_date_before_approval", "declass_date")
    assert violation.message == "解密日期（115年11月21日）早於核定日期（115年11月22日）。"


def test_a_declassification_date_on_the_approval_date_is_accepted():
    assert condition(Level.CONFIDENTIAL, DeclassKind.DATE, declass_date=APPROVED).violations() == []


def test_a_date_left_over_from_another_kind_of_condition_is_ignored():
    p = condition(Level.CONFIDENTIAL, DeclassKind.EVENT, declass_event="公布", declass_date=date(2000, 1, 1))
    assert p.violations() == []
    assert p.marking_text() == "機密（本件於公布後解密）"


def test_every_broken_rule_is_reported_at_once():
    p = Protection(
        level=Level.TOP_SECRET, approval_date=None, protection_years=31, declass_kind=DeclassKind.OTHER
    )
    assert codes(p) == ["period_too_long", "approval_date_missing", "declass_other_missing"]


def test_restricted_requires_nothing_but_what_is_filled_in_must_make_sense():
    p = Protection(
        level=Level.RESTRICTED, approval_date=None, protection_years=0, declass_kind=DeclassKind.DATE
    )
    assert codes(p) == ["period_not_positive", "approval_date_missing", "declass_date_missing"]


# --- check_protection and the error --------------------------------------------------------


def test_check_protection_passes_a_valid_protection_silently():
    assert check_protection(period(Level.TOP_SECRET, 30)) is None


def test_check_protection_raises_with_every_violation_and_their_messages(zh):
    p = Protection(
        level=Level.CONFIDENTIAL, approval_date=APPROVED, protection_years=12, declass_kind=DeclassKind.EVENT
    )
    with pytest.raises(ClassificationRuleError) as caught:
        check_protection(p)
    error = caught.value
    assert isinstance(error, ValueError)
    assert [v.code for v in error.violations] == ["period_too_long", "declass_event_missing"]
    assert all(isinstance(v, RuleViolation) for v in error.violations)
    assert str(error) == " ".join(v.message for v in error.violations)
    assert "所填12年逾越上限" in str(error)


# --- what forms hand over -------------------------------------------------------------------


def test_a_protection_accepts_the_stored_values_of_level_and_kind():
    p = Protection(level=3, approval_date=APPROVED, protection_years=None, declass_kind="attachment")
    assert p.level is Level.CONFIDENTIAL
    assert p.declass_kind is DeclassKind.ATTACHMENT_REMOVED


def test_an_empty_kind_from_a_form_means_no_condition():
    p = Protection(level=Level.RESTRICTED, approval_date=None, protection_years=None, declass_kind="")
    assert p.declass_kind is None


def test_an_unknown_level_or_kind_is_an_error():
    with pytest.raises(ValueError):
        Protection(level=9, approval_date=None, protection_years=None, declass_kind=None)
    with pytest.raises(ValueError):
        Protection(level=Level.CONFIDENTIAL, approval_date=None, protection_years=None, declass_kind="never")


def test_declass_kind_choices_carry_chinese_labels_in_order():
    assert DeclassKind.choices() == [
        ("date", "本件至指定日期解密"),
        ("event", "本件於特定事件後解密"),
        ("attachment", "附件抽存後解密"),
        ("other", "其他"),
    ]
    assert DeclassKind.ATTACHMENT_REMOVED.label == "附件抽存後解密"


# --- dates: end of protection and deemed declassification ---------------------------------


def test_protection_ends_the_given_number_of_years_after_approval():
    assert period(Level.CONFIDENTIAL, 10).protection_ends() == date(2036, 11, 22)


def test_a_period_counted_from_29_february_ends_on_28_february():
    assert period(Level.SECRET, 1, approved=date(2024, 2, 29)).protection_ends() == date(2025, 2, 28)
    assert period(Level.SECRET, 4, approved=date(2024, 2, 29)).protection_ends() == date(2028, 2, 29)


def test_protection_ends_is_unknown_without_period_or_approval_date():
    assert condition(Level.CONFIDENTIAL, DeclassKind.ATTACHMENT_REMOVED).protection_ends() is None
    assert period(Level.OFFICIAL_SECRET, 3, approved=None).protection_ends() is None


@pytest.mark.parametrize(
    ("level", "deemed"),
    [
        (Level.TOP_SECRET, date(2056, 11, 22)),
        (Level.SECRET, date(2046, 11, 22)),
        (Level.CONFIDENTIAL, date(2036, 11, 22)),
    ],
)
def test_a_condition_not_met_within_the_longest_period_is_deemed_met_when_it_ends(level, deemed):
    p = condition(level, DeclassKind.EVENT, declass_event="公布")
    assert p.deemed_declassified_on() == deemed


def test_a_date_condition_earlier_than_the_longest_period_decides():
    p = condition(Level.CONFIDENTIAL, DeclassKind.DATE, declass_date=date(2031, 1, 1))
    assert p.deemed_declassified_on() == date(2031, 1, 1)


def test_a_date_condition_later_than_the_longest_period_is_cut_to_it():
    p = condition(Level.CONFIDENTIAL, DeclassKind.DATE, declass_date=date(2040, 1, 1))
    assert p.deemed_declassified_on() == date(2036, 11, 22)


def test_the_earlier_of_period_and_date_condition_decides():
    p = Protection(
        level=Level.SECRET,
        approval_date=APPROVED,
        protection_years=5,
        declass_kind=DeclassKind.DATE,
        declass_date=date(2035, 1, 1),
    )
    assert p.deemed_declassified_on() == date(2031, 11, 22)


def test_a_too_long_period_is_still_cut_to_the_longest_period():
    assert period(Level.CONFIDENTIAL, 15).deemed_declassified_on() == date(2036, 11, 22)


def test_official_secret_has_no_deemed_date_beyond_its_own_period_or_date():
    p = condition(Level.OFFICIAL_SECRET, DeclassKind.EVENT, declass_event="公布")
    assert p.deemed_declassified_on() is None
    assert period(Level.OFFICIAL_SECRET, 3).deemed_declassified_on() == date(2029, 11, 22)


def test_a_national_secret_without_approval_date_has_only_its_date_condition():
    p = condition(Level.SECRET, DeclassKind.DATE, approved=None, declass_date=date(2030, 1, 1))
    assert p.deemed_declassified_on() == date(2030, 1, 1)


# --- marking text (§13: mark the level and the period or condition) ------------------------


def test_marking_of_a_date_condition():
    p = Protection(
        level=Level.CONFIDENTIAL,
        approval_date=date(2026, 1, 1),
        protection_years=None,
        declass_kind=DeclassKind.DATE,
        declass_date=date(2036, 11, 22),
    )
    assert p.marking_text() == "機密（本件至125年11月22日解密）"


@pytest.mark.parametrize(
    ("event", "marking"),
    [
        ("公布", "密（本件於公布後解密）"),
        ("決標", "密（本件於決標後解密）"),
        ("公布時", "密（本件於公布時解密）"),
        ("公布後", "密（本件於公布後解密）"),
        ("本件於公布後解密", "密（本件於公布後解密）"),
        ("  公布\n", "密（本件於公布後解密）"),
    ],
)
def test_marking_of_an_event_condition(event, marking):
    assert condition(Level.OFFICIAL_SECRET, DeclassKind.EVENT, declass_event=event).marking_text() == marking


def test_marking_of_an_attachment_condition():
    assert condition(Level.SECRET, DeclassKind.ATTACHMENT_REMOVED).marking_text() == "極機密（附件抽存後解密）"


def test_marking_of_an_other_condition_writes_it_out():
    p = condition(Level.OFFICIAL_SECRET, DeclassKind.OTHER, declass_other="俟訴訟終結後解密")
    assert p.marking_text() == "密（其他：俟訴訟終結後解密）"


def test_marking_of_a_period_alone():
    p = period(Level.CONFIDENTIAL, 10, approved=date(2026, 11, 22))
    assert p.marking_text() == "機密（保密期限至125年11月22日）"


def test_marking_of_a_condition_and_a_period_puts_the_condition_first():
    p = Protection(
        level=Level.CONFIDENTIAL,
        approval_date=date(2026, 11, 22),
        protection_years=10,
        declass_kind=DeclassKind.DATE,
        declass_date=date(2031, 1, 1),
    )
    assert p.marking_text() == "機密（本件至120年1月1日解密；保密期限至125年11月22日）"


def test_marking_of_top_secret_with_a_period():
    assert period(Level.TOP_SECRET, 30).marking_text() == "絕對機密（保密期限至145年11月22日）"


def test_marking_of_restricted_with_nothing_is_just_the_word():
    p = Protection(level=Level.RESTRICTED, approval_date=None, protection_years=None, declass_kind=None)
    assert p.marking_text() == "限閱"


def test_marking_leaves_out_a_condition_whose_detail_is_missing():
    assert condition(Level.CONFIDENTIAL, DeclassKind.DATE).marking_text() == "機密"
