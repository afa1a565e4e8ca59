"""The date grammar: every way a contract writes a calendar date, found with its character span.

    2024-03-03 | 03/03/2024 | 3.3.2024 | March 3, 2024 | Mar. 3rd 2024 | 3 March 2024 | 3rd March, 2024
    the 3rd day of March, 2024 | this third day of March 2024

Numeric a/b/yyyy is month-first (US) unless the first number exceeds 12 or the document is known to write
day-first; dotted d.m.yyyy is day-first, as the European habit that writes dots.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from extractors.rules.numbers import ORDINALS, SMALL, TENS

_MONTHS: dict[str, int] = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS |= {abbr.lower(): i for i, abbr in enumerate(calendar.month_abbr) if abbr}
_MONTHS["sept"] = 9
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_ORDINAL_WORD = (
    r"(?:(?:twenty|thirty)[\s-]?(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)|"
    + "|".join(sorted(ORDINALS, key=len, reverse=True))
    + r")"
)
_DAY = rf"(?P<day>\d{{1,2}})(?:\s?(?:st|nd|rd|th))?|(?P<dayword>{_ORDINAL_WORD})"
_YEAR = r"(?P<year>(?:19|20)\d{2})"

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    # Year first is always year, month, day: "2024-03-01", and as East Asian forms write it "2024/03/01".
    (
        "iso",
        re.compile(
            r"(?<![\d/.-])(?P<year>(?:19|20)\d{2})(?P<sep>[-/.])(?P<a>\d{1,2})(?P=sep)(?P<b>\d{1,2})(?![\d/-]|\.\d)"
        ),
    ),
    (
        "numeric",
        re.compile(
            r"(?<![\d/.-])(?P<a>\d{1,2})\s?(?P<sep>[/.-])\s?(?P<b>\d{1,2})\s?(?P=sep)\s?"
            r"(?P<year>(?:19|20)\d{2}|\d{2})(?![\d/-])"
        ),
    ),
    # "the 3rd day of March, 2024", "this twenty-first day of May 2024"
    ("day_of", re.compile(rf"(?:{_DAY})\s+day\s+of\s+{_MONTH},?\s*(?:in\s+the\s+year\s+)?{_YEAR}\b", re.I)),
    # "March 3, 2024", "Mar. 3rd 2024", and "January15,2024" as OCR sometimes runs them together
    ("month_day", re.compile(rf"\b{_MONTH}(?:\s+|(?=\d))(?:{_DAY}),?\s*{_YEAR}\b", re.I)),
    # "3 March 2024", "3rd March, 2024", "3-Mar-2024"
    ("day_month", re.compile(rf"(?<![\d.])(?:{_DAY})[\s-]+(?:of\s+)?{_MONTH}[\s,-]+{_YEAR}\b", re.I)),
)


@dataclass(frozen=True)
class DateMatch:
    start: int
    end: int
    date: dt.date
    form: str  # which pattern read it: "iso", "numeric", "day_of", "month_day", "day_month"
    ambiguous: bool = False  # numeric a/b/yyyy where both readings are valid dates


def _ordinal_value(word: str) -> int | None:
    parts = re.split(r"[\s-]+", word.lower())
    if len(parts) == 2:
        tens, unit = TENS.get(parts[0]), ORDINALS.get(parts[1])
        return tens + unit if tens and unit else None
    return ORDINALS.get(parts[0]) or SMALL.get(parts[0])


def _make(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _read(form: str, match: re.Match[str], day_first: bool) -> tuple[dt.date | None, bool]:
    groups = match.groupdict()
    year = int(groups["year"])
    if year < 100:
        year += 2000
    if form == "iso":
        return _make(year, int(groups["a"]), int(groups["b"])), False
    if form == "numeric":
        a, b = int(groups["a"]), int(groups["b"])
        dotted = groups["sep"] == "."
        ambiguous = a <= 12 and b <= 12 and a != b
        if day_first or dotted or a > 12:
            return _make(year, b, a), ambiguous and not dotted
        return _make(year, a, b), ambiguous
    day = int(groups["day"]) if groups.get("day") else _ordinal_value(groups.get("dayword") or "")
    month = _MONTHS[groups["month"].lower()]
    return (_make(year, month, day), False) if day else (None, False)


def find_dates(text: str, *, day_first: bool = False) -> list[DateMatch]:
    """All dates in `text`, in order; where two readings overlap, the longer one wins."""
    found: list[DateMatch] = []
    for form, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            date, ambiguous = _read(form, match, day_first)
            if date is not None:
                found.append(DateMatch(match.start(), match.end(), date, form, ambiguous))
    found.sort(key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[DateMatch] = []
    for match in found:
        if kept and match.start < kept[-1].end:
            continue
        kept.append(match)
    return kept


def parse_date(text: str, *, day_first: bool = False) -> dt.date | None:
    """The first date in `text`, or None."""
    found = find_dates(text, day_first=day_first)
    return found[0].date if found else None


def day_first_evidence(text: str) -> bool | None:
    """Whether a document writes numeric dates day-first, judged from dates only one reading allows.

    "25/12/2024" shows day-first and "12/25/2024" month-first; None when no numeric date settles it.
    """
    votes = 0
    for match in _PATTERNS[1][1].finditer(text):
        if match.group("sep") == ".":
            continue
        a, b = int(match.group("a")), int(match.group("b"))
        if a > 12 >= b:
            votes += 1
        elif b > 12 >= a:
            votes -= 1
    return None if votes == 0 else votes > 0
