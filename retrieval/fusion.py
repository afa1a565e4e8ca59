"""Each channel's ranking (pages for visual, passages for text) fused into documents of pages.

Reciprocal-rank fusion per page: a page's rank in a text channel is the rank of its best passage there,
counted in pages. The order is total and stable: ties go to the lower document id, then the lower page,
so the same question over the same index always lists the same hits in the same order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from retrieval.index.base import DENSE, TEXT_CHANNELS, Hit


@dataclass
class PageMatch:
    document_id: str
    page: int
    score: float  # reciprocal-rank fusion over the channels that found the page
    channels: list[str]
    payload: dict  # the page's (or its best passage's) payload: the document's terms
    passage: Hit | None = None  # the page's best passage in the text channels: the snippet and its boxes
    dense: float | None = None  # the best cosine of a passage of this page to the question


@dataclass
class DocumentMatch:
    document_id: str
    pages: list[PageMatch] = field(default_factory=list)  # best first

    @property
    def score(self) -> float:
        return self.pages[0].score

    @property
    def dense(self) -> float | None:
        """The document's best passage cosine: what the relevance calibration reads."""
        found = [page.dense for page in self.pages if page.dense is not None]
        return max(found) if found else None


def _order(document_id: str) -> tuple[int, str]:
    return (int(document_id), "") if document_id.isdigit() else (0, document_id)


def _page_ranks(hits: Sequence[Hit]) -> dict[tuple[str, int], tuple[int, Hit]]:
    """Each page's rank in one channel, counted in pages, with the hit that ranked it first."""
    ranks: dict[tuple[str, int], tuple[int, Hit]] = {}
    for hit in hits:
        ranks.setdefault((hit.document_id, hit.page), (len(ranks) + 1, hit))
    return ranks


def _best_passages(channels: Mapping[str, Sequence[Hit]], k: int) -> dict[tuple[str, int], Hit]:
    """Per page, the passage the text channels agree on most (reciprocal-rank fusion over passages)."""
    score: dict[str, float] = {}
    by_id: dict[str, Hit] = {}
    for name in TEXT_CHANNELS:
        for rank, hit in enumerate(channels.get(name, ()), start=1):
            score[hit.point_id] = score.get(hit.point_id, 0.0) + 1.0 / (k + rank)
            by_id.setdefault(hit.point_id, hit)
    best: dict[tuple[str, int], Hit] = {}
    for point_id in sorted(score, key=lambda pid: (-score[pid], pid)):
        hit = by_id[point_id]
        best.setdefault((hit.document_id, hit.page), hit)
    return best


def fuse(channels: Mapping[str, Sequence[Hit]], k: int) -> list[DocumentMatch]:
    """Documents best first, each with its matching pages best first."""
    pages: dict[tuple[str, int], PageMatch] = {}
    for name, hits in channels.items():
        for key, (rank, first) in _page_ranks(hits).items():
            if key not in pages:
                pages[key] = PageMatch(key[0], key[1], 0.0, [], first.payload)
            pages[key].score += 1.0 / (k + rank)
            pages[key].channels.append(name)
    for hit in channels.get(DENSE, ()):
        page = pages[(hit.document_id, hit.page)]
        page.dense = hit.score if page.dense is None else max(page.dense, hit.score)
    for key, passage in _best_passages(channels, k).items():
        pages[key].passage = passage
    documents: dict[str, DocumentMatch] = {}
    for page in sorted(pages.values(), key=lambda p: (-p.score, _order(p.document_id), p.page)):
        documents.setdefault(page.document_id, DocumentMatch(page.document_id)).pages.append(page)
    return sorted(documents.values(), key=lambda d: (-d.score, _order(d.document_id)))
