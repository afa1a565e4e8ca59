"""Render stage: probing by magic bytes, every bad input refused with a reason, streamed rendering."""

from __future__ import annotations

import io
import weakref
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pdf2image
import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import RectangleObject

from extractors.errors import BadDocument
from extractors.render import (
    RenderConfig,
    encode_jpeg,
    probe,
    render_pages,
    thumbnail_jpeg,
)

A5_AT_200_DPI = (1166, 1654)
CONFIG = RenderConfig()


def test_image_pdf_probes_and_renders_to_jpeg(make: ModuleType, docs: Path) -> None:
    path = make.write_image_pdf(docs, "render-scan.pdf")

    info = probe(path, CONFIG)
    ((number, image),) = list(render_pages(path, CONFIG))

    assert (info.kind, info.page_count, info.page_sizes) == ("pdf", 1, [A5_AT_200_DPI])
    assert (number, image.size, image.mode) == (1, A5_AT_200_DPI, "RGB")
    assert image.info["dpi"] == (200, 200)
    page = Image.open(io.BytesIO(encode_jpeg(image, CONFIG.jpeg_quality)))
    assert (page.format, page.size, page.info["dpi"]) == ("JPEG", A5_AT_200_DPI, (200, 200))
    thumb = Image.open(io.BytesIO(thumbnail_jpeg(image, CONFIG.thumbnail_width, CONFIG.jpeg_quality)))
    assert (thumb.format, thumb.width) == ("JPEG", 320)
    assert abs(thumb.height - 320 * A5_AT_200_DPI[1] / A5_AT_200_DPI[0]) <= 1


def test_multipage_tiff_renders_every_frame_or_the_wanted_ones(make: ModuleType, docs: Path) -> None:
    path = make.write_tiff(docs, "render-scan.tif", pages=3)

    info = probe(path, CONFIG)
    pages = list(render_pages(path, CONFIG))

    assert (info.kind, info.page_count, info.page_sizes) == ("tiff", 3, [A5_AT_200_DPI] * 3)
    assert [(number, image.size, image.mode) for number, image in pages] == [
        (n, A5_AT_200_DPI, "L") for n in (1, 2, 3)
    ]
    assert [number for number, _ in render_pages(path, CONFIG, pages=[3, 2])] == [2, 3]


@pytest.mark.parametrize(("builder", "mode"), [("write_png", "L"), ("write_jpeg", "RGB")])
def test_single_images_are_one_page(make: ModuleType, docs: Path, builder: str, mode: str) -> None:
    path = getattr(make, builder)(docs)

    info = probe(path, CONFIG)
    pages = list(render_pages(path, CONFIG))

    assert (info.kind, info.page_count, info.page_sizes) == ("image", 1, [A5_AT_200_DPI])
    assert [(number, image.size, image.mode) for number, image in pages] == [(1, A5_AT_200_DPI, mode)]


def test_pdf_pages_are_rendered_as_a_viewer_shows_them(make: ModuleType, docs: Path) -> None:
    # A CropBox inside the MediaBox, and a page turned by /Rotate 90.
    source = PdfReader(make.write_text_pdf(docs, "render-boxes-source.pdf", pages=2))
    writer = PdfWriter()
    for page in source.pages:
        writer.add_page(page)
    writer.pages[0].cropbox = RectangleObject([10, 20, 300.3, 400.7])
    writer.pages[1].rotate(90)
    path = docs / "render-boxes.pdf"
    writer.write(path)

    info = probe(path, CONFIG)
    rendered = [image.size for _, image in render_pages(path, CONFIG)]

    assert info.page_sizes == rendered == [(807, 1058), (1654, 1166)]


def test_kind_comes_from_magic_bytes_not_the_name(make: ModuleType, docs: Path) -> None:
    png_named_pdf = make.write_png(docs).rename(docs / "really-a-png.pdf")

    assert probe(png_named_pdf, CONFIG).kind == "image"


@pytest.mark.parametrize(
    ("builder", "words"),
    [
        ("write_empty", "the file is empty"),
        ("write_text_named_pdf", "not a PDF although named .pdf"),
        ("write_truncated_pdf", "the PDF is truncated or corrupt"),
        ("write_encrypted_pdf", "the PDF is password-protected"),
        ("write_no_pages_pdf", "the PDF has no pages"),
        ("write_oversized_pdf", "page 3 is 55556x55556 pixels at 200 dpi, over the 178956970-pixel limit"),
        ("write_corrupt_png", "the image is corrupt"),
        ("write_docx", "unsupported file type: .docx"),
    ],
)
def test_bad_inputs_are_refused_with_a_reason(
    make: ModuleType, tmp_path: Path, builder: str, words: str
) -> None:
    path = getattr(make, builder)(tmp_path)

    with pytest.raises(BadDocument) as refused:
        probe(path, CONFIG)

    assert words in refused.value.reason


