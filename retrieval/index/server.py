"""The server twin: a Qdrant server through qdrant-client (its local mode stands in for tests)."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

from qdrant_client import QdrantClient, models

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

    def search(self, query: PageQuery, depth: int, filter: IndexFilter) -> dict[str, list[Hit]]:
        channels = query.channels()
        if not channels:
            raise ValueError("a page query needs at least one of multivector, dense_text, sparse_text")
        if not filter.matters:
            return {name: [] for name in channels}  # access control: no matter granted, nothing visible
        requests = [self._request(name, query, filter, depth) for name in channels]
        results = self._client.query_batch_points(self.collection, requests)
        return {name: to_hits(r.points) for name, r in zip(channels, results, strict=True)}

    def _request(self, name: str, query: PageQuery, filter: IndexFilter, depth: int) -> models.QueryRequest:
        flt = server_filter(filter, kind=PAGE if name == VISUAL else PASSAGE)
        if name == VISUAL:
            vectors = query.multivector.tolist()  # type: ignore[union-attr]
            pooled = models.Prefetch(
                query=vectors,
                using=POOLED,
                filter=flt,
                params=self._params,
                limit=max(self.config.prefetch_limit, depth),
            )
            # HNSW over the pooled vectors finds candidates; MaxSim on the full ones reranks them.
            return models.QueryRequest(
                query=vectors, using=VISUAL, prefetch=[pooled], filter=flt, limit=depth, with_payload=True
            )
        if name == DENSE:
            dense = query.dense_text.tolist()  # type: ignore[union-attr]
            return models.QueryRequest(
                query=dense, using=DENSE, filter=flt, params=self._params, limit=depth, with_payload=True
            )
        sparse = models.SparseVector(indices=query.sparse_text.indices, values=query.sparse_text.values)  # type: ignore[union-attr]
        return models.QueryRequest(query=sparse, using=SPARSE, filter=flt, limit=depth, with_payload=True)

    def facet(self, key: str, filter: IndexFilter, limit: int) -> dict[str, int]:
        if not filter.matters:
            return {}
        response = self._client.facet(
            self.collection, key, facet_filter=server_filter(filter, lead=True), limit=limit, exact=True
        )
        return {str(hit.value): int(hit.count) for hit in response.hits}

    def count(self, kind: str | None = None) -> int:
        flt = None
        if kind is not None:
            flt = models.Filter(must=[models.FieldCondition(key="kind", match=models.MatchValue(value=kind))])
        return self._client.count(self.collection, count_filter=flt, exact=True).count

    def close(self) -> None:
        self._client.close()


def _server_point(point: PagePoint) -> models.PointStruct:
    vectors: dict[str, Any] = point.dense_vectors()
    if point.sparse_text is not None:
        vectors[SPARSE] = models.SparseVector(
            indices=point.sparse_text.indices, values=point.sparse_text.values
        )
    return models.PointStruct(id=point.id, vector=vectors, payload=point.payload)
