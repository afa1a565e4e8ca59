"""A page's heat-map for a query, on hand-built multi-vectors: the patch matching a query token lights up."""

from __future__ import annotations

import numpy as np
import pytest

from retrieval.embedders.heatmap import patch_similarity

DIM = 128


def _unit(rng: np.random.Generator, *shape: int) -> np.ndarray:
    x = rng.standard_normal(shape).astype(np.float32)
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


def test_the_patch_that_matches_a_query_token_is_the_hottest_and_text_tokens_are_ignored() -> None:
    rng = np.random.default_rng(0)
    query = _unit(rng, 3, DIM)  # (q, dim)
    page = _unit(rng, 2 + 12 + 1, DIM) * 0.1  # (tokens, dim): 2 prompt tokens, a 3x4 patch grid, 1 suffix
    page[2 + 6] = query[1]  # patch (1, 2) is exactly a query token: the best MaxSim contribution
    page[0] = query[0] * 10  # a prompt token matching even better must not appear: it is no patch
    heat = patch_similarity(query, page, (3, 4), slice(2, 14))
    assert heat.shape == (3, 4) and heat.dtype == np.float32
    assert np.unravel_index(int(heat.argmax()), heat.shape) == (1, 2)
    assert heat.max() == pytest.approx(1.0) and heat.min() == pytest.approx(0.0)
    expected = (page[2:14] @ query.T).max(axis=1)  # per patch, its best query token
    scaled = (expected - expected.min()) / (expected.max() - expected.min())
    np.testing.assert_allclose(heat.ravel(), scaled, rtol=1e-5, atol=1e-6)


def test_a_flat_page_lights_nothing_and_a_wrong_grid_is_refused() -> None:
    query = np.ones((2, DIM), dtype=np.float32)
    flat = np.ones((6, DIM), dtype=np.float32)
    assert not patch_similarity(query, flat, (2, 3), slice(0, 6)).any()
    with pytest.raises(ValueError, match="do not tile"):
        patch_similarity(query, flat, (2, 2), slice(0, 6))
