"""Overlapping word windows over a page's text: the unit the clause classifier scores.

Windows, not paragraphs: the training text (a PDF's text layer) and the inference text (OCR words joined
by `PageText`) break paragraphs differently, but both split into the same whitespace-separated words, so
counting words gives both the same segmentation. A window never crosses a page, so the best window of a
document always has one page and one box to show as evidence.

MiniLM reads at most 256 word pieces; contract prose runs ~1.3-1.5 pieces a word, so 64 words (~90-100
pieces) fit with room for numbering and defined terms. A stride of half a window puts every word in two
windows, so a clause shorter than half a window lies whole inside at least one of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class Chunking:
    """How pages are cut into windows; recorded in the artefact so inference cuts as training did."""

    words: int = 64
    stride: int = 32

    def __post_init__(self) -> None:
        if self.words < 1 or not 1 <= self.stride <= self.words:
            raise ValueError(f"need 1 <= stride <= words, got words={self.words}, stride={self.stride}")


@dataclass(frozen=True)
class Chunk:
    """One window: its page, its character span in that page's text and its word range on the page."""

    page: int
    start: int  # character offset of the first word in the page text
    end: int  # character offset just past the last word
    first_word: int  # index of the first word among the page's words (see `word_spans`)
    last_word: int  # index just past the last word
    text: str  # the words joined by single spaces: what the encoder reads


def word_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the whitespace-separated words of `text`."""
    return [(m.start(), m.end()) for m in _WORD.finditer(text)]


def windows(count: int, chunking: Chunking) -> list[tuple[int, int]]:
    """Word ranges [first, last) of the windows over `count` words.

    Windows start every `stride` words; the last one is pulled back to end on the last word, so a page's
    tail is read with full context rather than as a short stub.
    """
    if count <= 0:
        return []
    if count <= chunking.words:
        return [(0, count)]
    ranges = []
    start = 0
    while start + chunking.words < count:
        ranges.append((start, start + chunking.words))
        start += chunking.stride
    ranges.append((count - chunking.words, count))
    return ranges


def chunk_page(page: int, text: str, chunking: Chunking) -> list[Chunk]:
    """The windows of one page's text."""
    spans = word_spans(text)
    return [
        Chunk(
            page=page,
            start=spans[first][0],
            end=spans[last - 1][1],
            first_word=first,
            last_word=last,
            text=" ".join(text[s:e] for s, e in spans[first:last]),
        )
        for first, last in windows(len(spans), chunking)
    ]


def chunk_pages(pages: Iterable[tuple[int, str]], chunking: Chunking) -> list[Chunk]:
    """The windows of a document given as (page number, page text) pairs, page by page."""
    return [chunk for number, text in pages for chunk in chunk_page(number, text, chunking)]
