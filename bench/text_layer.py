"""Born-digital pages: the text-layer path against the OCR path, pages/s side by side.

    OMP_THREAD_LIMIT=1 .venv/bin/python bench/text_layer.py [--pages 8] [--documents DIR]

The same pages (the first ones of the CUAD golden set's born-digital contracts) go through what the render
stage does to a page either way, one page at a time:
  text_layer  render (pdftoppm), JPEG + thumbnail, read and check the page's text layer (PDFium);
  ocr         render, upright (tesseract OSD + deskew), JPEG + thumbnail, tesseract OCR (TSV);
and, for the words alone, the layer read against tesseract on the already rendered page. It also prints
how many of the pages' layers passed the check, and how far the two paths' word counts differ.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from pypdf import PdfReader, PdfWriter

from extractors.ocr import OcrConfig, ocr_image_file
from extractors.orientation import make_upright
from extractors.render import RenderConfig, encode_jpeg, probe, render_pages, thumbnail_jpeg
from extractors.text_layer import read_text_layers

REPO = Path(__file__).resolve().parents[1]
CUAD = REPO / "goldset" / "cuad" / "documents"


def first_pages(documents: Path, wanted: int, folder: Path) -> list[Path]:
    """PDFs holding the first pages of the documents in name order, `wanted` pages in all."""
    parts: list[Path] = []
    left = wanted
    for source in sorted(path for path in documents.iterdir() if path.suffix.lower() == ".pdf"):
        if left <= 0:
            break
        writer = PdfWriter()
        for page in PdfReader(source).pages[: min(left, 4)]:  # a few pages of each: layouts vary
            writer.add_page(page)
        left -= len(writer.pages)
        part = folder / f"part-{len(parts):02d}.pdf"
        writer.write(part)
        parts.append(part)
    return parts


def text_layer_path(parts: list[Path], render: RenderConfig) -> tuple[int, int, int]:
    """(pages, pages whose layer passed, words) the way the stage reads a born-digital PDF."""
    pages = usable = words = 0
    for part in parts:
        layers = read_text_layers(part, probe(part, render).page_sizes)
        for number, image in render_pages(part, render):
            encode_jpeg(image, render.jpeg_quality)
            thumbnail_jpeg(image, render.thumbnail_width, render.jpeg_quality)
            pages += 1
            usable += layers[number].verdict.usable
            words += len(layers[number].ocr.words)
    return pages, usable, words


def ocr_path(parts: list[Path], render: RenderConfig, ocr: OcrConfig, work: Path) -> tuple[int, int]:
    """(pages, words) the way the stage reads a scan."""
    pages = words = 0
    for part in parts:
        for number, image in render_pages(part, render):
            upright, _rotation, _skew = make_upright(image)
            path = work / f"{part.stem}-{number}.jpg"
            path.write_bytes(encode_jpeg(upright, render.jpeg_quality))
            thumbnail_jpeg(upright, render.thumbnail_width, render.jpeg_quality)
            words += len(ocr_image_file(path, ocr).words)
            pages += 1
    return pages, words


def words_only(parts: list[Path], render: RenderConfig, ocr: OcrConfig, work: Path) -> tuple[float, float]:
    """Seconds for the words alone, over the same rendered pages: (text layer, tesseract)."""
    jpegs = []
    for part in parts:
        for number, image in render_pages(part, render):
            path = work / f"words-{part.stem}-{number}.jpg"
            path.write_bytes(encode_jpeg(image, render.jpeg_quality))
            jpegs.append(path)
    start = time.perf_counter()
    for part in parts:
        read_text_layers(part, probe(part, render).page_sizes)
    layer_s = time.perf_counter() - start
    start = time.perf_counter()
    for path in jpegs:
        ocr_image_file(path, ocr)
    return layer_s, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=8)
    parser.add_argument("--documents", type=Path, default=CUAD, help="a folder of born-digital PDFs")
    args = parser.parse_args()
    render, ocr = RenderConfig(), OcrConfig()
    with tempfile.TemporaryDirectory(prefix="bench-text-layer-") as folder:
        work = Path(folder)
        parts = first_pages(args.documents, args.pages, work)
        start = time.perf_counter()
        pages, usable, layer_words = text_layer_path(parts, render)
        layer_s = time.perf_counter() - start
        start = time.perf_counter()
        _, ocr_words = ocr_path(parts, render, ocr, work)
        ocr_s = time.perf_counter() - start
        words_layer_s, words_ocr_s = words_only(parts, render, ocr, work)
    print(f"{pages} born-digital pages from {len(parts)} documents; {usable} layers passed the check")
    print(f"{'path':<26}{'seconds':>10}{'pages/s':>10}")
    for name, seconds in (
        ("text_layer (whole page)", layer_s),
        ("ocr (whole page)", ocr_s),
        ("text layer words only", words_layer_s),
        ("tesseract words only", words_ocr_s),
    ):
        print(f"{name:<26}{seconds:>10.2f}{pages / seconds:>10.1f}")
    print(f"speed-up, whole page: {ocr_s / layer_s:.1f}x; words only: {words_ocr_s / words_layer_s:.0f}x")
    print(f"words: {layer_words} from the layers, {ocr_words} from tesseract")


if __name__ == "__main__":
    main()
