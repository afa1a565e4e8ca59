"""Scored points of either backend turned into Hits, with the channels that found each one."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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


def to_hits(points: Sequence[Scored], channels: Mapping[str, Sequence[Scored] | None]) -> list[Hit]:
    """`channels` maps a channel to its own candidates, or to None when it alone produced `points`."""
    found = {name: None if got is None else {str(p.id) for p in got} for name, got in channels.items()}
    hits: list[Hit] = []
    for point in points:
        payload = dict(point.payload or {})
        point_id = str(point.id)
        hits.append(
            Hit(
                point_id=point_id,
                document_id=str(payload.get("document_id", "")),
                page=int(payload.get("page", 0)),
                score=float(point.score),
                channels=[name for name, ids in found.items() if ids is None or point_id in ids],
                payload=payload,
            )
        )
    return hits
