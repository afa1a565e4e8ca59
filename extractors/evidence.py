"""Evidence for a value a model produced: where on the page it is written.

A model answers in the schema's normal form ("2024-03-03", 1250000.0, "24 months") while the page says
"the 3rd day of March, 2024", "$1,250,000.00" or "twenty-four (24) months". Typed values are therefore
found by reading the page with the same grammars the rules engine uses and keeping the span whose reading
equals the value; names and other text are matched fuzzily. The span is then tied to its OCR words.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from extractors.grounding import ground
from extractors.rules.dates import find_dates
from extractors.rules.durations import find_durations, parse_duration
from extractors.rules.money import find_money
from schemas.ocr import PageOcr
from schemas.results import Evidence


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _written_forms(value: Any, page_text: str) -> list[str]:
    """The page's own spellings of `value`, best first; the value's text when no grammar applies."""
    if isinstance(value, dict):  # a party or signatory is found by its name, an amount by itself
        value = value.get("name") or value.get("amount")
    if isinstance(value, bool) or value is None:
        return []  # a yes/no answer has no single span to point at
    if (date := _as_date(value)) is not None:
        return [page_text[m.start : m.end] for m in find_dates(page_text) if m.date == date]
    if isinstance(value, int | float):
        amounts = [page_text[m.start : m.end] for m in find_money(page_text) if m.amount == float(value)]
        return amounts or [str(value)]
    if isinstance(value, str) and (duration := parse_duration(value)) is not None:
        return [page_text[m.start : m.end] for m in find_durations(page_text) if m.days == duration.days]
    return [str(value)]


def ground_value(value: Any, ocr: PageOcr, page: int) -> Evidence | None:
    """Evidence (text and box) of `value` on this page, or None when the page does not show it."""
    for text in _written_forms(value, ocr.text):
        found = ground(text, ocr)
        if found is not None:
            box, words = found
            return Evidence(page=page, text=words, bbox=box, page_width=ocr.width, page_height=ocr.height)
    return None
