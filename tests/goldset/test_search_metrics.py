"""Ranking metrics against hand-computed values, the aggregate over a query set, and the gate."""

from __future__ import annotations

import json
import math

import pytest

from goldset.queries import RelevantDocument, RelevantPage, SearchQuery
from goldset.search_metrics import (
    RankedResult,
    SearchMetrics,
    bootstrap_mean,
    ndcg_at_k,
    recall_at_k,
    reciprocal_rank,
    regressed_metrics,
    score_rankings,
)

LOG3 = math.log2(3)


def test_ndcg_of_a_swapped_pair() -> None:
    # DCG of [b, a]: (2**1 - 1) / log2(2) + (2**2 - 1) / log2(3); ideal [a, b]: 3 / 1 + 1 / log2(3)
    expected = (1 + 3 / LOG3) / (3 + 1 / LOG3)
    assert ndcg_at_k(["b", "a"], {"a": 2, "b": 1}, 5) == pytest.approx(expected)
    assert expected == pytest.approx(0.79670, abs=1e-5)
    assert ndcg_at_k(["a", "b"], {"a": 2, "b": 1}, 5) == pytest.approx(1.0)


def test_ndcg_discounts_irrelevant_items_ahead_and_cuts_at_k() -> None:
    assert ndcg_at_k(["x", "a"], {"a": 1}, 5) == pytest.approx(1 / LOG3)
    assert ndcg_at_k(["x", "y", "a"], {"a": 1}, 2) == 0.0
    # The ideal is cut at k too: two relevant items, one slot.
    assert ndcg_at_k(["b"], {"a": 1, "b": 1}, 1) == pytest.approx(1.0)


def test_ndcg_is_zero_without_relevant_items_and_counts_a_repeat_once() -> None:
    assert ndcg_at_k(["a", "b"], {}, 5) == 0.0
    assert ndcg_at_k([], {"a": 1}, 5) == 0.0
    # [a, a] must not earn a's gain twice: DCG 1, ideal 1 + 1/log2(3).
    assert ndcg_at_k(["a", "a"], {"a": 1, "b": 1}, 5) == pytest.approx(1 / (1 + 1 / LOG3))
    with pytest.raises(ValueError, match="k must be"):
        ndcg_at_k(["a"], {"a": 1}, 0)


def test_recall_at_k() -> None:
    assert recall_at_k(["a", "x", "b", "c"], {"a", "b", "c", "d"}, 3) == pytest.approx(0.5)
    assert recall_at_k(["a", "a", "a"], {"a", "b"}, 3) == pytest.approx(0.5)
    assert recall_at_k(["a"], set(), 10) == 0.0
    assert recall_at_k([], {"a"}, 10) == 0.0


def test_reciprocal_rank() -> None:
    assert reciprocal_rank(["x", "y", "a", "b"], {"a", "b"}) == pytest.approx(1 / 3)
    assert reciprocal_rank(["x", "x", "a"], {"a"}) == pytest.approx(1 / 2)  # a repeat takes no rank
    assert reciprocal_rank(["x"], {"a"}) == 0.0


def _query(qid: str, documents: dict[str, dict[int, int]], category: str | None = "c") -> SearchQuery:
    relevant = [
        RelevantDocument(document=d, pages=[RelevantPage(page=p, grade=g) for p, g in pages.items()])
        for d, pages in documents.items()
    ]
    return SearchQuery(id=qid, split="dev", text=f"text of {qid}", category=category, relevant=relevant)


def test_score_rankings_means_abstentions_categories_and_rows() -> None:
    queries = [
        _query("q1", {"a": {2: 2}}, "x"),
        _query("q2", {"b": {}}, "y"),  # relevant, no page known: page level leaves it out
        _query("q3", {}, None),  # unanswerable
    ]
    rankings = {
        "q1": RankedResult(documents=["a"], pages=["a#1", "a#2"], answered=True, top_score=0.9),
        "q2": RankedResult(documents=["x", "b"], pages=["b#1"], answered=False, top_score=0.1),
        "q3": RankedResult(documents=["a"], pages=["a#1"], answered=False, top_score=0.2),
    }
    metrics = score_rankings(queries, rankings)
    assert (metrics.queries, metrics.answerable, metrics.unanswerable) == (3, 2, 1)
    assert metrics.documents is not None and metrics.pages is not None
    assert metrics.documents.queries == 2 and metrics.pages.queries == 1
    assert metrics.documents.ndcg_at_5.mean == pytest.approx((1 + 1 / LOG3) / 2)
    assert metrics.documents.mrr.mean == pytest.approx(0.75)
    assert metrics.documents.recall_at_10.mean == pytest.approx(1.0)
    assert metrics.pages.ndcg_at_5.mean == pytest.approx(3 / LOG3 / 3)
    assert metrics.pages.mrr.mean == pytest.approx(0.5)
    assert metrics.categories == {"x": pytest.approx(1.0), "y": pytest.approx(1 / LOG3)}
    assert metrics.correct_abstentions == 1.0
    assert metrics.false_abstentions == 0.5
    q2, q3 = metrics.rows[1], metrics.rows[2]
    assert q2.pages is None and q2.documents is not None and q2.documents.rr == 0.5
    assert q3.documents is None and q3.top_score == 0.2 and not q3.answered
    again = SearchMetrics.model_validate(json.loads(json.dumps(metrics.model_dump(mode="json"))))
    assert again == metrics


