"""OCR output: words with boxes and confidences on the upright page image."""

from __future__ import annotations

from pydantic import BaseModel


class OcrWord(BaseModel):
    """One word as tesseract read it. Coordinates are pixels on the stored (upright) page image."""

    text: str
    left: int
    top: int
    width: int
    height: int
    confidence: float  # 0..100, as tesseract reports it
    block: int = 0
    paragraph: int = 0
    line: int = 0

    @property
    def bbox(self) -> tuple[int, int, int, int]:
        return (self.left, self.top, self.left + self.width, self.top + self.height)


class PageOcr(BaseModel):
    """All words of one page, with the version of the OCR that produced them."""

    width: int
    height: int
    words: list[OcrWord]
    engine_version: str

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
