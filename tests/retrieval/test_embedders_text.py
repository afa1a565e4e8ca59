"""BM25 sparse vectors and dense MiniLM vectors of page text, and text-only search through the index."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from retrieval.embedders.config import EmbedderConfig
from retrieval.embedders.text import Bm25Encoder, DenseTextEmbedder, term_id, tokenize
from retrieval.index import IndexConfig, IndexFilter, PagePoint, PageQuery, open_index, page_point_id

PAGES = [
    "This Lease of the premises at 12 Harbour Street runs for five years; the tenant pays rent monthly.",
    "The Receiving Party shall keep all Confidential Information secret and use it only for the Purpose.",
    "Either party may terminate this Agreement for convenience on ninety days written notice.",
    "This Agreement is governed by the laws of the State of New York, and its courts have jurisdiction.",
    "The Supplier shall deliver the Goods to the Buyer's warehouse; title passes on delivery.",
]


def test_sparse_vectors_are_deterministic() -> None:
    encoder = Bm25Encoder(EmbedderConfig())
    first, again = encoder.encode_page(PAGES[0]), Bm25Encoder(EmbedderConfig()).encode_page(PAGES[0])
    assert first == again
    assert term_id("lease") == 1285650637  # pinned: a changed hash would orphan every stored sparse vector
    assert first is not None and first.indices == sorted(set(first.indices))
    assert tokenize("Tenant's RENT, paid") == ["tenant", "s", "rent", "paid"]
    assert encoder.encode_page("  ") is None and encoder.encode_query("?!") is None
    assert encoder.encode_query("terminate for the Convenience") == encoder.encode_query(
        "terminate convenience"
    )
    assert encoder.encode_query("to be or not to be") is None  # stop words only: no sparse query at all


@pytest.mark.models
def test_dense_vectors_are_384_d_and_normalised() -> None:
    embedder = DenseTextEmbedder(EmbedderConfig())
    vectors = embedder.embed_passages(PAGES[:2])  # (2, 384)
    assert vectors.shape == (2, 384)
    assert np.linalg.norm(vectors, axis=1) == pytest.approx([1.0, 1.0], abs=1e-5)
    assert embedder.embed_passages([]).shape == (0, 384)


@pytest.mark.models
def test_text_query_from_a_pages_words_ranks_it_first(tmp_path: Path) -> None:
    config = EmbedderConfig()
    bm25, dense = Bm25Encoder(config), DenseTextEmbedder(config)
    vectors = dense.embed_passages(PAGES)
    points = [
        PagePoint(
            id=page_point_id("m", "sha", i),
            dense_text=vectors[i],
            sparse_text=bm25.encode_page(text),
            payload={"document_id": "d", "page": i, "matter": "m", "kind": "passage"},
        )
        for i, text in enumerate(PAGES)
    ]
    with open_index(IndexConfig(path=tmp_path / "index")) as index:
        index.upsert(points)
        for page, words in ((2, "terminate for convenience notice"), (3, "laws of New York jurisdiction")):
            query = PageQuery(sparse_text=bm25.encode_query(words), dense_text=dense.embed_query(words))
            hits = index.search(query, 3, IndexFilter(matters=["m"]))
            assert hits["dense"][0].page == hits["sparse"][0].page == page
