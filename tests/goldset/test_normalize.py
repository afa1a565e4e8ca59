"""Every normaliser, including the nasty cases contracts and models produce."""

from __future__ import annotations

import datetime as dt

import pytest

from goldset.normalize import (
    Amount,
    durations_equal,
    money_equal,
    name_similarity,
    normalize_date,
    normalize_days,
    normalize_duration,
    normalize_jurisdiction,
    normalize_money,
    normalize_name,
    normalize_text,
    words_to_number,
)
from schemas.contract import Money

MARCH_3 = dt.date(2024, 3, 3)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("March 3, 2024", MARCH_3),
        ("the 3rd day of March, 2024", MARCH_3),
        ("03/03/2024", MARCH_3),
        ("2024-03-03", MARCH_3),
        ("3 March 2024", MARCH_3),
        ("3rd March 2024", MARCH_3),
        ("Mar. 3, 2024", MARCH_3),
        ("the 1st day of March, 2024", dt.date(2024, 3, 1)),
        ("this twenty-first day of June, 2023", dt.date(2023, 6, 21)),
        ("03/04/2024", dt.date(2024, 3, 4)),  # numeric slashes are US month-first
        ("13/04/2024", dt.date(2024, 4, 13)),  # ... unless the first number cannot be a month
        ("03.04.2024", dt.date(2024, 4, 3)),  # dotted dates are day-first
        ("Sept. 9, 2021", dt.date(2021, 9, 9)),
        (MARCH_3, MARCH_3),
        ("February 30, 2024", None),
        ("no date here", None),
        ("", None),
    ],
)
def test_dates(text: object, expected: dt.date | None) -> None:
    assert normalize_date(text) == expected


def test_date_day_first_option() -> None:
    assert normalize_date("03/04/2024", day_first=True) == dt.date(2024, 4, 3)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Acme Holdings, L.L.C.", "ACME HOLDINGS LLC"),
        ("Acme Widgets, Inc.", "Acme Widgets Incorporated"),
        ("Acme Widgets Inc", "acme widgets inc."),
        ("Northwind Ltd.", "Northwind Limited"),
        ("Beacon Corp.", "Beacon Corporation"),
        ("Sterling Media GmbH", "STERLING MEDIA"),
        ("Harbor Capital PLC", "Harbor Capital"),
        ("Smith & Co.", "Smith and Co"),
        ("The Falcon Group, Inc.", "Falcon Group"),
    ],
)
def test_party_names_match(a: str, b: str) -> None:
    assert normalize_name(a) == normalize_name(b)
    assert name_similarity(a, b) == 1.0


def test_name_similarity_is_fuzzy_but_not_lenient() -> None:
    assert name_similarity("Acme Holding Inc", "ACME HOLDINGS LLC") >= 0.9  # one letter of OCR noise
    assert name_similarity("Acme", "Acme Widgets") < 0.9  # a subset is not the same party
    assert name_similarity("Acme Widgets", "Bluestone Widgets") < 0.9
    assert name_similarity("", "Acme") == 0.0


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("Del.", "Delaware"),
        ("Delaware", "Delaware"),
        ("DE", "Delaware"),
        ("the laws of Delaware shall govern", "Delaware"),
        ("State of New York", "New York"),
        ("New York", "New York"),
        ("NY", "New York"),
        ("N.Y.", "New York"),
        ("governed by the laws of the State of New York", "New York"),
        ("Commonwealth of Massachusetts", "Massachusetts"),
        ("Mass.", "Massachusetts"),
        ("England and Wales", "England and Wales"),
        ("English law", "England and Wales"),
        ("construed in accordance with English law", "England and Wales"),
        ("the laws of England", "England and Wales"),
        ("England & Wales", "England and Wales"),
        ("Washington, D.C.", "District of Columbia"),
        ("the laws of the State of Washington", "Washington"),
        ("West Virginia", "West Virginia"),
        ("IN", "Indiana"),
        ("the laws of the Federal Republic of Germany", "Germany"),
        ("the laws of the Province of Ontario and the federal laws of Canada applicable therein", "Ontario"),
        ("Singapore law", "Singapore"),
        ("laws of Narnia", "Narnia"),  # unknown places still compare by their text
        ("", None),
    ],
)
def test_jurisdictions(text: str, canonical: str | None) -> None:
    assert normalize_jurisdiction(text) == canonical


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("$1,250,000.00", Amount(1_250_000.0, "USD")),
        ("USD 1.25 million", Amount(1_250_000.0, "USD")),
        ("EUR 80,000", Amount(80_000.0, "EUR")),
        ("80,000 EUR", Amount(80_000.0, "EUR")),
        ("€80,000.00", Amount(80_000.0, "EUR")),
        ("£80,000", Amount(80_000.0, "GBP")),
        ("$1.2M", Amount(1_200_000.0, "USD")),
        ("US$ 5k", Amount(5_000.0, "USD")),
        ("C$10,000", Amount(10_000.0, "CAD")),
        ("80.000,00 EUR", Amount(80_000.0, "EUR")),
        ("twelve dollars 12", Amount(12.0, "USD")),
        (Money(amount=5.5, currency="GBP"), Amount(5.5, "GBP")),
        ({"amount": 7, "currency": "usd"}, Amount(7.0, "USD")),
        ("no money", None),
    ],
)
def test_money(text: object, amount: Amount | None) -> None:
    assert normalize_money(text) == amount


def test_money_equality_needs_the_currency() -> None:
    assert money_equal(normalize_money("$1.25 million"), normalize_money("USD 1,250,000.00"))
    assert not money_equal(normalize_money("1,250,000"), normalize_money("USD 1,250,000"))
    assert not money_equal(normalize_money("EUR 80,000"), normalize_money("USD 80,000"))


@pytest.mark.parametrize(
    ("a", "b", "equal"),
    [
        ("2 years", "24 months", True),
        ("twenty-four (24) months", "2 years", True),
        ("twelve (12) months", "1 year", True),
        ("two years", "24 months", True),
        ("36 months", "3 years", True),
        ("a period of 9 months", "nine months", True),
        ("1 year", "365 days", True),  # a year is 365 days when either side is in days
        ("12 months", "360 days", True),  # ... and a month 30
        ("1 year", "360 days", False),
        ("6 weeks", "42 days", True),
        ("18-month", "18 months", True),
        ("2 years", "18 months", False),
        ("forever", "2 years", False),
    ],
)
def test_durations(a: str, b: str, equal: bool) -> None:
    assert durations_equal(normalize_duration(a), normalize_duration(b)) is equal


@pytest.mark.parametrize(
    ("value", "days"),
    [(30, 30), ("30", 30), ("thirty (30) days", 30), ("ninety days", 90), ("net 45", 45),
     ("45 calendar days", 45), ("two weeks", 14), (True, None), ("soon", None)],
)  # fmt: skip
def test_days(value: object, days: int | None) -> None:
    assert normalize_days(value) == days


def test_words_and_text() -> None:
    assert words_to_number("one hundred and twenty") == 120
    assert words_to_number("twenty-four") == 24
    assert words_to_number("many") is None
    assert normalize_text("MASTER  Services Agreement.") == normalize_text("Master Services Agreement")
