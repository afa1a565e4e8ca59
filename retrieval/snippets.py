"""What a lawyer typed (words and "quoted phrases"), and the snippet of a passage that shows why it matched.

Highlights are character spans into the snippet, so every face (terminal, JSON, HTML) marks the same
characters. A word is highlighted where the passage has it as a whole word, case aside (the sparse
channel matches whole words too); a phrase where its words stand in order, across line breaks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from retrieval.embedders.text import tokenize

_PHRASE = re.compile(r'"([^"]+)"')
SNIPPET_CHARS = 320  # about three lines of a results list


@dataclass(frozen=True)
class ParsedQuery:
    text: str  # what the vectors encode: the question with its quotes taken off
    phrases: list[str]  # each must stand in a matching passage as written (case and spacing aside)
    words: list[str]  # the words worth highlighting: the question's, less stop words

    @property
    def terms(self) -> list[str]:
        return [*self.phrases, *self.words]


def parse_query(raw: str) -> ParsedQuery:
    phrases = [" ".join(p.split()) for p in _PHRASE.findall(raw) if p.split()]
    text = " ".join(raw.replace('"', " ").split())
    words = list(dict.fromkeys(w for w in tokenize(text) if w not in ENGLISH_STOP_WORDS))
    return ParsedQuery(text, phrases, words)


def _spans(text: str, query: ParsedQuery) -> list[tuple[int, int]]:
    patterns = [r"\s+".join(re.escape(w) for w in phrase.split()) for phrase in query.phrases]
    patterns += [re.escape(word) for word in query.words]
    found: list[tuple[int, int]] = []
    for pattern in patterns:
        found += [m.span() for m in re.finditer(rf"(?<!\w){pattern}(?!\w)", text, re.IGNORECASE)]
    merged: list[tuple[int, int]] = []
    for start, end in sorted(found):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


@dataclass(frozen=True)
class Snippet:
    text: str
    highlights: list[tuple[int, int]]  # [start, end) character spans into `text`


def snippet(passage: str, query: ParsedQuery, width: int = SNIPPET_CHARS) -> Snippet:
    """`passage` on one line, cut to about `width` characters around its first highlight."""
    flat = " ".join(passage.split())
    spans = _spans(flat, query)
    if len(flat) <= width:
        return Snippet(flat, spans)
    first = spans[0][0] if spans else 0
    start = max(0, min(first - width // 4, len(flat) - width))
    if start > 0:
        start = flat.rfind(" ", 0, start) + 1  # whole words only
    end = min(len(flat), start + width)
    cut = flat.rfind(" ", start, end)
    if end < len(flat) and cut > start:
        end = cut
    prefix, suffix = ("… " if start > 0 else ""), (" …" if end < len(flat) else "")
    shift = len(prefix) - start
    kept = [(s + shift, e + shift) for s, e in spans if s >= start and e <= end]
    return Snippet(prefix + flat[start:end] + suffix, kept)
