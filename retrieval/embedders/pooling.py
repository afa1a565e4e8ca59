"""Summaries of a page multi-vector for the HNSW prefetch (the full multi-vector reranks the candidates)."""

from __future__ import annotations

from typing import Literal

import numpy as np

PoolMethod = Literal["rows_cols", "hierarchical"]


def pool_rows_cols(image_tokens: np.ndarray, grid: tuple[int, int]) -> np.ndarray:
    """Means of each row and each column of the patch grid, as Qdrant's ColPali tutorial does."""
    rows, cols = grid
    patches = image_tokens.reshape(rows, cols, -1)  # (rows, cols, dim)
    return np.concatenate([patches.mean(axis=1), patches.mean(axis=0)]).astype(
        np.float32
    )  # (rows + cols, dim)


def pool_hierarchical(multivector: np.ndarray, factor: int) -> np.ndarray:
    """Clusters similar tokens (colpali-engine's hierarchical token pooling), ~tokens/factor vectors."""
    import torch
    from colpali_engine.compression.token_pooling import HierarchicalTokenPooler

    pooled = HierarchicalTokenPooler().pool_embeddings([torch.from_numpy(multivector)], pool_factor=factor)
    return pooled[0].numpy().astype(np.float32)  # (~tokens / factor, dim)


def pool(
    multivector: np.ndarray,
    method: PoolMethod,
    *,
    grid: tuple[int, int] | None = None,
    image_slice: slice | None = None,
    factor: int = 4,
) -> np.ndarray:
    """`rows_cols` needs the image tokens' grid and position; without them it falls back to hierarchical."""
    if method == "rows_cols" and grid is not None and image_slice is not None:
        return pool_rows_cols(multivector[image_slice], grid)
    return pool_hierarchical(multivector, factor)
