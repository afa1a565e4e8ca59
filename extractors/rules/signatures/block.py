"""What a layout reader finds: one signature block, every part with its span in the page text."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass
class Cell:
    value: str
    start: int  # span of the value in the page text
    end: int


@dataclass
class Block:
    """One signatory: who signed, in what capacity, for which party, when; and which reader read it."""

    name: Cell
    rule: str  # the reader's rule: the key of its measured precision (confidence.py)
    title: Cell | None = None
    date: Cell | None = None
    party: Cell | None = None
    role: str | None = None  # the role the block's header gave its party ("Employer: Acme Inc.")


def text_lines(text: str) -> list[tuple[int, str]]:
    """A page's non-empty lines as (offset in the page text, line)."""
    return [(match.start(), match.group()) for match in re.finditer(r"[^\n]+", text)]
