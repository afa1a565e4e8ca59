"""A golden document's pages as the extraction engines see them: rendered, upright and OCR'd the way the
ingest does it, through the same OCR cache, so a page `abstractor eval` read is not read again."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

from extractors.engines.base import PageInput
from extractors.ocr import CachedPage, OcrCache, OcrCacheKey, OcrConfig, engine_version, ocr_image_file
from extractors.orientation import make_upright
from extractors.render import RenderConfig, encode_jpeg, probe, render_pages
from schemas.ocr import PageOcr


def _ocr(upright_jpeg: bytes, config: OcrConfig) -> PageOcr:
    with tempfile.NamedTemporaryFile(suffix=".jpg") as handle:
        handle.write(upright_jpeg)
        handle.flush()
        return ocr_image_file(Path(handle.name), config)


def read_pages(path: Path, render: RenderConfig, ocr: OcrConfig, cache: OcrCache) -> list[PageInput]:
    """Every page of the document with its OCR (no page image: the rules engine reads only the words).
    Pages missing from the cache are rendered, turned upright, OCR'd from the JPEG the ingest would
    store, and cached."""
    sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    keys = {
        number: OcrCacheKey(
            sha256=sha256,
            page=number,
            image_version=render.page_image_version,
            engine_version=engine_version(ocr),
        )
        for number in range(1, probe(path, render).page_count + 1)
    }
    pages = {number: cache.get(key) for number, key in keys.items()}
    missing = [number for number, page in pages.items() if page is None]
    for number, image in render_pages(path, render, missing) if missing else ():
        upright, rotation, skew = make_upright(image)
        page_ocr = _ocr(encode_jpeg(upright, render.jpeg_quality), ocr)
        pages[number] = CachedPage(rotation=rotation, skew=skew, ocr=page_ocr)
        cache.put(keys[number], pages[number])
    return [PageInput(number=number, image_jpeg=b"", ocr=page.ocr) for number, page in pages.items() if page]
