"""The embedded twin: Qdrant's in-process engine (qdrant-edge) in one directory, owned by one process."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import qdrant_edge as qe

from retrieval.index.base import (
    DENSE,
    PAGE,
    PASSAGE,
    POOLED,
    SPARSE,
    VISUAL,
    Hit,
    IndexFilter,
    PageIndex,
    PagePoint,
    PageQuery,
    check_delete_where,
)
from retrieval.index.config import IndexConfig
from retrieval.index.embedded_schema import edge_config, edge_filter, payload_index_operations
from retrieval.index.hits import to_hits
from retrieval.index.lock import DirectoryLock


class EmbeddedIndex(PageIndex):
    def __init__(self, config: IndexConfig) -> None:
        if config.path is None:
            raise ValueError("the embedded index needs a directory: set IndexConfig.path")
        self.config = config
        self.path = Path(config.path)
        self._shard: qe.EdgeShard | None = None
        self._lock = DirectoryLock(self.path)
        self._lock.acquire()  # before the shard opens: qdrant-edge's own WAL lock gives a cryptic error
        try:
            if (self.path / "edge_config.json").exists():
                self._shard = qe.EdgeShard.load(str(self.path))
            else:
                self._shard = qe.EdgeShard.create(str(self.path), edge_config(config))
                for operation in payload_index_operations():
                    self._shard.update(operation)
        except BaseException:
            self._lock.release()
            raise
        self._params = qe.SearchParams(hnsw_ef=config.hnsw_ef)

    @property
    def shard(self) -> qe.EdgeShard:
        if self._shard is None:
            raise RuntimeError(f"the index at {self.path} is closed")
        return self._shard

    def upsert(self, points: Sequence[PagePoint]) -> None:
        if points:
            self.shard.update(qe.UpdateOperation.upsert_points([_edge_point(p) for p in points]))

    def delete(self, point_ids: Sequence[str]) -> None:
        if point_ids:
            self.shard.update(qe.UpdateOperation.delete_points(list(point_ids)))

    def delete_where(self, *, document_id: str | None = None, matter: str | None = None) -> None:
        key, value = check_delete_where(document_id, matter)
        match = qe.FieldCondition(key, match=qe.MatchValue(value))
        self.shard.update(qe.UpdateOperation.delete_points_by_filter(qe.Filter(must=[match])))

    def search(self, query: PageQuery, depth: int, filter: IndexFilter) -> dict[str, list[Hit]]:
        channels = query.channels()
        if not channels:
            raise ValueError("a page query needs at least one of multivector, dense_text, sparse_text")
        if not filter.matters:
            return {name: [] for name in channels}  # access control: no matter granted, nothing visible
        requests = [self._request(name, query, filter, depth) for name in channels]
        results = self.shard.query_batch(qe.QueryBatchRequest(requests))
        return {name: to_hits(points) for name, points in zip(channels, results, strict=True)}

    def _request(self, name: str, query: PageQuery, filter: IndexFilter, depth: int) -> qe.QueryRequest:
        flt = edge_filter(filter, kind=PAGE if name == VISUAL else PASSAGE)
        if name == VISUAL:
            vectors = query.multivector.tolist()  # type: ignore[union-attr]
            pooled = qe.Prefetch(
                limit=max(self.config.prefetch_limit, depth),
                query=qe.Query.Nearest(vectors, using=POOLED),
                filter=flt,
                params=self._params,
            )  # HNSW over the pooled vectors finds candidates; MaxSim on the full ones reranks them
            rerank = qe.Query.Nearest(vectors, using=VISUAL)
            return qe.QueryRequest(
                limit=depth, query=rerank, prefetches=[pooled], filter=flt, with_payload=True
            )
        if name == DENSE:
            nearest = qe.Query.Nearest(query.dense_text.tolist(), using=DENSE)  # type: ignore[union-attr]
            return qe.QueryRequest(
                limit=depth, query=nearest, filter=flt, params=self._params, with_payload=True
            )
        sparse = qe.SparseVector(query.sparse_text.indices, query.sparse_text.values)  # type: ignore[union-attr]
        return qe.QueryRequest(
            limit=depth, query=qe.Query.Nearest(sparse, using=SPARSE), filter=flt, with_payload=True
        )

    def facet(self, key: str, filter: IndexFilter, limit: int) -> dict[str, int]:
        if not filter.matters:
            return {}
        request = qe.FacetRequest(key, limit=limit, exact=True, filter=edge_filter(filter, lead=True))
        return {str(hit.value): int(hit.count) for hit in self.shard.facet(request).hits}

    def count(self, kind: str | None = None) -> int:
        flt = None if kind is None else qe.Filter(must=[qe.FieldCondition("kind", match=qe.MatchValue(kind))])
        return self.shard.count(qe.CountRequest(filter=flt, exact=True))

    def optimize(self) -> None:
        """Merge segments and build the HNSW graphs now (after a bulk load), not when the optimizer runs."""
        self.shard.optimize()

    def close(self) -> None:
        if self._shard is not None:
            self._shard.flush()
            self._shard.close()
            self._shard = None
        self._lock.release()


def _edge_point(point: PagePoint) -> qe.Point:
    vectors: dict[str, Any] = point.dense_vectors()
    if point.sparse_text is not None:
        vectors[SPARSE] = qe.SparseVector(point.sparse_text.indices, point.sparse_text.values)
    return qe.Point(point.id, vectors, point.payload)
