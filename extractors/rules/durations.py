"""The duration grammar: lengths of time as contracts write them, normalised to "<n> <unit>(s)".

twenty-four (24) months | 24 months | two years | one (1) year | a 6-month period | eighteen-month
thirty (30) days | 30 (thirty) days | 90 calendar days | five business days
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.rules.numbers import COUNT_RE, WORDS_RE, parse_count

_UNIT = r"(?P<unit>day|week|month|year)s?"
# "(24) months", "twenty-four months", "24-month", "a one-year"; "calendar"/"business" qualify days.
# A count restated in brackets ("30 (thirty) days", "24 (24) months") is the same count: skipped.
DURATION_RE = re.compile(
    rf"(?<![\w$£€.,])(?P<count>{COUNT_RE})[\s-]*(?:\(\s*(?:\d{{1,4}}|{WORDS_RE})\s*\)\s*)?"
    rf"(?:calendar\s+|business\s+|working\s+)?"
    rf"{_UNIT}\b",
    re.I,
)


@dataclass(frozen=True)
class DurationMatch:
    start: int
    end: int
    count: int
    unit: str  # "day", "week", "month" or "year"

    @property
    def value(self) -> str:
        """The schema's form: "24 months", "1 year"."""
        return f"{self.count} {self.unit}{'' if self.count == 1 else 's'}"

    @property
    def days(self) -> int:
        return self.count * {"day": 1, "week": 7, "month": 30, "year": 365}[self.unit]


def find_durations(text: str) -> list[DurationMatch]:
    found: list[DurationMatch] = []
    for match in DURATION_RE.finditer(text):
        count = parse_count(match.group("count"))
        if count is None or not 0 < count <= 9999:
            continue
        found.append(DurationMatch(match.start(), match.end(), count, match.group("unit").lower()))
    return found


def parse_duration(text: str) -> DurationMatch | None:
    found = find_durations(text)
    return found[0] if found else None