def test_pdf_cut_after_its_last_page_is_refused_for_the_missing_eof(make: ModuleType, tmp_path: Path) -> None:
    # poppler reconstructs such a file and would render it; the %%EOF check is what catches it.
    whole = make.write_image_pdf(tmp_path, "whole.pdf").read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(whole[: whole.rindex(b"%%EOF")])

    with pytest.raises(BadDocument, match="does not end with %%EOF"):
        probe(cut, CONFIG)


def test_image_over_the_pixel_limit_is_refused(make: ModuleType, docs: Path) -> None:
    path = make.write_png(docs, "render-limit.png")

    with pytest.raises(BadDocument, match=r"page 1 is 1166x1654 pixels, over the 1000000-pixel limit"):
        probe(path, RenderConfig(max_page_pixels=1_000_000))


def test_rendering_all_pages_applies_the_pixel_limit_before_rendering(make: ModuleType, docs: Path) -> None:
    path = make.write_oversized_pdf(docs, "render-oversized.pdf", normal_pages=2)

    with pytest.raises(BadDocument, match="page 3 is 55556x55556 pixels"):
        next(render_pages(path, CONFIG))


def test_pdftoppm_failing_mid_document_yields_the_good_pages_then_says_why(
    make: ModuleType, docs: Path
) -> None:
    # With our limit lifted, poppler renders pages 1 and 2 and then refuses to allocate the 55556 px square
    # page 3 in the same call; pdf2image hands back a 1x1 placeholder for it.
    path = make.write_oversized_pdf(docs, "render-oversized.pdf", normal_pages=2)
    rendered: list[int] = []

    with pytest.raises(BadDocument) as failed:
        for number, _ in render_pages(path, RenderConfig(max_page_pixels=10**10)):
            rendered.append(number)

    assert rendered == [1, 2]
    assert "page 3 could not be rendered" in failed.value.reason
    assert "Bogus memory allocation size" in failed.value.reason


@pytest.fixture
def pdftoppm_calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    """Records the page range of every pdf2image call; the real pdf2image still does the work."""
    calls: list[tuple[int, int]] = []
    real: Callable[..., list[Image.Image]] = pdf2image.convert_from_path

    def recording(*args: object, **kwargs: object) -> list[Image.Image]:
        calls.append((kwargs["first_page"], kwargs["last_page"]))  # type: ignore[arg-type]
        return real(*args, **kwargs)

    monkeypatch.setattr(pdf2image, "convert_from_path", recording)
    return calls


def test_a_long_pdf_is_rendered_in_chunks_and_never_held_whole(
    make: ModuleType, docs: Path, pdftoppm_calls: list[tuple[int, int]]
) -> None:
    path = make.write_text_pdf(docs, "render-forty.pdf", pages=40)
    config = RenderConfig(dpi=50, chunk_pages=4)
    alive: list[weakref.ref[Image.Image]] = []
    most_alive = 0

    stream = render_pages(path, config)
    number, image = next(stream)
    assert (number, pdftoppm_calls) == (1, [(1, 4)])  # lazily: one chunk rendered for the first page
    numbers = [number]
    while True:
        alive.append(weakref.ref(image))
        del image  # a consumer that stores the page and moves on
        most_alive = max(most_alive, sum(ref() is not None for ref in alive))
        try:
            number, image = next(stream)
        except StopIteration:
            break
        numbers.append(number)

    assert numbers == list(range(1, 41))
    assert pdftoppm_calls == [(first, first + 3) for first in range(1, 41, 4)]
    assert most_alive <= config.chunk_pages


def test_wanted_pages_are_rendered_in_consecutive_runs(
    make: ModuleType, docs: Path, pdftoppm_calls: list[tuple[int, int]]
) -> None:
    path = make.write_text_pdf(docs, "render-runs.pdf", pages=25)

    numbers = [n for n, _ in render_pages(path, RenderConfig(dpi=50), pages=[20, 3, 4, 5, 6, 7, 3])]

    assert numbers == [3, 4, 5, 6, 7, 20]
    assert pdftoppm_calls == [(3, 6), (7, 7), (20, 20)]


def test_asking_for_pages_the_pdf_does_not_have_is_a_caller_error(make: ModuleType, docs: Path) -> None:
    path = make.write_text_pdf(docs, "render-three.pdf", pages=3)

    with pytest.raises(ValueError, match=r"pages 2\.\.4 asked of a 3-page PDF"):
        next(render_pages(path, RenderConfig(dpi=50), pages=[2, 4]))


def test_version_names_what_changes_the_output() -> None:
    base = RenderConfig()

    assert base.version != RenderConfig(dpi=300).version
    assert base.version != RenderConfig(jpeg_quality=90).version
    assert base.version != RenderConfig(thumbnail_width=200).version
    assert base.version == RenderConfig(chunk_pages=8, timeout_s=60).version
    assert base.page_image_version == RenderConfig(thumbnail_width=200).page_image_version
