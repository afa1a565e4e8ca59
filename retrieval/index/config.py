"""Settings of the page index, passed down from the faces (nothing here reads the environment)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr


class IndexConfig(BaseModel):
    """Where the page vectors live and how they are searched.

    `embedded` is Qdrant's in-process engine (qdrant-edge) in the directory `path`; one process owns it.
    `server` is a Qdrant server at `url`; without a url, qdrant-client's local mode stands in
    (in memory, or under `path`), which is what the tests use.
    """

    model_config = ConfigDict(extra="forbid")

    backend: Literal["embedded", "server"] = "embedded"
    path: Path | None = None
    url: str | None = None
    api_key: SecretStr | None = None
    collection: str = "pages"
    visual_dim: int = Field(default=128, ge=1)  # ColPali-family token embeddings
    text_dim: int = Field(default=384, ge=1)  # all-MiniLM-L6-v2
    # float16 halves the bytes of the full multi-vectors (the bulk of the index) at ~1e-3 score error.
    visual_datatype: Literal["float32", "float16"] = "float32"
    # Candidates per channel before the MaxSim rerank and fusion; recall needs more as the index grows.
    # bench/search.py: at 5,000 pages 400 gave recall@10 0.96; at 20,000 pages 400 gave 0.855, 800 gave
    # 0.935 and 1600 gave 0.975 (p95 355 ms).
    prefetch_limit: int = Field(default=1600, ge=1)
    rrf_k: int = Field(default=60, ge=1)
    hnsw_m: int = Field(default=16, ge=4)
    hnsw_ef_construct: int = Field(default=100, ge=4)
    hnsw_ef: int = Field(default=128, ge=1)  # search-time beam on the pooled and dense vectors
