"""OCR output: words with boxes and confidences on the upright page image."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

WordSource = Literal["text_layer", "ocr"]
# `PageOcr.engine_version` of words read from a PDF's embedded text layer starts with this.
TEXT_LAYER_PREFIX = "text_layer "


class OcrWord(BaseModel):
    """One word as tesseract read it. Coordinates are pixels on the stored (upright) page image."""

    text: str
    left: int
    top: int
    width: int
    height: int
    # 0..100, as tesseract reports it; 100 for a text layer's exact words (see extractors.text_layer)
    confidence: float
    block: int = 0
    paragraph: int = 0
    line: int = 0

    @property
    def bbox(self) -> tuple[int, int, int, int]:
        return (self.left, self.top, self.left + self.width, self.top + self.height)


class PageOcr(BaseModel):
    """All words of one page, with the version of what produced them: tesseract or the PDF's text layer."""

    width: int
    height: int
    words: list[OcrWord]
    engine_version: str

    @property
    def source(self) -> WordSource:
        """Where the words came from, so consumers can tell exact text from a reading of pixels."""
        return "text_layer" if self.engine_version.startswith(TEXT_LAYER_PREFIX) else "ocr"

    @property
    def text(self) -> str:
        """The page text in reading order: one output line per tesseract line."""
        lines: list[str] = []
        current: tuple[int, int, int] | None = None
        for word in self.words:
            key = (word.block, word.paragraph, word.line)
            if key != current:
                lines.append(word.text)
                current = key
            else:
                lines[-1] += " " + word.text
        return "\n".join(lines)
