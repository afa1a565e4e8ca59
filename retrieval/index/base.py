"""The page-index contract: points, queries, filters, hits and the abstract `PageIndex`.

A point is one page, or one passage of a page, of one document in one matter. A page point carries the
full ColPali multi-vector and its pooled summary (for the HNSW prefetch); a passage point carries a dense
text vector and a BM25 sparse vector, with its text and boxes in the payload. So the visual channel
ranks pages and the text channels rank passages; `retrieval.fusion` brings them together per page. A
page embedded without a ColPali model simply has no page point.
"""

from __future__ import annotations

import datetime as dt
import uuid
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

# Fixed forever: changing it would give every page a new id and duplicate the whole index.
_ID_NAMESPACE = uuid.UUID("6f1d2c8e-52a4-4f0e-9a57-0b3c1d9e4a21")

VISUAL, POOLED, DENSE, SPARSE = "visual", "pooled", "dense", "sparse"  # vector names in both backends
CHANNELS = (VISUAL, DENSE, SPARSE)  # what a Hit reports as having found it
PAGE, PASSAGE = "page", "passage"  # the payload `kind` of a point
TEXT_CHANNELS = (DENSE, SPARSE)  # the channels that rank passages


class IndexBusy(RuntimeError):  # noqa: N818 - reads as the state, like FileExistsError
    """Another process holds the embedded index directory."""


def page_point_id(matter: str, sha256: str, page: int) -> str:
    """The deterministic point id of one page: re-indexing a page overwrites it instead of adding one."""
    return str(uuid.uuid5(_ID_NAMESPACE, f"{matter}\x1f{sha256}\x1f{page}"))


def passage_point_id(matter: str, sha256: str, page: int, passage: int) -> str:
    return str(uuid.uuid5(_ID_NAMESPACE, f"{matter}\x1f{sha256}\x1f{page}\x1f{passage}"))


class SparseVector(BaseModel):
    model_config = ConfigDict(frozen=True)

    indices: list[int]
    values: list[float]


class PagePoint(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True, extra="forbid")

    id: str
    multivector: np.ndarray | None = None  # (tokens, visual_dim), L2-normalised rows
    pooled: np.ndarray | None = None  # (pooled_tokens, visual_dim)
    dense_text: np.ndarray | None = None  # (text_dim,)
    sparse_text: SparseVector | None = None
    # document_id, page, matter, kind (+ a passage's text and boxes) + the filterable fields of page_payload()
    payload: dict[str, Any]

    def dense_vectors(self) -> dict[str, list[Any]]:
        """The point's dense and multi-vectors by name, as the Qdrant clients take them (lists)."""
        given = {VISUAL: self.multivector, POOLED: self.pooled, DENSE: self.dense_text}
        return {name: vector.tolist() for name, vector in given.items() if vector is not None}


class PageQuery(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True, extra="forbid")

    multivector: np.ndarray | None = None  # (query_tokens, visual_dim)
    dense_text: np.ndarray | None = None  # (text_dim,)
    sparse_text: SparseVector | None = None

    def channels(self) -> list[str]:
        given = {VISUAL: self.multivector, DENSE: self.dense_text, SPARSE: self.sparse_text}
        return [name for name in CHANNELS if given[name] is not None]


class IndexFilter(BaseModel):
    """Which pages a search may return. `matters` is access control: always applied, empty sees nothing."""

    model_config = ConfigDict(extra="forbid")

    matters: list[str]
    contract_type: str | None = None
    party: str | None = None  # exact party name as extracted
    governing_law: str | None = None
    effective_from: dt.date | None = None  # inclusive bounds
    effective_to: dt.date | None = None
    expires_from: dt.date | None = None
    expires_to: dt.date | None = None
    value_min: float | None = None
    value_max: float | None = None
    clauses_present: list[str] = Field(default_factory=list)  # clause slugs the document must have
    clauses_absent: list[str] = Field(default_factory=list)  # slugs it must be known to lack
    phrases: list[str] = Field(default_factory=list)  # exact phrases a passage must contain (text channels)


class Hit(BaseModel):
    point_id: str
    document_id: str
    page: int
    score: float  # the channel's own score: MaxSim (visual), cosine (dense) or BM25 (sparse)
    payload: dict[str, Any] = Field(default_factory=dict)


class PageIndex(ABC):
    """Pages by vector, filtered by matter and extracted terms. Both twins pass tests/retrieval/."""

    @abstractmethod
    def upsert(self, points: Sequence[PagePoint]) -> None:
        """Insert or overwrite points by id."""

    @abstractmethod
    def delete(self, point_ids: Sequence[str]) -> None:
        """Remove points; missing ids are not an error."""

    @abstractmethod
    def delete_where(self, *, document_id: str | None = None, matter: str | None = None) -> None:
        """Remove every page of a document, or of a whole matter (exactly one of the two)."""

    @abstractmethod
    def search(self, query: PageQuery, depth: int, filter: IndexFilter) -> dict[str, list[Hit]]:
        """Each channel of the query's own ranking, best first, `depth` long: pages for the visual channel
        (candidates from the pooled vectors, reranked by MaxSim), passages for the text channels."""

    @abstractmethod
    def facet(self, key: str, filter: IndexFilter, limit: int) -> dict[str, int]:
        """How many documents passing `filter` hold each value of the keyword field `key`."""

    @abstractmethod
    def count(self, kind: str | None = None) -> int:
        """Number of points; with `kind` (page or passage), of that kind only."""

    @abstractmethod
    def close(self) -> None:
        """Flush and release the index (and its directory lock)."""

    def __enter__(self) -> PageIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def check_delete_where(document_id: str | None, matter: str | None) -> tuple[str, str]:
    if (document_id is None) == (matter is None):
        raise ValueError("delete_where takes exactly one of document_id or matter")
    return ("document_id", document_id) if document_id is not None else ("matter", matter)  # type: ignore[return-value]
