"""A PDF page's embedded text layer as OCR-shaped words: exact text and boxes without tesseract.

Read with pypdfium2 (PDFium, the PDF engine of Chromium). Of the two candidates it was picked over
pdfplumber because:
- speed: PDFium is C++ and reads a page's characters with boxes in milliseconds; pdfplumber parses the
  content stream in pure Python (pdfminer.six), tens to hundreds of milliseconds a page, which would eat
  much of what skipping OCR saves;
- licence: Apache-2.0/BSD-3 (pdfplumber is MIT, so no difference there), one self-contained wheel with no
  further dependencies;
- word boxes: both give per-character boxes; PDFium also marks the spaces and line breaks it inferred,
  flags characters whose font has no usable Unicode mapping (the usual cause of garbage layers) and tells
  a text object's render mode, so a scanner's invisible OCR layer can be told from printed text.
Neither was a dependency before (poppler is, but only as subprocesses without word-level access here).

PDFium is not thread-safe, so every call goes through one process-wide lock; a page takes milliseconds.
Coordinates are turned into pixels of the rendered page image: the CropBox is what pdftoppm renders
(`-cropbox`), /Rotate turns it clockwise, and the scale is the rendered image's size over the CropBox's.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from extractors.layer_check import LayerVerdict, check_layer
from schemas.ocr import TEXT_LAYER_PREFIX, OcrWord, PageOcr

# Bump when the words read or the check's rules change: part of the OCR stage version.
TEXT_LAYER_VERSION = "tl1"
# Text-layer words carry the document's own character codes, not a reading of pixels: nothing is
# uncertain about them, so they get tesseract's top confidence (the rules engine then scales a value's
# rule precision by 1.0, as for a perfectly read scan). A scanner's invisible OCR layer is a reading,
# though, with no confidences stored: its words get the check's plausible-word share instead (see
# `layer_check`), a measured, page-level figure rather than an invented one.
EXACT_CONFIDENCE = 100.0
_INVISIBLE = 3  # PDF text render mode 3: neither filled nor stroked (scanners' OCR layers)
_PDFIUM_LOCK = threading.Lock()


def text_layer_version() -> str:
    """What reads and judges text layers: PDFium's build and our rules."""
    return f"{TEXT_LAYER_PREFIX}pdfium-{pdfium.PDFIUM_INFO.build} {TEXT_LAYER_VERSION}"


@dataclass(frozen=True)
class LayerPage:
    """One page's text layer: its words (in image pixels) and whether they are good enough to use."""

    ocr: PageOcr
    verdict: LayerVerdict
    invisible: bool  # mostly invisible text: a scanner's OCR layer over a scan, a reading rather than exact


def read_text_layers(pdf: Path, sizes: list[tuple[int, int]]) -> dict[int, LayerPage]:
    """Every page's text layer judged, by page number; `sizes` are the rendered images' (width, height)."""
    with _PDFIUM_LOCK:
        document = pdfium.PdfDocument(str(pdf))
        try:
            return {
                number: _read_page(document[number - 1], size) for number, size in enumerate(sizes, start=1)
            }
        finally:
            document.close()


def usable_layers(pdf: Path, sizes: list[tuple[int, int]]) -> dict[int, PageOcr]:
    """The pages whose text layer passes the check; the others are for OCR.

    A PDF that poppler renders but PDFium cannot read has no usable layer: OCR reads it as before, rather
    than the document failing for want of a shortcut.
    """
    try:
        layers = read_text_layers(pdf, sizes)
    except pdfium.PdfiumError:
        return {}
    return {number: page.ocr for number, page in layers.items() if page.verdict.usable}


@dataclass
class _Chars:
    """Characters of one word: text and union box in PDF user space."""

    text: str
    box: tuple[float, float, float, float]  # (left, bottom, right, top)
    invisible: bool

    def add(self, char: str, box: tuple[float, float, float, float], invisible: bool) -> None:
        self.text += char
        self.invisible = self.invisible or invisible
        left, bottom, right, top = self.box
        self.box = (min(left, box[0]), min(bottom, box[1]), max(right, box[2]), max(top, box[3]))


def _read_page(page: pdfium.PdfPage, size: tuple[int, int]) -> LayerPage:
    text_page = page.get_textpage()
    try:
        to_pixels = _PageTransform(page, size)
        words, invisible = _page_words(text_page, to_pixels)
        chars = text_page.count_chars()
        unmapped = sum(bool(pdfium_c.FPDFText_HasUnicodeMapError(text_page.raw, i)) for i in range(chars))
        verdict = check_layer(
            words,
            page_area=size[0] * size[1],
            image_area=to_pixels.largest_image_area(page),
            mapping_error_share=unmapped / chars if chars else 0.0,
        )
    finally:
        text_page.close()
    scanned = bool(words) and invisible * 2 >= len(words)
    if scanned:
        confidence = 100.0 * verdict.plausible_share
        words = [word.model_copy(update={"confidence": confidence}) for word in words]
    ocr = PageOcr(width=size[0], height=size[1], words=words, engine_version=text_layer_version())
    return LayerPage(ocr, verdict, scanned)


