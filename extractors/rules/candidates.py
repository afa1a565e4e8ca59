"""A value a rule read off a page, before the engine chooses among them and assigns a confidence."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Candidate:
    field: str
    value: Any  # the schema's JSON form: ISO date string, "24 months", {"amount": .., "currency": ..}
    page: int
    start: int  # evidence span in that page's PageText.text
    end: int
    rule: str  # which rule read it: the key of its calibrated confidence
