"""Tie a value's text to the OCR words that show it on a page: the evidence box a reviewer is shown.

Generic on purpose: the rules engine and the model engines both ground values this way. Matching is fuzzy
(OCR misreads letters), ignores case and punctuation, and runs over the words in reading order, so a value
that wraps onto the next line is still found.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from difflib import SequenceMatcher

from schemas.ocr import OcrWord, PageOcr
from schemas.results import BoundingBox

# Below this similarity a span is not the value: it is merely a similar phrase somewhere on the page.
MIN_SIMILARITY = 0.8


def union_box(words: Iterable[OcrWord]) -> BoundingBox | None:
    """The smallest box holding all the given words; None for no words."""
    boxes = [word.bbox for word in words]
    if not boxes:
        return None
    return BoundingBox(
        x0=min(b[0] for b in boxes),
        y0=min(b[1] for b in boxes),
        x1=max(b[2] for b in boxes),
        y1=max(b[3] for b in boxes),
    )


def _key(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", text.casefold())


def ground(value_text: str, ocr: PageOcr) -> tuple[BoundingBox, str] | None:
    """The OCR word span that best matches `value_text`: its union box and the words as read.

    None when nothing on the page is at least MIN_SIMILARITY alike (after dropping case and punctuation).
    """
    target = _key(value_text)
    if not target:
        return None
    # Words that are pure punctuation carry no key; they may sit inside a span but never start or end it.
    keyed = [(i, _key(word.text)) for i, word in enumerate(ocr.words)]
    keyed = [(i, key) for i, key in keyed if key]
    best: tuple[float, int, int] | None = None
    for first in range(len(keyed)):
        # Cheap filter: the span must start with something like the value's start.
        head = keyed[first][1]
        if head[0] != target[0] and SequenceMatcher(None, head[:3], target[:3]).ratio() < 0.6:
            continue
        joined = ""
        for last in range(first, len(keyed)):
            joined += keyed[last][1]
            if len(joined) > 1.5 * len(target) + 2:
                break
            ratio = SequenceMatcher(None, joined, target, autojunk=False).ratio()
            if ratio >= MIN_SIMILARITY and (best is None or ratio > best[0]):
                best = (ratio, keyed[first][0], keyed[last][0])
    if best is None:
        return None
    words = ocr.words[best[1] : best[2] + 1]
    box = union_box(words)
    assert box is not None  # a span holds at least one word
    return box, " ".join(word.text for word in words)
