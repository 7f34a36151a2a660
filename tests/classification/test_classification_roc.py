"""Dates in the ROC calendar."""

from datetime import date

import pytest

from classification import RocDateError, format_roc, format_roc_short, parse_roc, roc_year


def test_roc_year_is_gregorian_year_minus_1911():
    assert roc_year(date(2026, 11, 22)) == 115
    assert roc_year(date(1912, 1, 1)) == 1


def test_a_date_before_the_republic_has_no_roc_year(zh):
    with pytest.raises(RocDateError, match="1912年以前"):
        roc_year(date(1911, 12, 31))


def test_dates_are_formatted_as_official_documents_write_them_without_zero_padding():
    assert format_roc(date(2026, 11, 22)) == "115年11月22日"
    assert format_roc(date(2031, 1, 1)) == "120年1月1日"
    assert format_roc(date(1920, 3, 5)) == "9年3月5日"


def test_short_form_uses_slashes_without_zero_padding():
    assert format_roc_short(date(2026, 11, 22)) == "115/11/22"
    assert format_roc_short(date(2026, 2, 3)) == "115/2/3"


def test_no_date_formats_as_empty_text():
    assert format_roc(None) == ""
    assert format_roc_short(None) == ""


@pytest.mark.parametrize(
    "text",
    [
        "115年11月22日",
        "中華民國115年11月22日",
        "民國115年11月22日",
        "中華民國 115 年 11 月 22 日",
        "115/11/22",
        "115-11-22",
        "115.11.22",
        "115/11/22",
        "１１５年１１月２２日",
        "１１５／１１／２２",
        "  115/11/22  ",
        "\u3000115年11月22日\u3000",
        "2026-11-22",
        "2026/11/22",
        "1151122",
        "民國1151122",
        "１１５１１２２",
    ],
)
def test_every_accepted_form_means_the_same_day(text):
    assert parse_roc(text) == date(2026, 11, 22)


def test_the_compact_form_takes_a_two_or_three_digit_year():
    assert parse_roc("991231") == date(2010, 12, 31)
    assert parse_roc("0991231") == date(2010, 12, 31)
    assert parse_roc("1150101") == date(2026, 1, 1)


def test_zero_padded_parts_are_accepted():
    assert parse_roc("093/01/02") == date(2004, 1, 2)
    assert parse_roc("1/1/1") == date(1912, 1, 1)


def test_every_day_round_trips_through_both_roc_forms():
    day = date(2024, 1, 1)
    while day.year == 2024:  # a leap year: 29 February included
        assert parse_roc(format_roc(day)) == day
        assert parse_roc(format_roc_short(day)) == day
        day = date.fromordinal(day.toordinal() + 1)


def test_the_limits_of_roc_years_round_trip():
    for day in (date(1912, 1, 1), date(2111, 12, 31)):
        assert parse_roc(format_roc(day)) == day


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "請輸入民國日期"),
        ("   ", "請輸入民國日期"),
        ("明天", "請輸入民國日期"),
        ("115年11月", "請輸入民國日期"),
        ("115/11-22", "請輸入民國日期"),
        ("115//11/22", "請輸入民國日期"),
        ("11511222", "請輸入民國日期"),
        ("11511", "請輸入民國日期"),
        ("1151322", "所填13月不存在"),
        ("1150230", "民國115年2月沒有30日"),
        ("11/22", "請輸入民國日期"),
        ("-115/11/22", "請輸入民國日期"),
        ("115年11月22日 10:00", "請輸入民國日期"),
        ("一一五年十一月二十二日", "請輸入民國日期"),
        ("١١٥/١١/٢٢", "請輸入民國日期"),  # Arabic-Indic digits are not accepted as digits
        ("①①⑤/11/22", "請輸入民國日期"),
        ("0/1/1", "民國年應介於1至200年之間，所填0年"),
        ("201/1/1", "所填201年不在範圍內"),
        ("999年1月1日", "所填999年不在範圍內"),
        ("1911-12-31", "西元年應介於1912至2111年之間，所填1911年"),
        ("0115/11/22", "所填115年不在範圍內"),
        ("2112-01-01", "所填2112年不在範圍內"),
        ("115/13/1", "所填13月不存在"),
        ("115/0/1", "所填0月不存在"),
        ("115/02/30", "民國115年2月沒有30日"),
        ("115/4/31", "民國115年4月沒有31日"),
        ("114/2/29", "民國114年2月沒有29日"),
        ("115/1/0", "民國115年1月沒有0日"),
        ("2026-02-30", "民國115年2月沒有30日"),
        ("1" * 41, "日期過長（最多40個字元）"),
        ("115/11/22" + " " * 40, "日期過長"),
        ("115/11/22\n", "控制字元"),
        ("115\t/11/22", "控制字元"),
        ("115/11/22\x00", "控制字元"),
        ("115/11\u200b/22", "控制字元"),
    ],
)
def test_anything_else_is_refused_with_a_message_saying_why(zh, text, message):
    with pytest.raises(RocDateError) as caught:
        parse_roc(text)
    assert message in str(caught.value)


def test_a_non_text_value_is_refused_like_garbage(zh):
    with pytest.raises(RocDateError, match="請輸入民國日期"):
        parse_roc(1151122)


def test_a_refusal_is_a_value_error_so_form_fields_can_catch_it():
    assert issubclass(RocDateError, ValueError)


def test_refusals_are_in_english_when_english_is_active(en):
    with pytest.raises(RocDateError, match="has no day 30"):
        parse_roc("115/02/30")
