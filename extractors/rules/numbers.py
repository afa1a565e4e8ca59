"""Numbers as contracts write them: figures, words, and the "words (figures)" habit."""

from __future__ import annotations

import re

_ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
SMALL: dict[str, int] = {word: i for i, word in enumerate(_ONES)}
TENS: dict[str, int] = {word: 10 * i for i, word in enumerate(_TENS) if word != "_"}
ORDINALS: dict[str, int] = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
    "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
    "twentieth": 20, "thirtieth": 30,
}  # fmt: skip

_NUMBER_WORD = "|".join(
    sorted([*SMALL, *TENS, "hundred", "thousand", "a", "an", "one"], key=len, reverse=True)
)
# A number in words, e.g. "twenty-four", "one hundred and twenty". Case-insensitive use only.
WORDS_RE = rf"(?:(?:{_NUMBER_WORD})(?:[\s-]+(?:and[\s-]+)?(?:{_NUMBER_WORD}))*)"
# "thirty (30)", "30", "thirty": the figure in parentheses, when given, is what the drafter meant.
COUNT_RE = rf"(?:{WORDS_RE}\s*\(\s*\d{{1,4}}\s*\)|\d{{1,4}}|\(\s*\d{{1,4}}\s*\)|{WORDS_RE})"


def words_to_number(text: str) -> int | None:
    """ "twenty-four" -> 24, "one hundred and twenty" -> 120, "a" -> 1; None if not a number in words."""
    tokens = [t for t in re.split(r"[\s-]+", text.lower().strip()) if t and t != "and"]
    if not tokens:
        return None
    total, current = 0, 0
    for index, token in enumerate(tokens):
        if token in ("a", "an"):
            # "a year", "a hundred": one; "an eighteen-month term": only an article.
            following = tokens[index + 1] if index + 1 < len(tokens) else None
            if following in (None, "hundred", "thousand"):
                current = max(current, 1)
        elif token in SMALL:
            current += SMALL[token]
        elif token in TENS:
            current += TENS[token]
        elif token in ORDINALS:
            current += ORDINALS[token]
        elif token == "hundred":
            current = max(current, 1) * 100
        elif token == "thousand":
            total, current = total + max(current, 1) * 1000, 0
        else:
            return None
    return total + current


def parse_count(text: str) -> int | None:
    """A count as matched by COUNT_RE: "thirty (30)" -> 30, "45" -> 45, "sixty" -> 60."""
    if paren := re.search(r"\(\s*(\d{1,4})\s*\)", text):
        return int(paren.group(1))
    if text.strip().isdigit():
        return int(text.strip())
    return words_to_number(text)
