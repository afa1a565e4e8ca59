import datetime as dt

import pytest

from extractors.rules.dates import day_first_evidence, find_dates, parse_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the 3rd day of March, 2024", dt.date(2024, 3, 3)),
        ("this twenty-first day of May 2024", dt.date(2024, 5, 21)),
        ("03/03/2024", dt.date(2024, 3, 3)),
        ("12/14/2025", dt.date(2025, 12, 14)),
        ("14/12/2025", dt.date(2025, 12, 14)),
        ("3rd March 2024", dt.date(2024, 3, 3)),
        ("3 March, 2024", dt.date(2024, 3, 3)),
        ("March 3, 2024", dt.date(2024, 3, 3)),
        ("Mar. 3rd 2024", dt.date(2024, 3, 3)),
        ("Sept. 30, 2021", dt.date(2021, 9, 30)),
        ("2024-03-03", dt.date(2024, 3, 3)),
        ("2024/03/01", dt.date(2024, 3, 1)),
        ("January15,2024", dt.date(2024, 1, 15)),
        ("2024.03.01", dt.date(2024, 3, 1)),
        ("25.12.2024", dt.date(2024, 12, 25)),
        ("3-Mar-2024", dt.date(2024, 3, 3)),
    ],
)
def test_date_forms(text: str, expected: dt.date) -> None:
    assert parse_date(f"entered into as of {text} by") == expected


def test_spans_cover_the_whole_date() -> None:
    text = "made on the 3rd day of March, 2024 between"
    (found,) = find_dates(text)
    assert text[found.start : found.end] == "3rd day of March, 2024"


def test_impossible_dates_and_plain_numbers_are_not_dates() -> None:
    assert find_dates("02/30/2024, section 12.3.4 and 1,250,000") == []


def test_numeric_dates_are_month_first_unless_the_document_shows_otherwise() -> None:
    (us,) = find_dates("04/08/2016")
    assert us.date == dt.date(2016, 4, 8) and us.ambiguous
    (uk,) = find_dates("04/08/2016", day_first=True)
    assert uk.date == dt.date(2016, 8, 4)
    assert day_first_evidence("signed 25/12/2024 and 04/08/2016") is True
    assert day_first_evidence("signed 12/25/2024") is False
    assert day_first_evidence("signed 04/08/2016") is None
