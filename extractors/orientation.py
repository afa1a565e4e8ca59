"""Making scanned pages upright: quarter turns from tesseract's OSD, then a small deskew.

OSD sees a copy no longer than `downscale_to` pixels. Measured with tesseract 5.3 on US-letter contract
pages: OSD costs about 0.45 s a page whatever the size (start-up and model loading dominate), and below
about 200 dpi-equivalent it misreads 8-10 pt text with confidences up to 7 (at 1200 px a page turned 90
reads as 270 and an upright one as 180). So the default only shrinks pages scanned finer than 200 dpi.

Deskew is a projection profile in numpy on a small binarised copy: text lines give the sharpest row
histogram when they are horizontal.
"""

from __future__ import annotations

import io
import re

import numpy as np
from PIL import Image

from extractors.errors import OcrError, summarise_stderr
from extractors.ocr import run_tesseract

# Bump when rotation or deskew changes the upright image; it is part of the render stage version.
UPRIGHT_VERSION = "u2"

_QUARTER_TURNS = {  # clockwise degrees -> PIL transpose (PIL's ROTATE_n turns counter-clockwise)
    90: Image.Transpose.ROTATE_270,
    180: Image.Transpose.ROTATE_180,
    270: Image.Transpose.ROTATE_90,
}
_SKEW_WIDTH = 1000  # px; at this width 0.05 degrees moves a line end by about one pixel
_MIN_SKEW = 0.1  # degrees; below this a rotation only blurs the page
_MAX_SKEW = 4.0


def detect_rotation(
    image: Image.Image,
    *,
    downscale_to: int = 2200,
    min_characters: int = 30,
    min_confidence: float = 2.0,
    timeout_s: float = 60,
) -> int:
    """The clockwise rotation (0, 90, 180 or 270) that makes the page upright.

    Blank pages, pages with fewer than `min_characters` characters and uncertain answers (tesseract's
    orientation confidence below `min_confidence`) are left as they are: 0.
    """
    small = image.convert("L")
    small.thumbnail((downscale_to, downscale_to))
    png = io.BytesIO()
    small.save(png, "PNG", compress_level=1)  # speed over size: the bytes only cross a pipe
    result = run_tesseract(
        ["stdin", "stdout", "--psm", "0", "-c", f"min_characters_to_try={min_characters}"],
        stdin=png.getvalue(),
        timeout_s=timeout_s,
    )
    output = result.stdout.decode("utf-8", "replace")
    if result.returncode != 0:
        if b"Too few characters" in result.stderr:
            return 0
        raise OcrError(f"tesseract orientation detection failed: {summarise_stderr(result.stderr)}")
    rotate = re.search(r"^Rotate: (\d+)", output, re.MULTILINE)
    confidence = re.search(r"^Orientation confidence: ([\d.]+)", output, re.MULTILINE)
    if not rotate or not confidence:
        raise OcrError(f"unexpected tesseract orientation output: {summarise_stderr(output)}")
    if float(confidence.group(1)) < min_confidence:
        return 0
    return int(rotate.group(1)) % 360


def estimate_skew(image: Image.Image) -> float:
    """The counter-clockwise tilt of the text lines in degrees (-4..4); 0.0 when there is no text."""
    gray = image.convert("L")
    if gray.width > _SKEW_WIDTH:
        gray = gray.reduce(max(1, round(gray.width / _SKEW_WIDTH)))
    pixels = np.asarray(gray)  # (height, width)
    ys, xs = np.nonzero(pixels < 128)
    if ys.size < 200:
        return 0.0
    xs = xs - gray.width / 2.0  # rotate about the centre so the profile stays on the page
    ys = ys.astype(np.float64)

    def sharpness(angle: float) -> float:
        # A counter-clockwise tilt by `angle` raises a line by x*tan(angle): undo it and histogram the rows.
        rows = np.round(ys + xs * np.tan(np.radians(angle))).astype(np.int64)
        counts = np.bincount(rows - rows.min())
        return float(np.dot(counts, counts))

    best = 0.0
    for step, span in ((0.25, _MAX_SKEW), (0.025, 0.25)):
        angles = np.arange(best - span, best + span + step / 2, step)
        best = float(max(angles, key=sharpness))
    return round(best, 2)


def make_upright(image: Image.Image) -> tuple[Image.Image, int, float]:
    """The page turned upright and deskewed, the clockwise rotation applied and the skew corrected."""
    rotation = detect_rotation(image)
    turned = apply_upright(image, rotation, 0.0)
    skew = estimate_skew(turned)
    if abs(skew) < _MIN_SKEW:
        return turned, rotation, 0.0
    return apply_upright(turned, 0, skew), rotation, skew


def apply_upright(image: Image.Image, rotation: int, skew: float) -> Image.Image:
    """Apply a known rotation and skew correction (from the OCR cache) without detecting them again."""
    if rotation:
        image = image.transpose(_QUARTER_TURNS[rotation])
    if abs(skew) < _MIN_SKEW:
        return image
    white = 255 if image.mode == "L" else (255,) * len(image.getbands())
    # Bilinear: half the time of bicubic on a 200-dpi page (70 ms against 150 ms), and no difference
    # tesseract can read in a rotation of a few degrees.
    return image.rotate(-skew, resample=Image.Resampling.BILINEAR, fillcolor=white)
