"""A page's OCR words as passages: paragraph-sized runs of text with their line boxes.

Text search ranks passages, not whole pages: a paragraph that answers the question scores higher than a
page where its words are diluted by everything else, and the passage that matched is the snippet a
lawyer reads and the boxes the viewer highlights. Tesseract's paragraphs are the natural unit; short
ones (a heading, a signature line) join the next, and long ones are cut at `max_words`, which also keeps
every passage inside what the sentence encoder reads (MiniLM: 256 word pieces, about 180 words).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from schemas.ocr import OcrWord, PageOcr

Box = tuple[int, int, int, int]  # (left, top, right, bottom) in pixels of the stored page image


@dataclass
class Passage:
    text: str = ""
    boxes: list[Box] = field(default_factory=list)  # one per OCR line the passage covers
    words: int = 0

    def add_line(self, line: list[OcrWord]) -> None:
        self.text = f"{self.text}\n{_joined(line)}" if self.text else _joined(line)
        self.boxes.append(
            (
                min(w.left for w in line),
                min(w.top for w in line),
                max(w.left + w.width for w in line),
                max(w.top + w.height for w in line),
            )
        )
        self.words += len(line)


def _joined(line: list[OcrWord]) -> str:
    return " ".join(word.text for word in line)


def _paragraphs(ocr: PageOcr) -> list[list[list[OcrWord]]]:
    """Tesseract's reading order: paragraphs of lines of words."""
    paragraphs: list[list[list[OcrWord]]] = []
    last_paragraph: tuple[int, int] | None = None
    last_line: tuple[int, int, int] | None = None
    for word in ocr.words:
        if not word.text.strip():
            continue
        paragraph, line = (word.block, word.paragraph), (word.block, word.paragraph, word.line)
        if paragraph != last_paragraph:
            paragraphs.append([])
        if line != last_line:
            paragraphs[-1].append([])
        paragraphs[-1][-1].append(word)
        last_paragraph, last_line = paragraph, line
    return paragraphs


def page_passages(ocr: PageOcr, min_words: int, max_words: int) -> list[Passage]:
    """The page's passages in reading order; a page without words has none."""
    passages: list[Passage] = []
    current = Passage()
    for paragraph in _paragraphs(ocr):
        for line in paragraph:
            if current.words and current.words + len(line) > max_words:
                passages.append(current)
                current = Passage()
            current.add_line(line)
        if current.words >= min_words:
            passages.append(current)
            current = Passage()
    if current.words:  # a short last run (a signature line) stays a passage of its own
        passages.append(current)
    return passages
