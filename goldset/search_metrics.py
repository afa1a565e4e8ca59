"""Ranking metrics for a query set: nDCG, recall, reciprocal rank, abstention, and the regression gate.

Items are opaque strings (documents by file name, pages as `goldset.queries.page_item`), so one set of
functions scores both levels. Answerable queries give the ranking figures, each a mean over queries with a
95 % percentile bootstrap interval (queries resampled with replacement, DRAWS seeded draws): the query set
is small, and a change of a few hundredths must be told apart from which queries happened to be asked.
Unanswerable queries give the abstention figure: did search say that nothing answers well.

A headline figure REGRESSES (`regressed_metrics`) as an extraction field does in `goldset.gate`: the
current mean is below the lower end of the baseline's interval, and stays below after forgiving any ONE
query (its current value replaced by the baseline's), so a baseline perfect on a level, whose interval
collapses to [1, 1], is not tripped by a single query.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence

import numpy as np
from pydantic import BaseModel, Field

from goldset.queries import SearchQuery

DRAWS = 1000
SEED = 0
LEVEL = 0.95
# The figures the gate watches, as "<level>.<figure>" of SearchMetrics.
HEADLINE = (
    "documents.ndcg_at_5",
    "documents.ndcg_at_10",
    "documents.recall_at_10",
    "documents.mrr",
    "pages.ndcg_at_5",
)
# Each level figure is the mean of one per-query score.
_PER_QUERY = {
    "ndcg_at_5": "ndcg_at_5",
    "ndcg_at_10": "ndcg_at_10",
    "recall_at_10": "recall_at_10",
    "mrr": "rr",
}


def _first_k(ranked: Sequence[str], k: int) -> list[str]:
    """The first k distinct items: a ranking that repeats an item must not earn its gain twice."""
    if k < 1:
        raise ValueError(f"k must be at least 1, not {k}")
    return list(dict.fromkeys(ranked))[:k]


def _dcg(grades: Sequence[int]) -> float:
    return sum((2**grade - 1) / math.log2(rank + 2) for rank, grade in enumerate(grades))


def ndcg_at_k(ranked: Sequence[str], grades: Mapping[str, int], k: int) -> float:
    """Normalised DCG of the first k items (gain 2**grade - 1, log2 discount); 0.0 if nothing is relevant."""
    top = _first_k(ranked, k)
    ideal = _dcg(sorted((g for g in grades.values() if g > 0), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    return _dcg([grades.get(item, 0) for item in top]) / ideal


def recall_at_k(ranked: Sequence[str], relevant: Collection[str], k: int) -> float:
    """Share of the relevant items among the first k; 0.0 when nothing is relevant."""
    if not relevant:
        return 0.0
    return len(set(_first_k(ranked, k)) & set(relevant)) / len(set(relevant))


def reciprocal_rank(ranked: Sequence[str], relevant: Collection[str]) -> float:
    """1 / rank of the first relevant item; 0.0 when none is ranked."""
    for rank, item in enumerate(dict.fromkeys(ranked), start=1):
        if item in relevant:
            return 1 / rank
    return 0.0


class RankedResult(BaseModel):
    """What a search returned for one query."""

    documents: list[str] = Field(description="Document file names, best first.")
    pages: list[str] = Field(default_factory=list, description="Page items (page_item), best first.")
    answered: bool = Field(
        description="Whether search said it found a good answer (best hit over the floor)."
    )
    top_score: float | None = Field(default=None, description="The best hit's score, when there was one.")


class QueryScores(BaseModel):
    ndcg_at_5: float
    ndcg_at_10: float
    recall_at_10: float
    rr: float


class QueryRow(BaseModel):
    """One query's outcome; documents and pages are None where the query has no grades at that level."""

    id: str
    text: str
    category: str | None
    answered: bool
    top_score: float | None
    documents: QueryScores | None
    pages: QueryScores | None


class Estimate(BaseModel):
    mean: float
    low: float  # 95 % bootstrap interval over queries
    high: float


class LevelMetrics(BaseModel):
    queries: int
    ndcg_at_5: Estimate
    ndcg_at_10: Estimate
    recall_at_10: Estimate
    mrr: Estimate


class SearchMetrics(BaseModel):
    queries: int
    answerable: int
    unanswerable: int
    documents: LevelMetrics | None  # None without answerable queries
    pages: LevelMetrics | None  # over the answerable queries that grade pages; None when none does
    categories: dict[str, float] = Field(description="Mean document nDCG@5 per query category.")
    correct_abstentions: float | None = Field(description="Share of unanswerable queries not answered.")
    false_abstentions: float | None = Field(description="Share of answerable queries not answered.")
    rows: list[QueryRow]


