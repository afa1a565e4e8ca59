"""The ColPali embedder on tiny random-weight ColQwen2.5 models, loaded through from_pretrained offline.

Both shapes real weights come in are built here: a full model directory, and a base + LoRA adapter pair
whose adapter_config.json names the base by a repo id that does not exist on this machine.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from retrieval.embedders.colpali import ColPaliEmbedder
from retrieval.embedders.config import EmbedderConfig
from retrieval.index import PAGE, IndexConfig, IndexFilter, PagePoint, PageQuery, open_index

pytestmark = pytest.mark.models


def _pages() -> list[Image.Image]:
    rng = np.random.default_rng(0)
    return [Image.fromarray(rng.integers(0, 255, (280, 200, 3), dtype=np.uint8)) for _ in range(3)]


def test_full_model_directory_embeds_pages_and_queries(tiny_dirs: dict[str, Path]) -> None:
    embedder = ColPaliEmbedder(EmbedderConfig(colpali_model=str(tiny_dirs["full"]), batch_size=2))
    pages = embedder.embed_pages_pooled(_pages())
    assert len(pages) == 3
    _, height, width = (
        int(x) // 2 for x in embedder.processor.process_images(_pages()[:1])["image_grid_thw"][0]
    )
    for multivector, pooled in pages:
        assert multivector.shape[1] == 128 and multivector.dtype == np.float32
        np.testing.assert_allclose(np.linalg.norm(multivector, axis=1), 1.0, atol=1e-5)
        assert pooled.shape == (height + width, 128)  # the merged patch grid: one mean per row and column
        assert multivector.shape[0] > height * width  # image tokens plus the prompt around them
    queries = embedder.embed_queries(["governing law", "x", "termination for convenience"])
    assert [q.shape[1] for q in queries] == [128] * 3
    assert not any(np.isnan(q).any() for q in queries)


def test_adapter_loads_offline_over_a_local_base(tiny_dirs: dict[str, Path]) -> None:
    config = EmbedderConfig(colpali_model=str(tiny_dirs["adapter"]), colpali_base=str(tiny_dirs["base"]))
    adapted = ColPaliEmbedder(config).embed_queries(["indemnification"])[0]
    plain = ColPaliEmbedder(EmbedderConfig(colpali_model=str(tiny_dirs["base"]), pooling="hierarchical"))
    assert adapted.shape == plain.embed_queries(["indemnification"])[0].shape
    assert not np.allclose(adapted, plain.embed_queries(["indemnification"])[0], atol=1e-4)  # LoRA applied
    assert json.loads((tiny_dirs["adapter"] / "adapter_config.json").read_text())[
        "base_model_name_or_path"
    ] == (
        "nobody/colqwen-tiny-base"  # the rewrite happened in a temp copy
    )


def test_index_maxsim_equals_colpali_engine_scores(tiny_dirs: dict[str, Path], tmp_path: Path) -> None:
    embedder = ColPaliEmbedder(EmbedderConfig(colpali_model=str(tiny_dirs["full"])))
    pages = embedder.embed_pages_pooled(_pages())
    queries = embedder.embed_queries(["payment terms", "notice period"])
    expected = embedder.processor.score_multi_vector(
        [torch.from_numpy(q) for q in queries], [torch.from_numpy(mv) for mv, _ in pages]
    ).numpy()  # (queries, pages)
    points = [
        PagePoint(
            id=f"00000000-0000-0000-0000-00000000000{i}",
            multivector=mv,
            pooled=pooled,
            payload={"document_id": "d", "page": i, "matter": "m", "kind": PAGE},
        )
        for i, (mv, pooled) in enumerate(pages)
    ]
    with open_index(IndexConfig(path=tmp_path / "index")) as index:
        index.upsert(points)
        for qi, query in enumerate(queries):
            hits = index.search(PageQuery(multivector=query), 3, IndexFilter(matters=["m"]))["visual"]
            got = {hit.page: hit.score for hit in hits}
            np.testing.assert_allclose([got[i] for i in range(3)], expected[qi], atol=1e-4)
