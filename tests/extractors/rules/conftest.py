"""Pages for the rules tests: typed text laid out as OCR words with boxes, no tesseract needed.

Each line is one OCR line; each word gets a box from its character position (10 px a character, 30 px a
line), so a test can tell exactly which words a value's evidence box must cover.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest

from extractors.engines.base import PageInput
from schemas.ocr import OcrWord, PageOcr

CHAR_W, LINE_H, MARGIN = 10, 30, 50


def ocr_page(lines: Sequence[str], *, confidence: float = 95.0) -> PageOcr:
    words: list[OcrWord] = []
    for line_no, line in enumerate(lines):
        column = 0
        for token in line.split(" "):
            if token:
                words.append(
                    OcrWord(
                        text=token,
                        left=MARGIN + column * CHAR_W,
                        top=MARGIN + line_no * LINE_H,
                        width=len(token) * CHAR_W,
                        height=20,
                        confidence=confidence,
                        block=1,
                        paragraph=1 if line.strip() else 2,
                        line=line_no + 1,
                    )
                )
            column += len(token) + 1
    return PageOcr(width=1700, height=2200, words=words, engine_version="test")


@pytest.fixture
def make_pages() -> Callable[..., list[PageInput]]:
    """make_pages(["page 1 line", ...], ["page 2 line", ...]) -> PageInputs numbered from 1."""

    def build(*pages: Sequence[str], confidence: float = 95.0) -> list[PageInput]:
        return [
            PageInput(number=i, image_jpeg=b"", ocr=ocr_page(lines, confidence=confidence))
            for i, lines in enumerate(pages, start=1)
        ]

    return build
