"""Find the clause texts CUAD's lawyers marked in a document's text, as ranges of the document's words.

Both sides are reduced to a key: every word case-folded, folded like OCR text (quotes, dashes,
ligatures), stripped of everything but letters and digits, and the words concatenated. Whitespace, line
breaks, quotes and punctuation then cannot differ, and a word hyphenated across a line ("assign-" /
"ment") joins up again. A text whose key is not found whole is found fuzzily: short anchors cut from it
vote for where it starts, which survives a few differing characters (a footnote mark, a page header
inside the clause, a mistyped letter) as long as most of the text matches in order.

CUAD joins the pieces of a discontinuous clause with "<omitted>"; each piece is looked for on its own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from extractors.clauses.chunks import word_spans
from extractors.clauses.pdf_text import fold

OMITTED = re.compile(r"<omitted>", re.IGNORECASE)
MIN_PART_CHARS = 15  # a shorter piece of a multi-piece text ("Licensee", "and") would match anywhere
ANCHOR_CHARS = 20  # fuzzy matching: anchors of this many key characters ...
ANCHOR_STEP = 10  # ... cut this far apart from the text's key
MIN_ANCHOR_SHARE = 0.5  # share of the anchors that must agree on one place
MAX_ANCHOR_HITS = 50  # an anchor found more often than this says nothing about where the text is


def key(text: str) -> str:
    """Letters and digits only, case-folded, after folding typography as OCR words are folded."""
    return re.sub(r"[\W_]+", "", fold(text).casefold())


@dataclass
class DocumentKey:
    """A document's words keyed and concatenated, with each key character's word."""

    key: str
    owner: list[int]  # the document-wide index of the word each key character comes from
    words: list[tuple[int, int]]  # (page number, index of the word on its page) per document word

    @classmethod
    def from_pages(cls, pages: Sequence[tuple[int, str]]) -> DocumentKey:
        parts: list[str] = []
        owner: list[int] = []
        words: list[tuple[int, int]] = []
        for number, text in pages:
            for index, (start, end) in enumerate(word_spans(text)):
                word_key = key(text[start:end])
                parts.append(word_key)
                owner.extend([len(words)] * len(word_key))
                words.append((number, index))
        return cls(key="".join(parts), owner=owner, words=words)

    def word_range(self, start: int, end: int) -> tuple[int, int]:
        """Document word range [first, last) of the key characters [start, end)."""
        return self.owner[start], self.owner[end - 1] + 1

    def page_ranges(self, first: int, last: int) -> dict[int, tuple[int, int]]:
        """The document word range [first, last) as a word range [first, last) on each page it spans."""
        ranges: dict[int, tuple[int, int]] = {}
        for page, index in self.words[first:last]:
            low, high = ranges.get(page, (index, index + 1))
            ranges[page] = (min(low, index), max(high, index + 1))
        return ranges


@dataclass(frozen=True)
class Located:
    """Where one marked text is: the pieces searched for, how many were found, their word ranges."""

    pieces: int
    found: int
    ranges: tuple[tuple[int, int], ...]  # document word ranges [first, last), one or more per piece

    @property
    def located(self) -> bool:
        return self.found > 0

    @property
    def complete(self) -> bool:
        return self.found == self.pieces


def _exact(target: str, doc: DocumentKey) -> list[tuple[int, int]]:
    """Every place the key occurs: a text repeated word for word (boilerplate) is marked at each place."""
    found = []
    at = doc.key.find(target)
    while at >= 0:
        found.append((at, at + len(target)))
        at = doc.key.find(target, at + len(target))
    return found


def _fuzzy(target: str, doc: DocumentKey) -> tuple[int, int] | None:
    """The place most of the text's anchors agree on, or None when fewer than half of them do."""
    offsets = range(0, len(target) - ANCHOR_CHARS + 1, ANCHOR_STEP)
    votes: list[tuple[int, int]] = []  # (where the text would start, which anchor says so)
    for offset in offsets:
        anchor = target[offset : offset + ANCHOR_CHARS]
        hits = _exact(anchor, doc)
        if len(hits) <= MAX_ANCHOR_HITS:
            votes += [(start - offset, offset) for start, _ in hits]
    if not votes:
        return None
    votes.sort()
    tolerance = max(30, len(target) // 7)  # insertions and deletions shift later anchors a little
    best: tuple[int, int, int] = (0, 0, 0)  # (anchors agreeing, first vote, last vote)
    low = 0
    for high in range(len(votes)):
        while votes[high][0] - votes[low][0] > tolerance:
            low += 1
        agreeing = len({offset for _, offset in votes[low : high + 1]})
        if agreeing > best[0]:
            best = (agreeing, low, high)
    agreeing, low, high = best
    if agreeing < MIN_ANCHOR_SHARE * len(offsets):
        return None
    start = max(0, votes[low][0])
    end = min(len(doc.key), votes[high][0] + len(target))
    return (start, end) if end > start else None


def locate(text: str, doc: DocumentKey) -> Located:
    """Where a marked clause text (possibly in "<omitted>"-joined pieces) is in the document."""
    pieces = [key(piece) for piece in OMITTED.split(text)]
    pieces = [piece for piece in pieces if piece]
    if len(pieces) > 1:
        pieces = [piece for piece in pieces if len(piece) >= MIN_PART_CHARS] or pieces[:1]
    ranges: list[tuple[int, int]] = []
    found = 0
    for piece in pieces:
        spans = _exact(piece, doc)
        if not spans and len(piece) >= 2 * ANCHOR_CHARS and (fuzzy := _fuzzy(piece, doc)) is not None:
            spans = [fuzzy]
        if spans:
            found += 1
            ranges += [doc.word_range(start, end) for start, end in spans]
    return Located(pieces=len(pieces), found=found, ranges=tuple(ranges))
