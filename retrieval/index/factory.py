"""The facade: one function that opens the backend a config names."""

from __future__ import annotations

from retrieval.index.base import PageIndex
from retrieval.index.config import IndexConfig


def open_index(config: IndexConfig) -> PageIndex:
    """Open (creating if needed) the index `config` describes. Raises IndexBusy for a held embedded index."""
    if config.backend == "embedded":
        from retrieval.index.embedded import EmbeddedIndex  # each twin imports only its own Qdrant package

        return EmbeddedIndex(config)
    from retrieval.index.server import ServerIndex

    return ServerIndex(config)
