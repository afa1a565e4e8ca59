"""The search-quality report: one self-contained report.html (inline SVG) and metrics.json.

Analysts read it beside the accuracy report: each channel's figures with their 95 % intervals, the
trend of the fused document nDCG@5, how often search rightly said nothing answers, the categories and
queries that rank worst.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from html import escape
from pathlib import Path
from typing import Any

from goldset.report import STYLE
from goldset.search_metrics import Estimate, LevelMetrics, SearchMetrics
from goldset.svg import bar_chart, line_chart

WORST_QUERIES = 25
_FIGURES = (("ndcg_at_5", "nDCG@5"), ("ndcg_at_10", "nDCG@10"), ("recall_at_10", "recall@10"), ("mrr", "MRR"))


def _estimate(found: Estimate | None) -> str:
    if found is None:
        return "<td>-</td>"
    return f"<td>{found.mean:.3f} <small>[{found.low:.3f}, {found.high:.3f}]</small></td>"


def _level_table(metrics: Mapping[str, SearchMetrics], level: str) -> str:
    head = "".join(f"<th>{label}</th>" for _, label in _FIGURES)
    rows = []
    for name, found in metrics.items():
        scores: LevelMetrics | None = getattr(found, level)
        cells = "".join(_estimate(getattr(scores, key) if scores else None) for key, _ in _FIGURES)
        rows.append(f"<tr><th>{escape(name)}</th>{cells}<td>{scores.queries if scores else 0}</td></tr>")
    return f"<table><tr><th>channels</th>{head}<th>queries</th></tr>{''.join(rows)}</table>"


def _share(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def _abstentions(fused: SearchMetrics) -> str:
    return (
        f"<p>Of {fused.unanswerable} questions no document answers, search said so for "
        f"{_share(fused.correct_abstentions)}; of {fused.answerable} answerable ones it wrongly said so for "
        f"{_share(fused.false_abstentions)}. (Without a calibrated floor it never says so.)</p>"
    )


def _worst(fused: SearchMetrics) -> str:
    rows = sorted(
        (row for row in fused.rows if row.documents is not None), key=lambda r: (r.documents.ndcg_at_5, r.id)
    )[:WORST_QUERIES]
    body = "".join(
        f"<tr><td>{escape(row.text)}</td><td>{escape(row.category or '')}</td>"
        f"<td>{row.documents.ndcg_at_5:.3f}</td><td>{row.documents.rr:.3f}</td>"
        f"<td>{'-' if row.pages is None else f'{row.pages.ndcg_at_5:.3f}'}</td></tr>"
        for row in rows
        if row.documents is not None
    )
    return (
        "<table><tr><th>query</th><th>category</th><th>document nDCG@5</th><th>reciprocal rank</th>"
        f"<th>page nDCG@5</th></tr>{body}</table>"
    )


def _trend(history: Sequence[Mapping[str, Any]], current: float | None) -> str:
    points = [*history, {"when": "this run", "ndcg_at_5": current}]
    series = {"document nDCG@5 (fused)": [p["ndcg_at_5"] for p in points]}
    return line_chart([str(p["when"]) for p in points], series, "Trend")


def write_search_report(
    metrics: Mapping[str, SearchMetrics],
    out_dir: Path,
    *,
    goldset: str,
    split: str,
    variant: str,
    encoder: str,
    history: Sequence[Mapping[str, Any]],
    regressed: Sequence[str],
) -> tuple[Path, Path]:
    """report.html and metrics.json ({channel set: SearchMetrics}, fused first) in `out_dir`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    fused = next(iter(metrics.values()))
    categories = sorted(fused.categories.items(), key=lambda item: item[1])
    warning = f"<p><strong>Regressed:</strong> {escape(', '.join(regressed))}</p>" if regressed else ""
    html = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Abstractor search quality</title>'
        f"<style>{STYLE}</style></head><body><h1>Search quality</h1>"
        f"<p>golden set: {escape(goldset)} ({escape(variant)}, {escape(split)}) · {fused.queries} queries · "
        f"encoder <code>{escape(encoder)}</code></p>{warning}"
        f"<h2>Documents</h2>{_level_table(metrics, 'documents')}"
        f"<h2>Pages</h2>{_level_table(metrics, 'pages')}"
        f"<h2>Questions nothing answers</h2>{_abstentions(fused)}"
        f"<h2>Trend</h2>{_trend(history, fused.documents.ndcg_at_5.mean if fused.documents else None)}"
        "<h2>Per category (fused document nDCG@5)</h2>"
        f"{bar_chart([name for name, _ in categories], [value for _, value in categories], 'nDCG@5')}"
        f"<h2>Worst queries</h2>{_worst(fused)}</body></html>"
    )
    report = out_dir / "report.html"
    report.write_text(html, encoding="utf-8")
    metrics_json = out_dir / "metrics.json"
    dumped = {name: found.model_dump(mode="json") for name, found in metrics.items()}
    metrics_json.write_text(json.dumps(dumped, indent=2) + "\n", encoding="utf-8")
    return report, metrics_json
