"""CUAD's answer conventions, one reader at a time (answers as CUAD writes them in master_clauses.csv)."""

from __future__ import annotations

import datetime as dt

import pytest

from goldset.cuad_answers import (
    Unscorable,
    read_date,
    read_duration,
    read_governing_law,
    read_parties,
    read_title,
    written_in,
)
from schemas.contract import Party


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("2/26/99", dt.date(1999, 2, 26)),  # two-digit years: 69-99 -> 19xx
        ("1/15/28", dt.date(2028, 1, 15)),  # 00-68 -> 20xx
        ("07/31/2000", dt.date(2000, 7, 31)),
        ("", None),  # no such clause
    ],
)
def test_dates(answer: str, expected: dt.date | None) -> None:
    assert read_date(answer) == expected


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ("perpetual", "perpetual"),
        ("[]/[]/2013", "redacted"),
        ("07/[]/2013", "redacted"),
        ("09/05/2019; perpetual", "several"),
        ("31/01/2025", "not a month/day/year"),  # CUAD's own format broken: not read day-first
    ],
)
def test_dates_the_schema_cannot_hold(answer: str, reason: str) -> None:
    read = read_date(answer)
    assert isinstance(read, Unscorable) and reason in read.reason


def test_a_date_is_written_when_its_month_and_year_or_its_figures_are_there() -> None:
    date = dt.date(2005, 7, 13)
    assert written_in(date, ["made on July 13, 2005"])
    assert written_in(date, ["signed 13/07/05"])  # day first, as the contract wrote it
    assert not written_in(date, ["for a term of one (1) year from the Effective Date"])


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("successive 1 year", "1 year"),
        ("successine 1 year", "1 year"),  # CUAD's spellings of "successive"
        ("12 months", "12 months"),
        ("5 year", "5 years"),
        ("", None),
    ],
)
def test_durations(answer: str, expected: str | None) -> None:
    assert read_duration(answer) == expected


@pytest.mark.parametrize("answer", ["perpetual", "10 1 years", "5 years; 2 years"])
def test_durations_the_schema_cannot_hold(answer: str) -> None:
    assert isinstance(read_duration(answer), Unscorable)


def test_governing_law() -> None:
    assert read_governing_law("England; Wales") == "England"  # one jurisdiction, spelt twice
    assert isinstance(read_governing_law("California; Hong Kong"), Unscorable)
    assert read_governing_law("") is None


def test_titles_lose_cuads_line_breaks() -> None:
    assert (
        read_title("AMENDMENT NO. 1\n\nMANUFACTURING AGREEMENT") == "AMENDMENT NO. 1 MANUFACTURING AGREEMENT"
    )
    assert isinstance(read_title("X" * 121), Unscorable)


def test_parties_named_together_only_count_when_listed_elsewhere() -> None:
    restated = (
        'Heritage Foods, LLC ("Heritage"); Premier Corp. ("Premier"); Heritage and Premier (each a "Party")'
    )
    assert read_parties(restated) == [
        Party(name="Heritage Foods, LLC", role="Heritage"),
        Party(name="Premier Corp.", role="Premier"),
    ]
    together = 'Acme ("Acme"); Beta Inc. and Gamma LLC (collectively referred to as "Agent")'
    read = read_parties(together)
    assert isinstance(read, Unscorable) and "together" in read.reason
    assert isinstance(read_parties(""), Unscorable)
    assert isinstance(read_parties("; ".join(f"Party {i} Inc." for i in range(9))), Unscorable)