def test_a_query_without_a_ranking_is_an_error_not_a_zero() -> None:
    with pytest.raises(ValueError, match="no ranking for 1 queries: q2"):
        score_rankings(
            [_query("q1", {"a": {}}), _query("q2", {"a": {}})],
            {"q1": RankedResult(documents=["a"], answered=True)},
        )


def test_only_unanswerable_queries_give_no_levels() -> None:
    metrics = score_rankings([_query("q", {})], {"q": RankedResult(documents=[], answered=True)})
    assert metrics.documents is None and metrics.pages is None
    assert metrics.correct_abstentions == 0.0 and metrics.false_abstentions is None


def test_bootstrap_interval_holds_the_mean_and_is_deterministic() -> None:
    values = [0.0, 0.1, 0.5, 0.5, 0.9, 1.0, 1.0, 0.3, 0.7, 0.2] * 3
    first = bootstrap_mean(values)
    assert first == bootstrap_mean(values)
    assert first.low < first.mean < first.high
    assert first.mean == pytest.approx(sum(values) / len(values))
    assert first.high - first.low < 0.5  # 30 values: a real interval, not [0, 1]
    assert bootstrap_mean([0.4]).model_dump() == {"mean": 0.4, "low": 0.4, "high": 0.4}
    with pytest.raises(ValueError):
        bootstrap_mean([])


N = 40


def _metrics(ranks: list[int | None]) -> SearchMetrics:
    """A run over N one-document queries, each query's relevant document (and page) at its given rank."""
    queries = [_query(f"q{i}", {f"d{i}": {1: 2}}) for i in range(N)]
    rankings = {}
    for i, rank in enumerate(ranks):
        others = [f"other{j}" for j in range(12)]
        if rank is not None:
            others.insert(rank - 1, f"d{i}")
        rankings[f"q{i}"] = RankedResult(documents=others, pages=[f"{d}#1" for d in others], answered=True)
    return score_rankings(queries, rankings)


BASELINE_RANKS = [1, 1, 2, 1, 3, 1, None, 1, 2, 5] * 4


def test_the_gate_flags_a_clear_drop() -> None:
    worse = [None if r is None else min(r + 4, 12) for r in BASELINE_RANKS]
    assert regressed_metrics(_metrics(worse), _metrics(BASELINE_RANKS)) == [
        "documents.ndcg_at_5",
        "documents.ndcg_at_10",
        "documents.mrr",
        "pages.ndcg_at_5",
    ]  # recall@10 holds: every document is still in the first ten


def test_the_gate_lets_a_tiny_drop_pass() -> None:
    slightly = list(BASELINE_RANKS)
    slightly[0] = 2
    assert regressed_metrics(_metrics(slightly), _metrics(BASELINE_RANKS)) == []


def test_a_perfect_baseline_is_not_tripped_by_one_query_but_is_by_two() -> None:
    perfect = _metrics([1] * N)
    assert perfect.documents is not None and perfect.documents.mrr.low == 1.0
    one = [2] + [1] * (N - 1)
    assert regressed_metrics(_metrics(one), perfect) == []
    two = [2, 2] + [1] * (N - 2)
    assert "documents.mrr" in regressed_metrics(_metrics(two), perfect)


def test_a_level_without_grades_is_not_judged() -> None:
    queries = [_query(f"q{i}", {f"d{i}": {}}) for i in range(N)]
    no_pages = score_rankings(queries, {q.id: RankedResult(documents=[], answered=False) for q in queries})
    assert no_pages.pages is None
    assert "pages.ndcg_at_5" not in regressed_metrics(no_pages, _metrics(BASELINE_RANKS))
