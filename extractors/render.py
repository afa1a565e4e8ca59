"""The render stage: a document file in, page images out, one page at a time.

The type comes from the file's first bytes, never its name: scanners and mail gateways name files badly.
`probe` rejects what cannot be rendered before any work is spent on it, with a reason a person understands;
`render_pages` streams, so a 300-page PDF holds at most `chunk_pages` page images in memory.
"""

from __future__ import annotations

import io
import math
import re
import subprocess
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Literal

import pdf2image
import pdf2image.exceptions
from PIL import Image, ImageSequence, UnidentifiedImageError
from pydantic import BaseModel, ConfigDict, Field

from extractors.errors import BadDocument, summarise_stderr
from extractors.orientation import UPRIGHT_VERSION

DocumentKind = Literal["pdf", "tiff", "image"]

_PDF_HEADER_WINDOW = 1024  # the PDF header may follow up to 1 KiB of junk, as readers accept
_PDF_EOF_WINDOW = 4096  # writers may append a little after %%EOF; a cut-off file has none at all
_ALL_PAGES = str(2**31 - 1)  # pdfinfo clamps -l to the page count, so one call lists every page
_PDFINFO_PAGE = re.compile(r"^Page\s+(\d+)\s+(size|rot):\s+(\S+)(?: x (\S+))?", re.MULTILINE)


class RenderConfig(BaseModel):
    """How documents become page images. `version` names everything here that changes the output."""

    model_config = ConfigDict(frozen=True)

    dpi: int = Field(200, ge=50, le=600)
    jpeg_quality: int = Field(85, ge=30, le=95)
    thumbnail_width: int = Field(320, ge=32)
    max_page_pixels: int = 178_956_970  # PIL's decompression-bomb limit: about 13400 px square
    chunk_pages: int = Field(4, ge=1)  # pages per pdftoppm call: bounds memory, amortises process start
    timeout_s: int = Field(300, ge=1)  # per pdftoppm or pdfinfo call

    @property
    def page_image_version(self) -> str:
        """What decides the stored page JPEG, which OCR reads: part of the OCR cache key."""
        return f"{self.dpi}dpi-q{self.jpeg_quality}-{UPRIGHT_VERSION}"

    @property
    def version(self) -> str:
        """The render stage version, recorded with the tesseract version by the pipeline."""
        return f"{self.page_image_version}-t{self.thumbnail_width}"


class DocumentInfo(BaseModel):
    kind: DocumentKind
    page_count: int
    page_sizes: list[tuple[int, int]]  # (width, height) in pixels as rendered, page 1 first


def sniff(path: Path) -> DocumentKind:
    """The document kind from its magic bytes; BadDocument for empty and unsupported files."""
    with path.open("rb") as handle:
        head = handle.read(_PDF_HEADER_WINDOW)
    if not head:
        raise BadDocument("the file is empty")
    if b"%PDF-" in head:
        return "pdf"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "tiff"
    if head.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")):
        return "image"
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        raise BadDocument("not a PDF although named .pdf")
    raise BadDocument(f"unsupported file type: {suffix or 'a file without extension'}")


def probe(path: Path, config: RenderConfig) -> DocumentInfo:
    """Kind, page count and page sizes, or BadDocument saying why the file cannot be rendered."""
    kind = sniff(path)
    sizes = _pdf_page_sizes(path, config) if kind == "pdf" else _image_page_sizes(path, config)
    return DocumentInfo(kind=kind, page_count=len(sizes), page_sizes=sizes)


def render_pages(
    path: Path, config: RenderConfig, pages: Iterable[int] | None = None
) -> Iterator[tuple[int, Image.Image]]:
    """(page number, RGB or L image) for the wanted pages (1-based, default all), in page order.

    The pixel limit is checked here too, so skipping `probe` cannot let a poster-sized page through.
    PDF pages carry `info["dpi"]` so the JPEG written from them tells tesseract the true resolution.
    """
    kind = sniff(path)
    wanted = None if pages is None else sorted(set(pages))
    if kind != "pdf":
        yield from _render_image_pages(path, config, wanted)
        return
    sizes = _pdf_page_sizes(path, config)
    wanted = list(range(1, len(sizes) + 1)) if wanted is None else wanted
    if wanted and not 1 <= wanted[0] <= wanted[-1] <= len(sizes):
        raise ValueError(f"pages {wanted[0]}..{wanted[-1]} asked of a {len(sizes)}-page PDF")
    for first, last in _runs(wanted, config.chunk_pages):
        yield from _render_pdf_chunk(path, config, first, sizes[first - 1 : last])