def _page_words(text_page: pdfium.PdfTextPage, to_pixels: _PageTransform) -> tuple[list[OcrWord], int]:
    """The page's words with tesseract-like line and paragraph numbers, and how many are invisible."""
    words: list[OcrWord] = []
    invisible = line = 0
    paragraph = 1
    line_bottom = 0  # the previous line's lowest edge, in pixels
    width, height = to_pixels.size
    for chunk, starts_line in _words(text_page):
        left, top, right, bottom = to_pixels.box(chunk.box)
        # Text outside the CropBox is not shown (nor rendered): no word of the page; half-shown, clipped.
        left, top, right, bottom = max(left, 0), max(top, 0), min(right, width), min(bottom, height)
        if right <= left or bottom <= top:
            continue
        if starts_line or not words:
            # A gap of over a line's height above this line: a new paragraph, as tesseract would say.
            if words and top - line_bottom > bottom - top:
                paragraph, line = paragraph + 1, 0
            line += 1
            line_bottom = bottom
        line_bottom = max(line_bottom, bottom)
        invisible += chunk.invisible
        words.append(
            OcrWord(
                text=chunk.text,
                left=left,
                top=top,
                width=max(1, right - left),
                height=max(1, bottom - top),
                confidence=EXACT_CONFIDENCE,
                block=1,
                paragraph=paragraph,
                line=line,
            )
        )
    return words, invisible


def _words(text_page: pdfium.PdfTextPage) -> Iterator[tuple[_Chars, bool]]:
    """(word, starts a new line) in PDFium's reading order; words split at spaces PDFium saw or inferred."""
    current: _Chars | None = None
    new_line = True
    for index in range(text_page.count_chars()):
        char = chr(pdfium_c.FPDFText_GetUnicode(text_page.raw, index))
        if char.isspace():
            if current is not None:
                yield current, new_line
                current, new_line = None, False
            new_line = new_line or char in "\r\n"
            continue
        box = text_page.get_charbox(index)
        text_object = pdfium_c.FPDFText_GetTextObject(text_page.raw, index)
        invisible = bool(text_object) and pdfium_c.FPDFTextObj_GetTextRenderMode(text_object) == _INVISIBLE
        if current is None:
            current = _Chars(char, box, invisible)
        else:
            current.add(char, box, invisible)
    if current is not None:
        yield current, new_line


class _PageTransform:
    """PDF user space (points, y up) to pixels of the rendered, /Rotate-turned CropBox (y down)."""

    def __init__(self, page: pdfium.PdfPage, size: tuple[int, int]) -> None:
        self.crop = page.get_cropbox()  # (left, bottom, right, top)
        self.rotation = page.get_rotation() % 360
        crop_width, crop_height = self.crop[2] - self.crop[0], self.crop[3] - self.crop[1]
        shown = (crop_height, crop_width) if self.rotation in (90, 270) else (crop_width, crop_height)
        self.crop_size = (crop_width, crop_height)
        self.size = size
        self.scale = (size[0] / shown[0], size[1] / shown[1])

    def point(self, x: float, y: float) -> tuple[float, float]:
        u, v = x - self.crop[0], self.crop[3] - y  # top-left origin, unturned
        width, height = self.crop_size
        turned = {0: (u, v), 90: (height - v, u), 180: (width - u, height - v), 270: (v, width - u)}
        px, py = turned[self.rotation]
        return px * self.scale[0], py * self.scale[1]

    def box(self, box: tuple[float, float, float, float]) -> tuple[int, int, int, int]:
        """(left, top, right, bottom) in pixels, rounded outwards so the box holds the whole glyph."""
        x1, y1 = self.point(box[0], box[1])
        x2, y2 = self.point(box[2], box[3])
        return int(min(x1, x2)), int(min(y1, y2)), round(max(x1, x2) + 0.5), round(max(y1, y2) + 0.5)

    def largest_image_area(self, page: pdfium.PdfPage) -> float:
        """Pixel area of the page's largest image object: a scan under (or without) a text layer."""
        largest = 0.0
        for image in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=2):
            left, top, right, bottom = self.box(image.get_bounds())
            largest = max(largest, float(right - left) * float(bottom - top))
        return largest
