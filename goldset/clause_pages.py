"""Which pages of a document hold a marked clause text: word-shingle overlap with each page's text layer.

A clause text and a page are both reduced to words (folded as OCR words are, case-folded, punctuation
dropped) and then to the set of their SHINGLE-word runs. The share of the text's shingles found on a page
says how much of the text the page holds: the page holding the largest share gets grade 2 when it holds at
least MAIN_SHARE, and every other page holding at least PART_SHARE gets grade 1 (the rest of a clause that
runs over a page break). Shingles, not exact substrings, so a page header, a footnote mark or a line
break inside the clause costs only the few shingles it touches.

CUAD joins the pieces of a discontinuous clause with "<omitted>"; each piece is shingled on its own, and
a piece shorter than one shingle is left out (a lone "Licensee" would be found anywhere).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from extractors.clauses.pdf_text import fold, text_layer_pages

SHINGLE = 5
MAIN_SHARE = 0.5
PART_SHARE = 0.2
ANSWER_GRADE = 2
PART_GRADE = 1
_OMITTED = re.compile(r"<omitted>", re.IGNORECASE)
_NOT_WORD = re.compile(r"[\W_]+")

Shingles = frozenset[tuple[str, ...]]


def words(text: str) -> list[str]:
    return _NOT_WORD.sub(" ", fold(text).casefold()).split()


def shingles(text: str) -> Shingles:
    """The SHINGLE-word runs of `text`, each "<omitted>" piece on its own."""
    runs: set[tuple[str, ...]] = set()
    for piece in _OMITTED.split(text):
        found = words(piece)
        runs.update(tuple(found[i : i + SHINGLE]) for i in range(len(found) - SHINGLE + 1))
    return frozenset(runs)


def page_shingles(pdf: Path) -> list[Shingles]:
    """Each page's shingles, from its text layer (poppler's `pdftotext -layout`); a scan's are empty."""
    return [shingles(page) for page in text_layer_pages(pdf)]


def clause_pages(text: str, pages: Sequence[Shingles]) -> dict[int, int]:
    """{1-based page: grade} for the pages holding `text`; {} when it cannot be located."""
    target = shingles(text)
    if not target or not pages:
        return {}
    shares = [len(target & page) / len(target) for page in pages]
    grades = {number: PART_GRADE for number, share in enumerate(shares, start=1) if share >= PART_SHARE}
    best = max(range(len(shares)), key=shares.__getitem__)  # the first page, on a tie
    if shares[best] >= MAIN_SHARE:
        grades[best + 1] = ANSWER_GRADE
    return grades
