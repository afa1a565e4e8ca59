"""Orientation: quarter turns found by tesseract OSD, tilt found by the projection profile."""

from __future__ import annotations

import time
from types import ModuleType

import pytest
from PIL import Image

from extractors.orientation import detect_rotation, estimate_skew, make_upright

A5_AT_200_DPI = (1166, 1654)


@pytest.mark.parametrize("scanned_cw", [0, 90, 180, 270])
def test_detect_rotation_gives_the_clockwise_turn_that_makes_the_page_upright(
    make: ModuleType, scanned_cw: int
) -> None:
    page = make.contract_page(rotate_cw=scanned_cw)

    assert detect_rotation(page) == (360 - scanned_cw) % 360


def test_small_print_on_a_letter_page_is_oriented_at_the_default_size(make: ModuleType) -> None:
    # Regression: OSD on a 1200 px copy read this 10 pt page, turned 90 clockwise, as needing 90 more.
    page = make.dense_letter_page(rotate_cw=90, font_size=10)

    assert detect_rotation(page) == 270


def test_blank_page_is_left_as_it_is() -> None:
    assert detect_rotation(Image.new("L", A5_AT_200_DPI, 255)) == 0


@pytest.mark.parametrize("tilt", [2.0, -2.0])
def test_estimate_skew_finds_a_known_tilt(make: ModuleType, tilt: float) -> None:
    page = make.contract_page(tilt_ccw=tilt)

    started = time.perf_counter()
    skew = estimate_skew(page)
    elapsed = time.perf_counter() - started

    assert abs(skew - tilt) < 0.5
    assert elapsed < 0.25  # cheap next to OCR's seconds; generous for a busy shared machine


def test_upright_page_has_no_skew_and_blank_page_none_to_find(make: ModuleType) -> None:
    assert abs(estimate_skew(make.contract_page())) < 0.2
    assert estimate_skew(Image.new("L", A5_AT_200_DPI, 255)) == 0.0


def test_make_upright_turns_then_deskews(make: ModuleType) -> None:
    upright = make.contract_page().convert("RGB")
    scanned = make.contract_page(rotate_cw=90, tilt_ccw=2.0).convert("RGB")

    fixed, rotation, skew = make_upright(scanned)

    assert rotation == 270
    assert abs(skew - 2.0) < 0.5
    assert (fixed.size, fixed.mode) == (A5_AT_200_DPI, "RGB")
    assert abs(estimate_skew(fixed)) < 0.2
    assert fixed.getpixel((0, 0)) == (255, 255, 255)  # corners filled as paper, not black
    # Same ink in the same rows as the page that was never turned: a row-profile check, cheap and strict.
    assert _ink_rows(fixed) == pytest.approx(_ink_rows(upright), abs=0.05)


def _ink_rows(image: Image.Image) -> list[float]:
    """The share of dark pixels in each tenth of the page height."""
    gray = image.convert("L").point(lambda value: 255 if value < 128 else 0)
    height = gray.height // 10
    return [
        sum(gray.crop((0, band * height, gray.width, (band + 1) * height)).histogram()[255:])
        / sum(gray.histogram()[255:])
        for band in range(10)
    ]
