"""The text around a value: the sentence it sits in and the words just before and after it."""

from __future__ import annotations

import re

# A sentence ends at a full stop followed by space and a capital, but not after "Inc." or an initial.
_SENTENCE_END = re.compile(
    r"(?<!\bInc)(?<!\bCorp)(?<!\bLtd)(?<!\bCo)(?<!\bNo)(?<!\bSt)(?<!\b[A-Z])[.;:!?](?=\s+[A-Z(\"0-9])|\n\n"
)


def sentence_bounds(text: str, start: int, end: int, limit: int = 600) -> tuple[int, int]:
    """The sentence holding [start, end), at most `limit` characters either side."""
    lo = max(0, start - limit)
    left = lo
    for match in _SENTENCE_END.finditer(text, lo, start):
        left = match.end()
    right_match = _SENTENCE_END.search(text, end, min(len(text), end + limit))
    right = right_match.end() if right_match else min(len(text), end + limit)
    return left, right


def sentence(text: str, start: int, end: int) -> str:
    lo, hi = sentence_bounds(text, start, end)
    return " ".join(text[lo:hi].split())


def before(text: str, start: int, size: int = 140) -> str:
    """The text before a value within its sentence, spacing folded: what a cue must end with."""
    lo, _ = sentence_bounds(text, start, start)
    # A trailing space stands for the one between the cue and the value, which cues may expect.
    return " ".join(text[max(lo, start - size) : start].split()) + " "


def after(text: str, end: int, size: int = 80) -> str:
    _, hi = sentence_bounds(text, end, end)
    return " ".join(text[end : min(hi, end + size)].split())
