"""The ColPali heat-map of a search hit as a PNG the search page lays over the page's thumbnail."""

from __future__ import annotations

import io
from urllib.parse import urlencode

import numpy as np
from PIL import Image

RED = (214, 40, 40)
MAX_ALPHA = 170  # the hottest patch still lets the words under it show through


def heatmap_url(document: int, page: int, q: str) -> str:
    return f"/api/documents/{document}/pages/{page}/heatmap?{urlencode({'q': q})}"


def overlay_png(heat: np.ndarray, size: tuple[int, int]) -> bytes:
    """`heat` (rows, cols) 0..1 as a red RGBA PNG of `size` (width, height), more opaque where hotter.

    Alpha grows with the square of the heat: min-max scaling leaves most patches mid-way, and a linear
    ramp would tint the whole page; squaring keeps the cool majority nearly clear.
    """
    alpha = np.clip(heat, 0.0, 1.0) ** 2 * MAX_ALPHA  # (rows, cols)
    mask = Image.fromarray(alpha.astype(np.uint8))  # 2-D uint8: mode "L"
    # Bilinear: the grid is coarse (a patch is ~28 page pixels); smooth edges read as regions, not tiles.
    mask = mask.resize(size, Image.Resampling.BILINEAR)
    overlay = Image.new("RGBA", size, (*RED, 0))
    overlay.putalpha(mask)
    out = io.BytesIO()
    overlay.save(out, format="PNG")
    return out.getvalue()
