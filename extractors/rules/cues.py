"""Cues: named patterns over the words around a value; the name is the rule's key in confidence.py."""

from __future__ import annotations

import re

Cue = tuple[str, re.Pattern[str]]


def cues(*pairs: tuple[str, str]) -> tuple[Cue, ...]:
    """(rule name, pattern) pairs compiled case-insensitively, tried in order."""
    return tuple((name, re.compile(pattern, re.I)) for name, pattern in pairs)


def first_cue(table: tuple[Cue, ...], text: str) -> str | None:
    """The name of the first cue found in `text`, or None."""
    return next((name for name, pattern in table if pattern.search(text)), None)
