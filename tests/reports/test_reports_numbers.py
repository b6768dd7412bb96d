from __future__ import annotations

from datetime import date, datetime

import pytest

from reports import numbers


@pytest.mark.parametrize(
    ("value", "lang", "decimals", "text"),
    [
        (1234.5, "tr", None, "1.234,5"),
        (1234567, "tr", None, "1.234.567"),
        (1234.5, "en", None, "1,234.5"),
        (12.0, "tr", None, "12"),
        (0.25, "tr", 2, "0,25"),
        (1234.5, "ar", None, "1,234.5"),
    ],
)
def test_number(value, lang, decimals, text):
    assert numbers.number(value, lang, decimals) == text


@pytest.mark.parametrize(
    ("value", "lang", "text"),
    [
        (85.3, "tr", "%85,3"),
        (85.3, "en", "85.3%"),
        (1250.0, "tr", "%1.250,0"),
        (-12.5, "tr", "-%12,5"),
    ],
)
def test_percent(value, lang, text):
    assert numbers.percent(value, lang) == text


def test_signed_changes():
    assert numbers.signed(12, "tr") == "+12"
    assert numbers.signed(-2.5, "tr") == "-2,5"
    assert numbers.signed(0.0, "tr") == "+0"


def test_dates_are_day_month_year():
    assert numbers.day(date(2024, 6, 3)) == "03.06.2024"
    assert numbers.moment(datetime(2024, 6, 10, 8, 5)) == "10.06.2024 08:05"
