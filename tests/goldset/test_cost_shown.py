"""The run's cost in the scorer, the report and the comparison: tokens per page, and dollars or "unpriced"
(naming the model), never a $0 that an unpriced model would make."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from goldset.engine_ranking import CandidateResult, knee, write_comparison
from goldset.labels import GoldDocument
from goldset.metrics import Metrics
from goldset.report import write_report
from goldset.score import PageStats, Prediction, score


def _scored(gold: list[GoldDocument], stats: list[PageStats]) -> Metrics:
    test = [doc for doc in gold if doc.split == "test"][: len(stats)]
    predictions = {
        doc.document: Prediction(fields=doc.fields, stats=s) for doc, s in zip(test, stats, strict=True)
    }
    return score(predictions, test, engine="cascade")


def test_one_unpriced_document_leaves_the_run_unpriced_and_named(gold: list[GoldDocument], tmp_path: Path):
    metrics = _scored(
        gold,
        [
            PageStats(pages=2, tokens_in=4000, tokens_out=300, cost_usd=0.004),
            PageStats(pages=2, escalated_pages=1, tokens_in=5000, tokens_out=500, unpriced_models=["large"]),
        ],
    )
    assert metrics.cost is not None
    assert metrics.cost.cost_per_1000_pages is None and metrics.cost.unpriced_models == ["large"]
    assert metrics.cost.tokens_in_per_page == pytest.approx(2250) and metrics.cost.cost_basis is None
    html, metrics_json = write_report(metrics, tmp_path)
    page = html.read_text()
    assert "unpriced (no price for: large)" in page and "$0" not in page
    assert json.loads(metrics_json.read_text())["cost"]["unpriced_models"] == ["large"]


def test_a_priced_run_says_whether_its_figure_is_measured_or_estimated(
    gold: list[GoldDocument], tmp_path: Path
):
    measured = _scored(gold, [PageStats(pages=4, tokens_in=8000, tokens_out=400, cost_usd=0.02)])
    assert measured.cost is not None and measured.cost.cost_per_1000_pages == pytest.approx(5.0)
    assert measured.cost.cost_basis == "measured"
    estimated = _scored(gold, [PageStats(pages=4, cost_usd=0.02, cost_estimated=True)])
    assert estimated.cost is not None and estimated.cost.cost_basis == "estimated"
    html, _ = write_report(estimated, tmp_path)
    assert "$5.00 (estimated)" in html.read_text()


def test_a_cpu_engine_has_no_cost_and_no_unpriced_model(gold: list[GoldDocument]):
    metrics = _scored(gold, [PageStats(pages=3)])
    assert metrics.cost is not None and metrics.cost.cost_per_1000_pages is None
    assert metrics.cost.unpriced_models == []


def _candidate(
    name: str, f1: float, cost: float | None, unpriced: list[str] | None = None
) -> CandidateResult:
    return CandidateResult(
        name=name,
        engine_version=name,
        micro_f1=f1,
        macro_f1=f1,
        cost_per_1000_pages=cost,
        escalation_rate=0.1,
        report=f"{name}/report.html",
        tokens_in_per_page=2100.0,
        tokens_out_per_page=180.0,
        unpriced_models=unpriced or [],
        cost_basis="measured" if cost is not None else None,
    )


def test_the_comparison_shows_tokens_and_cost_or_unpriced_per_candidate(tmp_path: Path):
    candidates = [
        _candidate("small", 0.85, 1.0),
        _candidate("large", 0.95, None, ["Qwen/Qwen2.5-VL-72B-Instruct-AWQ"]),
        _candidate("cascade", 0.93, None, ["Qwen/Qwen2.5-VL-72B-Instruct-AWQ"]),
        _candidate("rules", 0.80, None),
    ]
    assert knee(candidates) is None  # only priced candidates make the curve
    html, json_path = write_comparison(candidates, tmp_path)
    page = html.read_text()
    assert "unpriced (no price for: Qwen/Qwen2.5-VL-72B-Instruct-AWQ)" in page and "$0" not in page
    assert "2,100 / 180" in page and "$1.00 (measured)" in page and "CPU only" in page
    ranking = {c["name"]: c for c in json.loads(json_path.read_text())["candidates"]}
    assert ranking["large"]["cost_per_1000_pages"] is None
    assert ranking["large"]["unpriced_models"] == ["Qwen/Qwen2.5-VL-72B-Instruct-AWQ"]
    assert ranking["large"]["cost"].startswith("unpriced") and ranking["large"]["f1_per_dollar"] is None
    assert ranking["small"]["tokens_in_per_page"] == 2100.0 and ranking["small"]["cost"] == "$1.00 (measured)"
