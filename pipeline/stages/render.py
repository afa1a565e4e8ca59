"""The render stage (with OCR): the original's pages rendered, turned upright, stored and read.

Pages are rendered in chunks and handed to the CPU-stage pool, with a bound on pages held in memory.
Each page's orientation and OCR are cached by (sha256, page, image version, tesseract version), so a
re-render after a crash does not OCR again. A PDF page whose embedded text layer passes the check
(`extractors.layer_check`) is read from that layer instead: no OSD, no deskew (the words' boxes are
those of the page as rendered) and no tesseract; reading it again costs milliseconds, so it is not cached.
"""

from __future__ import annotations

import hashlib
import tempfile
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from PIL import Image

from extractors.errors import BadDocument
from extractors.ocr import CachedPage, OcrCacheKey, engine_version, ocr_image_file
from extractors.orientation import apply_upright, make_upright
from extractors.render import DocumentInfo, encode_jpeg, probe, render_pages, thumbnail_jpeg
from extractors.text_layer import usable_layers
from pipeline.context import IngestContext
from pipeline.page_images import PageImages
from schemas.ocr import PageOcr
from storage.db.documents import DocumentWork
from storage.db.pages import StoredPage


@dataclass(frozen=True)
class RenderedPage:
    stored: StoredPage
    jpeg: bytes


@dataclass(frozen=True)
class Rendering:
    kind: str
    pages: list[StoredPage]


def page_keys(sha256: str, render_version: str, number: int) -> tuple[str, str]:
    digest = hashlib.sha256(render_version.encode()).hexdigest()[:12]
    return (
        f"pages/{sha256[:2]}/{sha256}/{digest}/{number:04d}.jpg",
        f"thumbnails/{sha256[:2]}/{sha256}/{digest}/{number:04d}.jpg",
    )


@contextmanager
def _original_file(ctx: IngestContext, work: DocumentWork) -> Iterator[Path]:
    """The original under its own file name: the renderer names the type from it in its errors."""
    with tempfile.TemporaryDirectory(prefix="abstractor-original-") as folder:
        path = Path(folder) / PurePosixPath(work.filename).name
        local = ctx.blobs.local_path(work.original_key)
        if local is not None:
            path.symlink_to(local)
        else:
            path.write_bytes(ctx.blobs.get(work.original_key))
        try:
            yield path
        except BadDocument as error:
            # The tools name the file they were given (PIL: "cannot identify image file '/tmp/...'"):
            # the reason is shown to users, so it names the document, not this machine's temp folder.
            raise BadDocument(error.reason.replace(str(path), path.name).replace(folder, "")) from error


def _ocr(ctx: IngestContext, key: str, jpeg: Callable[[], bytes]) -> PageOcr:
    """Tesseract over the page image: the stored file itself when the store is local, else its bytes
    (the ones in hand, when the page was just rendered) in a temporary file."""
    local = ctx.blobs.local_path(key)
    if local is not None:
        return ocr_image_file(local, ctx.ocr)
    with tempfile.NamedTemporaryFile(suffix=".jpg") as handle:
        handle.write(jpeg())
        handle.flush()
        return ocr_image_file(Path(handle.name), ctx.ocr)


def _ocr_key(ctx: IngestContext, sha256: str, number: int) -> OcrCacheKey:
    return OcrCacheKey(
        sha256=sha256,
        page=number,
        image_version=ctx.render.page_image_version,
        engine_version=engine_version(ctx.ocr),
    )


def _text_layers(ctx: IngestContext, path: Path, info: DocumentInfo) -> dict[int, PageOcr]:
    """The pages to read from the PDF's text layer instead of OCR (none for images, or when turned off)."""
    if info.kind != "pdf" or not ctx.ocr.text_layer:
        return {}
    return usable_layers(path, info.page_sizes)


def _render_page(
    ctx: IngestContext,
    sha256: str,
    render_version: str,
    number: int,
    image: Image.Image,
    layer: PageOcr | None,
) -> RenderedPage:
    """Upright, store and OCR one rendered page (runs in the CPU-stage pool).

    `layer` is the page's text layer when it passed the check: its words then stand in for OCR.
    """
    key = _ocr_key(ctx, sha256, number)
    cached = None if layer is not None else ctx.ocr_cache.get(key)
    if layer is not None:
        upright, rotation, skew = image, 0, 0.0  # the layer's boxes are on the page as rendered
    elif cached is not None:
        upright = apply_upright(image, cached.rotation, cached.skew)
        rotation, skew = cached.rotation, cached.skew
    else:
        upright, rotation, skew = make_upright(image)
    image_key, thumbnail_key = page_keys(sha256, render_version, number)
    jpeg = encode_jpeg(upright, ctx.render.jpeg_quality)
    ctx.blobs.put(image_key, jpeg, "image/jpeg")
    ctx.blobs.put(
        thumbnail_key,
        thumbnail_jpeg(upright, ctx.render.thumbnail_width, ctx.render.jpeg_quality),
        "image/jpeg",
    )
    if layer is not None:
        ocr = layer
    elif cached is not None:
        ocr = cached.ocr
    else:
        ocr = _ocr(ctx, image_key, lambda: jpeg)
        ctx.ocr_cache.put(key, CachedPage(rotation=rotation, skew=skew, ocr=ocr))
    ctx.progress("pages", 1)
    return RenderedPage(StoredPage(number, image_key, thumbnail_key, rotation, skew, ocr), jpeg)


def render_and_ocr(
    ctx: IngestContext, work: DocumentWork, render_version: str, images: PageImages
) -> Rendering:
    """All pages of the original; their JPEGs stay in `images` for the stages after this one."""
    in_memory = threading.BoundedSemaphore(ctx.pool._max_workers * 2)
    futures: list[Future[RenderedPage]] = []
    with _original_file(ctx, work) as path:
        info = probe(path, ctx.render)
        layers = _text_layers(ctx, path, info)
        try:
            for number, image in render_pages(path, ctx.render):
                in_memory.acquire()
                future = ctx.pool.submit(
                    _render_page, ctx, work.sha256, render_version, number, image, layers.get(number)
                )
                future.add_done_callback(lambda _done: in_memory.release())
                futures.append(future)
        finally:
            # Wait for every submitted page, even when rendering failed part-way, so no thread is
            # still writing blobs for this document when the caller records the failure.
            rendered = [future.result() for future in futures]
    for page in rendered:
        images.add(page.stored.number, page.stored.image_key, page.jpeg)
    return Rendering(info.kind, [page.stored for page in rendered])


def reocr(
    ctx: IngestContext, work: DocumentWork, pages: list[StoredPage], images: PageImages
) -> list[StoredPage]:
    """Read the words again (a new tesseract or text-layer reader; the rendering is still current).

    A text layer's boxes are those of the page as rendered, so it serves only pages stored unturned.
    """
    layers: dict[int, PageOcr] = {}
    if ctx.ocr.text_layer:
        with _original_file(ctx, work) as path:
            info = probe(path, ctx.render)
            layers = _text_layers(ctx, path, info)

    def one(page: StoredPage) -> StoredPage:
        layer = layers.get(page.number) if page.rotation == 0 and page.skew == 0 else None
        ocr = layer or _ocr(ctx, page.image_key, lambda: images.jpeg(page.number))
        ctx.progress("pages", 1)
        return StoredPage(page.number, page.image_key, page.thumbnail_key, page.rotation, page.skew, ocr)

    return list(ctx.pool.map(one, pages))
