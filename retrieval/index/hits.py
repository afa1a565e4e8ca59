"""Scored points of either backend turned into Hits."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from retrieval.index.base import Hit


class Scored(Protocol):
    """What qdrant-edge's ScoredPoint and qdrant-client's ScoredPoint have in common."""

    @property
    def id(self) -> Any: ...
    @property
    def score(self) -> float: ...
    @property
    def payload(self) -> dict[str, Any] | None: ...


def to_hits(points: Sequence[Scored]) -> list[Hit]:
    hits: list[Hit] = []
    for point in points:
        payload = dict(point.payload or {})
        hits.append(
            Hit(
                point_id=str(point.id),
                document_id=str(payload.get("document_id", "")),
                page=int(payload.get("page", 0)),
                score=float(point.score),
                payload=payload,
            )
        )
    return hits
