"""Text layers: words with boxes read from a PDF instead of OCR, and the check that decides when.

Tesseract reads one page here (the reference for where the words are); the rest reads PDFs with PDFium.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import RectangleObject

from extractors.layer_check import check_layer
from extractors.ocr import OcrConfig, ocr_image_file
from extractors.render import RenderConfig, encode_jpeg, probe, render_pages
from extractors.text_layer import EXACT_CONFIDENCE, LayerPage, read_text_layers, usable_layers
from schemas.ocr import OcrWord, PageOcr

CONFIG = RenderConfig()


def _layers(path: Path) -> dict[int, LayerPage]:
    return read_text_layers(path, probe(path, CONFIG).page_sizes)


def _word(text: str, left: int = 100, top: int = 100) -> OcrWord:
    return OcrWord(text=text, left=left, top=top, width=10 * len(text), height=20, confidence=100.0)


def _first(page: PageOcr, text: str) -> OcrWord:
    """The word's first occurrence, punctuation around it aside."""
    return min((w for w in page.words if w.text.strip("().,") == text), key=lambda w: (w.top, w.left))


@pytest.fixture(scope="module")
def born_digital(make: ModuleType, docs: Path) -> Path:
    return make.write_text_pdf(docs, "born-digital.pdf", pages=1)


def test_a_born_digital_page_is_read_from_its_layer_where_tesseract_sees_the_words(
    make: ModuleType, docs: Path, born_digital: Path
) -> None:
    layer = _layers(born_digital)[1]
    ((_, image),) = list(render_pages(born_digital, CONFIG))
    jpeg = docs / "born-digital-p1.jpg"
    jpeg.write_bytes(encode_jpeg(image, CONFIG.jpeg_quality))
    ocr = ocr_image_file(jpeg, OcrConfig())

    assert layer.verdict.usable and not layer.invisible
    assert layer.ocr.source == "text_layer"
    assert (layer.ocr.width, layer.ocr.height) == image.size == (ocr.width, ocr.height)
    assert layer.ocr.text.splitlines()[0] == make.TITLE
    assert all(word.confidence == EXACT_CONFIDENCE for word in layer.ocr.words)
    for text in make.KNOWN_WORDS:
        from_layer, seen = (_first(page, text) for page in (layer.ocr, ocr))
        # Glyph boxes against tesseract's ink boxes at 200 dpi: within a few pixels on every side.
        assert np.abs(np.subtract(from_layer.bbox, seen.bbox)).max() <= 4, text


def test_boxes_follow_the_cropbox_and_page_rotation(make: ModuleType, docs: Path, born_digital: Path) -> None:
    writer = PdfWriter()
    for page in PdfReader(make.write_text_pdf(docs, "turned-source.pdf", pages=2)).pages:
        writer.add_page(page)
    writer.pages[0].cropbox = RectangleObject([10, 20, 300.3, 400.7])
    writer.pages[1].rotate(90)
    path = docs / "turned.pdf"
    writer.write(path)

    layers = _layers(path)
    for number, image in render_pages(path, CONFIG):
        page = layers[number].ocr
        assert (page.width, page.height) == image.size
        ink = np.asarray(image.convert("L")) < 128  # (height, width)
        # Every word box holds ink, and the words' boxes together hold all of the page's ink.
        assert all(ink[w.top : w.top + w.height, w.left : w.left + w.width].any() for w in page.words)
        rows, columns = np.nonzero(ink)
        left, top = min(w.left for w in page.words), min(w.top for w in page.words)
        right = max(w.left + w.width for w in page.words)
        bottom = max(w.top + w.height for w in page.words)
        assert left - 2 <= columns.min() and columns.max() <= right + 2
        assert top - 2 <= rows.min() and rows.max() <= bottom + 2
    turned = layers[2].ocr
    title = next(word for word in turned.words if word.text == "MASTER")
    assert title.height > title.width  # the page is turned: words run down the image


def test_an_image_only_pdf_has_no_usable_layer(make: ModuleType, docs: Path) -> None:
    layer = _layers(make.write_image_pdf(docs, "no-layer.pdf"))[1]

    assert not layer.verdict.usable
    assert layer.ocr.words == []


def test_a_garbled_layer_is_refused(make: ModuleType, docs: Path) -> None:
    layer = _layers(make.write_garbage_layer_pdf(docs))[1]

    assert len(layer.ocr.words) > 100  # there is a layer, and it is garbage
    assert not layer.verdict.usable


def test_a_scanners_invisible_ocr_layer_counts_with_its_measured_confidence(
    make: ModuleType, docs: Path
) -> None:
    layer = _layers(make.write_ocr_layer_pdf(docs))[1]

    assert layer.verdict.usable and layer.invisible
    assert {word.confidence for word in layer.ocr.words} == {100.0 * layer.verdict.plausible_share}
    assert set(make.KNOWN_WORDS) <= {word.text.strip("().,") for word in layer.ocr.words}


@pytest.mark.parametrize(
    ("texts", "mapping_errors", "reason"),
    [
        (["Exhibit", "A"], 0.0, "fewer than"),
        (["\ue001\ue002", "\ue003", "ok", "fine", "words"], 0.0, "private-use"),
        (["This", "Agreement", "is", "made", "today"], 0.2, "unmapped"),
        (["Xkcdq", "Zrtvb", "Qwrt", "Plmnb", "Hjkl", "aBcD", "this"], 0.0, "look like words"),
        (["Zebra", "banana", "apple", "quorum", "melon"] * 10, 0.0, "function words"),
    ],
)
def test_the_check_names_why_a_layer_is_refused(texts: list[str], mapping_errors: float, reason: str) -> None:
    verdict = check_layer(
        [_word(text) for text in texts], page_area=1e6, image_area=0, mapping_error_share=mapping_errors
    )

    assert not verdict.usable
    assert reason in verdict.reason


def test_a_layer_covering_a_fraction_of_a_full_page_scan_is_refused() -> None:
    header = [
        _word(text, left=100 + 80 * i) for i, text in enumerate(["Exhibit", "B", "to", "the", "Agreement"])
    ]

    pasted_scan = check_layer(header, page_area=1e6, image_area=9e5, mapping_error_share=0.0)
    small_logo = check_layer(header, page_area=1e6, image_area=1e4, mapping_error_share=0.0)

    assert not pasted_scan.usable and "cover" in pasted_scan.reason
    assert small_logo.usable


def test_source_tells_text_layer_words_from_ocr() -> None:
    assert PageOcr(width=1, height=1, words=[], engine_version="tesseract 5.3.0 lang=eng").source == "ocr"


def test_a_pdf_pdfium_cannot_read_has_no_usable_layer_rather_than_failing(tmp_path: Path) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\nnot a PDF body\n%%EOF\n")

    assert usable_layers(broken, [(100, 100)]) == {}