def encode_jpeg(image: Image.Image, quality: int) -> bytes:
    """JPEG bytes of a page image, keeping its dpi so tesseract need not guess the resolution."""
    if image.mode not in ("L", "RGB"):
        image = image.convert("RGB")
    buffer = io.BytesIO()
    extra = {"dpi": image.info["dpi"]} if "dpi" in image.info else {}
    image.save(buffer, "JPEG", quality=quality, **extra)
    return buffer.getvalue()


def thumbnail_jpeg(image: Image.Image, width: int, quality: int) -> bytes:
    """A JPEG `width` pixels wide (never enlarged), aspect ratio kept."""
    small = image.copy()
    small.thumbnail((width, math.ceil(width * image.height / image.width)), Image.Resampling.LANCZOS)
    return encode_jpeg(small, quality)


# --- PDF --------------------------------------------------------------------------------------------------


def _pdf_page_sizes(path: Path, config: RenderConfig) -> list[tuple[int, int]]:
    """Page sizes in pixels at the configured dpi from one pdfinfo call; BadDocument for unusable PDFs."""
    with path.open("rb") as handle:
        handle.seek(max(0, path.stat().st_size - _PDF_EOF_WINDOW))
        tail = handle.read()
    try:
        result = subprocess.run(
            ["pdfinfo", "-f", "1", "-l", _ALL_PAGES, str(path)],
            capture_output=True,
            timeout=config.timeout_s,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise BadDocument(
            f"the PDF is truncated or corrupt: pdfinfo took over {config.timeout_s} s"
        ) from error
    stderr = result.stderr.decode("utf-8", "replace")
    if result.returncode != 0:
        if "Incorrect password" in stderr:
            raise BadDocument("the PDF is password-protected")
        if "Invalid page count 0" in stderr:
            raise BadDocument("the PDF has no pages")
        raise BadDocument(f"the PDF is truncated or corrupt: {summarise_stderr(stderr)}")
    if b"%%EOF" not in tail:
        # poppler rebuilds a cut-off file's cross-reference table and renders what survived, silently
        # dropping the rest; an interrupted copy or upload must not pass for the whole contract.
        raise BadDocument("the PDF is truncated or corrupt: it does not end with %%EOF")
    output = result.stdout.decode("utf-8", "replace")
    count = re.search(r"^Pages:\s+(\d+)", output, re.MULTILINE)
    if not count or int(count.group(1)) == 0:
        raise BadDocument("the PDF has no pages")
    points: dict[int, tuple[float, float]] = {}
    turned: set[int] = set()
    for number, field, first, second in _PDFINFO_PAGE.findall(output):
        if field == "size":
            points[int(number)] = (float(first), float(second))
        elif int(first) % 180 == 90:
            turned.add(int(number))
    if sorted(points) != list(range(1, int(count.group(1)) + 1)):
        raise BadDocument(f"the PDF is truncated or corrupt: pdfinfo listed {len(points)} page sizes")
    sizes: list[tuple[int, int]] = []
    for number, (width_pt, height_pt) in sorted(points.items()):
        # pdftoppm's arithmetic on the CropBox, so the sizes equal the rendered images'
        width = math.ceil(width_pt * (config.dpi / 72.0))
        height = math.ceil(height_pt * (config.dpi / 72.0))
        if number in turned:
            width, height = height, width
        _check_pixels(number, width, height, config, unit=f" at {config.dpi} dpi")
        sizes.append((width, height))
    return sizes


def _render_pdf_chunk(
    path: Path, config: RenderConfig, first: int, sizes: list[tuple[int, int]]
) -> Iterator[tuple[int, Image.Image]]:
    """Pages first.. (one per expected size) from one pdftoppm call, checked against the expected sizes."""
    last = first + len(sizes) - 1
    try:
        # Looked up on the module at call time (not imported by name) so tests can wrap it to count calls.
        images = pdf2image.convert_from_path(
            str(path),
            dpi=config.dpi,
            first_page=first,
            last_page=last,
            thread_count=1,
            use_cropbox=True,  # what a PDF viewer shows, and the size pdfinfo reports
            timeout=config.timeout_s,
        )
    except pdf2image.exceptions.PDFPageCountError as error:
        raise BadDocument(f"the PDF is truncated or corrupt: {summarise_stderr(str(error))}") from error
    except pdf2image.exceptions.PDFPopplerTimeoutError as error:
        raise BadDocument(f"pages {first}-{last} took over {config.timeout_s} s to render") from error
    images.reverse()  # so pop() hands them out in page order
    for number, (width, height) in enumerate(sizes, start=first):
        # pdf2image ignores pdftoppm's exit status: a failed page is missing, or a 1x1 placeholder.
        image = images.pop() if images else None  # the list lets go, so a consumer that moves on frees it
        if image is None or abs(image.width - width) > 1 or abs(image.height - height) > 1:
            raise BadDocument(
                f"page {number} could not be rendered: {_pdftoppm_stderr(path, config, number)}"
            )
        image.info["dpi"] = (config.dpi, config.dpi)
        yield number, image  # pdftoppm's PPM output is RGB already; converting would copy the page


def _pdftoppm_stderr(path: Path, config: RenderConfig, page: int) -> str:
    """pdftoppm's complaint about one page: pdf2image does not pass stderr on."""
    try:
        result = subprocess.run(
            ["pdftoppm", "-cropbox", "-r", str(config.dpi), "-f", str(page), "-l", str(page), str(path)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=config.timeout_s,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return f"pdftoppm took over {config.timeout_s} s"
    return summarise_stderr(result.stderr)


def _runs(pages: list[int], size: int) -> Iterator[tuple[int, int]]:
    """Sorted page numbers as (first, last) runs of consecutive pages, at most `size` long."""
    start = 0
    for index in range(1, len(pages) + 1):
        if index == len(pages) or pages[index] != pages[index - 1] + 1 or index - start == size:
            yield pages[start], pages[index - 1]
            start = index


# --- TIFF, PNG, JPEG --------------------------------------------------------------------------------------


def _image_page_sizes(path: Path, config: RenderConfig) -> list[tuple[int, int]]:
    """Sizes of every frame, each decoded once so a corrupt file is caught here rather than mid-run."""
    return [image.size for _, image in _render_image_pages(path, config, None)]


def _render_image_pages(
    path: Path, config: RenderConfig, wanted: list[int] | None
) -> Iterator[tuple[int, Image.Image]]:
    try:
        with Image.open(path) as document:
            for number, frame in enumerate(ImageSequence.Iterator(document), start=1):
                if wanted is not None and number not in wanted:
                    continue
                _check_pixels(number, frame.width, frame.height, config, unit="")
                yield number, _normalise(frame)  # converting decodes, and copies out of the open file
    except Image.DecompressionBombError as error:  # PIL's own guard, above twice its global limit
        raise BadDocument(f"the image is over the {config.max_page_pixels}-pixel limit: {error}") from error
    except (OSError, UnidentifiedImageError, SyntaxError, ValueError) as error:
        raise BadDocument(f"the image is corrupt: {error}") from error


def _normalise(image: Image.Image) -> Image.Image:
    """A decoded copy in RGB, or L for grayscale and bilevel scans (a third of the memory).

    Transparency becomes white paper. The copy matters: TIFF frames share one object that seeking reuses.
    """
    if image.mode in ("1", "L"):
        return image.convert("L")
    if image.mode in ("LA", "RGBA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        paper = Image.new("RGB", rgba.size, (255, 255, 255))
        paper.paste(rgba, mask=rgba.getchannel("A"))
        paper.info = dict(image.info)
        return paper
    return image.convert("RGB")


def _check_pixels(number: int, width: int, height: int, config: RenderConfig, *, unit: str) -> None:
    if width * height > config.max_page_pixels:
        raise BadDocument(
            f"page {number} is {width}x{height} pixels{unit}, over the {config.max_page_pixels}-pixel limit"
        )
