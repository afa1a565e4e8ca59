"""Settings of the embedders, passed down from the faces (nothing here reads the environment)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class EmbedderConfig(BaseModel):
    """Which models embed pages and queries, where their weights are, and how they run.

    `colpali_model` is a local directory or a Hugging Face repo id already in the local cache (nothing is
    downloaded). When it holds a LoRA adapter, `colpali_base` names the local base model it applies to.
    Without `colpali_model` the pipeline indexes and searches text only.
    """

    model_config = ConfigDict(extra="forbid")

    colpali_model: str | None = None  # e.g. "vidore/colqwen2.5-v0.2" (an adapter) or a directory
    colpali_base: str | None = None  # e.g. a local copy of "vidore/colqwen2.5-base"
    text_model: str | None = None  # a sentence-transformers directory; None: the packaged all-MiniLM-L6-v2
    device: str = "cpu"  # "cuda", "cuda:1", "cpu"; bf16 on GPU, fp32 on CPU
    batch_size: int = Field(default=4, ge=1)
    max_visual_tokens: int | None = Field(default=None, ge=4)  # caps page resolution (Qwen family)
    # How the full page multi-vector is summarised for the HNSW prefetch (the full one reranks).
    pooling: Literal["rows_cols", "hierarchical"] = "rows_cols"
    pool_factor: int = Field(default=4, ge=1)  # hierarchical: tokens per pooled vector
    # Passages: tesseract paragraphs, short ones joined, long ones cut (MiniLM reads ~180 words).
    passage_min_words: int = Field(default=20, ge=1)
    passage_max_words: int = Field(default=120, ge=8)
    bm25_k1: float = 1.2
    bm25_b: float = 0.75
    bm25_avg_words: float = Field(default=60.0, gt=0)  # a typical passage; fixed so vectors are stable
