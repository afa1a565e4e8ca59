"""The server twin: a Qdrant server through qdrant-client (its local mode stands in for tests)."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

from qdrant_client import QdrantClient, models

from retrieval.index.base import (
    DENSE,
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
from retrieval.index.hits import to_hits
from retrieval.index.server_schema import (
    hnsw_config,
    payload_indexes,
    server_filter,
    sparse_config,
    vectors_config,
)


def make_client(config: IndexConfig) -> QdrantClient:
    if config.url is not None:
        api_key = config.api_key.get_secret_value() if config.api_key else None
        return QdrantClient(url=config.url, api_key=api_key)
    if config.path is not None:
        return QdrantClient(path=str(config.path))
    return QdrantClient(location=":memory:")


class ServerIndex(PageIndex):
    def __init__(self, config: IndexConfig, client: QdrantClient | None = None) -> None:
        self.config = config
        self.collection = config.collection
        self._client = client or make_client(config)
        if not self._client.collection_exists(self.collection):
            self._create_collection()
        self._params = models.SearchParams(hnsw_ef=config.hnsw_ef)

    def _create_collection(self) -> None:
        self._client.create_collection(
            self.collection,
            vectors_config=vectors_config(self.config),
            sparse_vectors_config=sparse_config(),
            hnsw_config=hnsw_config(self.config),
        )
        with warnings.catch_warnings():  # local mode warns that payload indexes do nothing there
            warnings.simplefilter("ignore", UserWarning)
            for key, schema in payload_indexes().items():
                self._client.create_payload_index(self.collection, key, field_schema=schema)

    def upsert(self, points: Sequence[PagePoint]) -> None:
        if points:
            self._client.upsert(self.collection, [_server_point(p) for p in points], wait=True)

    def delete(self, point_ids: Sequence[str]) -> None:
        if point_ids:
            self._client.delete(self.collection, models.PointIdsList(points=list(point_ids)), wait=True)

    def delete_where(self, *, document_id: str | None = None, matter: str | None = None) -> None:
        key, value = check_delete_where(document_id, matter)
        match = models.FieldCondition(key=key, match=models.MatchValue(value=value))
        self._client.delete(
            self.collection, models.FilterSelector(filter=models.Filter(must=[match])), wait=True
        )

    def search(self, query: PageQuery, limit: int, filter: IndexFilter) -> list[Hit]:
        channels = query.channels()
        if not channels:
            raise ValueError("a page query needs at least one of multivector, dense_text, sparse_text")
        if not filter.matters:
            return []  # access control: no matter granted, nothing visible
        flt = server_filter(filter)
        depth = max(self.config.prefetch_limit, limit)
        stages = {name: self._stage(name, query, flt, depth) for name in channels}
        if len(stages) == 1:
            ((name, stage),) = stages.items()
            response = self._client.query_points(
                self.collection,
                query=stage.query,
                using=stage.using,
                prefetch=stage.prefetch,
                query_filter=flt,
                search_params=stage.params,
                limit=limit,
                with_payload=True,
            )
            return to_hits(response.points, {name: None})
        fused = models.QueryRequest(
            query=models.RrfQuery(rrf=models.Rrf(k=self.config.rrf_k)),
            prefetch=list(stages.values()),
            filter=flt,
            limit=limit,
            with_payload=True,
        )
        # The channel requests repeat the prefetches, to tell which channels found each fused hit.
        alone = [
            models.QueryRequest(
                query=s.query, using=s.using, prefetch=s.prefetch, filter=flt, params=s.params, limit=depth
            )
            for s in stages.values()
        ]
        results = self._client.query_batch_points(self.collection, [fused, *alone])
        return to_hits(results[0].points, {n: r.points for n, r in zip(stages, results[1:], strict=True)})

    def _stage(self, name: str, query: PageQuery, flt: models.Filter, depth: int) -> models.Prefetch:
        if name == VISUAL:
            vectors = query.multivector.tolist()  # type: ignore[union-attr]
            pooled = models.Prefetch(
                query=vectors, using=POOLED, filter=flt, params=self._params, limit=depth
            )
            # HNSW over the pooled vectors finds candidates; MaxSim on the full ones reranks them.
            return models.Prefetch(query=vectors, using=VISUAL, prefetch=[pooled], filter=flt, limit=depth)
        if name == DENSE:
            dense = query.dense_text.tolist()  # type: ignore[union-attr]
            return models.Prefetch(query=dense, using=DENSE, filter=flt, params=self._params, limit=depth)
        sparse = models.SparseVector(indices=query.sparse_text.indices, values=query.sparse_text.values)  # type: ignore[union-attr]
        return models.Prefetch(query=sparse, using=SPARSE, filter=flt, limit=depth)

    def count(self) -> int:
        return self._client.count(self.collection, exact=True).count

    def close(self) -> None:
        self._client.close()


def _server_point(point: PagePoint) -> models.PointStruct:
    vectors: dict[str, Any] = point.dense_vectors()
    if point.sparse_text is not None:
        vectors[SPARSE] = models.SparseVector(
            indices=point.sparse_text.indices, values=point.sparse_text.values
        )
    return models.PointStruct(id=point.id, vector=vectors, payload=point.payload)
