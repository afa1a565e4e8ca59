"""Page and query embedders: ColPali-family multi-vectors, BM25 sparse and dense text vectors."""

from retrieval.embedders.config import EmbedderConfig

__all__ = ["EmbedderConfig"]