def _scores(ranked: Sequence[str], grades: Mapping[str, int]) -> QueryScores | None:
    if not grades:
        return None
    return QueryScores(
        ndcg_at_5=ndcg_at_k(ranked, grades, 5),
        ndcg_at_10=ndcg_at_k(ranked, grades, 10),
        recall_at_10=recall_at_k(ranked, grades, 10),
        rr=reciprocal_rank(ranked, grades),
    )


def bootstrap_mean(values: Sequence[float], *, draws: int = DRAWS, seed: int = SEED) -> Estimate:
    """The mean of `values` and its percentile bootstrap interval (values resampled with replacement)."""
    data = np.asarray(values, dtype=float)  # (queries,)
    if data.size == 0:
        raise ValueError("no values to estimate a mean from")
    rng = np.random.default_rng(seed)
    means = data[rng.integers(0, data.size, size=(draws, data.size))].mean(axis=1)  # (draws,)
    tail = (1 - LEVEL) / 2
    low, high = np.quantile(means, [tail, 1 - tail])
    return Estimate(mean=float(data.mean()), low=float(low), high=float(high))


def _level(scores: list[QueryScores]) -> LevelMetrics | None:
    if not scores:
        return None
    estimates = {
        figure: bootstrap_mean([getattr(s, field) for s in scores]) for figure, field in _PER_QUERY.items()
    }
    return LevelMetrics(queries=len(scores), **estimates)


def _share(flags: list[bool]) -> float | None:
    return sum(flags) / len(flags) if flags else None


def score_rankings(queries: list[SearchQuery], rankings: Mapping[str, RankedResult]) -> SearchMetrics:
    """Score every query's ranking; a query without one is an error (a runner bug, not a zero)."""
    missing = [q.id for q in queries if q.id not in rankings]
    if missing:
        raise ValueError(f"no ranking for {len(missing)} queries: {', '.join(missing[:10])}")
    rows = []
    for query in queries:
        result = rankings[query.id]
        rows.append(
            QueryRow(
                id=query.id,
                text=query.text,
                category=query.category,
                answered=result.answered,
                top_score=result.top_score,
                documents=_scores(result.documents, query.document_grades()),
                pages=_scores(result.pages, query.page_grades()),
            )
        )
    scored = [(row, row.documents) for row in rows if row.documents is not None]  # the answerable ones
    unanswerable = [row for row in rows if row.documents is None]
    by_category: dict[str, list[float]] = {}
    for row, scores in scored:
        if row.category is not None:
            by_category.setdefault(row.category, []).append(scores.ndcg_at_5)
    return SearchMetrics(
        queries=len(rows),
        answerable=len(scored),
        unanswerable=len(unanswerable),
        documents=_level([scores for _, scores in scored]),
        pages=_level([row.pages for row, _ in scored if row.pages is not None]),
        categories={name: float(np.mean(values)) for name, values in sorted(by_category.items())},
        correct_abstentions=_share([not row.answered for row in unanswerable]),
        false_abstentions=_share([not row.answered for row, _ in scored]),
        rows=rows,
    )


def _per_query(metrics: SearchMetrics, level: str, figure: str) -> dict[str, float]:
    field = _PER_QUERY[figure]
    return {
        row.id: getattr(scores, field) for row in metrics.rows if (scores := getattr(row, level)) is not None
    }


def _best_with_one_forgiven(current: dict[str, float], baseline: dict[str, float]) -> float:
    """The current mean after replacing the one query whose baseline value helps most by that value."""
    total = sum(current.values())
    gain = max((baseline[q] - value for q, value in current.items() if q in baseline), default=0.0)
    return (total + max(gain, 0.0)) / len(current)


def regressed_metrics(current: SearchMetrics, baseline: SearchMetrics) -> list[str]:
    """The HEADLINE figures whose current mean falls below the baseline's interval, even with one query
    forgiven. A level either run lacks (no page grades) is not judged."""
    regressed = []
    for name in HEADLINE:
        level, figure = name.split(".")
        now, base = getattr(current, level), getattr(baseline, level)
        if now is None or base is None:
            continue
        floor = getattr(base, figure).low
        if getattr(now, figure).mean >= floor:
            continue
        forgiven = _best_with_one_forgiven(
            _per_query(current, level, figure), _per_query(baseline, level, figure)
        )
        if forgiven < floor:
            regressed.append(name)
    return regressed
