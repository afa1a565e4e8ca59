"""Where on a page a query matched: each image patch's share of the ColPali MaxSim score, as a grid.

MaxSim scores a page as the sum over query tokens of each token's best page token. Turned around, a
patch matters as much as the best query token it answers: that per-patch maximum is what the heat-map
shows, so the hot patches are the ones the visual score came from.
"""

from __future__ import annotations

import numpy as np


class HeatmapUnavailableError(RuntimeError):
    """No ColPali model is loaded, or its family has no patch grid we know how to read (HTTP 409)."""


def patch_similarity(
    query: np.ndarray, page: np.ndarray, grid: tuple[int, int], image_slice: slice
) -> np.ndarray:
    """(rows, cols) of each image patch's best dot product with any query token, scaled to 0..1.

    `grid` and `image_slice` say where the image tokens sit in `page` and how they tile it (row-major,
    after the processor's spatial merge), as `ColPaliEmbedder.embed_page_grid` reports them. The scale is
    min-max over this page: it shows where the page matched best, not how well it matched overall.
    """
    rows, cols = grid
    patches = page[image_slice]  # (rows * cols, dim)
    if patches.shape[0] != rows * cols:
        raise ValueError(f"{patches.shape[0]} image tokens do not tile a {rows}x{cols} grid")
    best = (patches @ query.T).max(axis=1)  # (rows * cols, q) -> (rows * cols,)
    low, high = float(best.min()), float(best.max())
    if high - low <= 1e-12:  # a flat page: nothing stands out, so nothing lights up
        return np.zeros((rows, cols), dtype=np.float32)  # (rows, cols)
    return ((best - low) / (high - low)).reshape(rows, cols).astype(np.float32)  # (rows, cols)
