"""Ranking engines on the same split: by F1, by F1 per dollar, and the knee of the cost/quality curve."""

from __future__ import annotations

import json
from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from goldset import charts


class CandidateResult(BaseModel):
    name: str
    engine_version: str
    micro_f1: float | None
    macro_f1: float | None
    cost_per_1000_pages: float | None  # None: no model calls (CPU engine), or unpriced (see below)
    escalation_rate: float | None
    report: str  # the candidate's own report.html, relative to the comparison
    # The server-counted tokens of every request per page (both models' of escalated pages).
    tokens_in_per_page: float | None = None
    tokens_out_per_page: float | None = None
    unpriced_models: list[str] = Field(default_factory=list)  # a call on one of these left the cost unknown
    cost_basis: Literal["measured", "estimated"] | None = None  # goldset.metrics.CostSummary.cost_basis

    @property
    def cost_label(self) -> str:
        """The cost per 1,000 pages as people read it: dollars, or why there are none."""
        if self.unpriced_models:
            return f"unpriced (no price for: {', '.join(self.unpriced_models)})"
        if self.cost_per_1000_pages is None:
            return "CPU only"
        return f"${self.cost_per_1000_pages:,.2f} ({self.cost_basis})"

    @property
    def tokens_label(self) -> str:
        if self.tokens_in_per_page is None or self.tokens_out_per_page is None:
            return "-"
        return f"{self.tokens_in_per_page:,.0f} / {self.tokens_out_per_page:,.0f}"

    @property
    def f1_per_dollar(self) -> float | None:
        """Micro F1 per dollar spent on 1,000 pages; None when the cost is unknown or none (CPU only)."""
        if self.micro_f1 is None or not self.cost_per_1000_pages:
            return None
        return self.micro_f1 / self.cost_per_1000_pages


def knee(results: Sequence[CandidateResult]) -> str | None:
    """The candidate after which more quality costs disproportionately more.

    On the curve of micro F1 against cost (both scaled to 0..1 over the candidates), the knee is the point
    farthest above the straight line from the cheapest to the most expensive candidate: before it F1 rises
    faster than cost, after it slower. Needs three priced candidates with distinct costs.
    """
    priced = sorted(
        (r for r in results if r.cost_per_1000_pages is not None and r.micro_f1 is not None),
        key=lambda r: r.cost_per_1000_pages or 0.0,
    )
    if len(priced) < 3:
        return None
    costs = [r.cost_per_1000_pages or 0.0 for r in priced]
    f1s = [r.micro_f1 or 0.0 for r in priced]
    cost_span = costs[-1] - costs[0]
    f1_span = (max(f1s) - min(f1s)) or 1.0
    if cost_span <= 0:
        return None
    xs = [(c - costs[0]) / cost_span for c in costs]
    ys = [(f - min(f1s)) / f1_span for f in f1s]
    # Height above the chord from the first to the last point; the chord runs (0, y0) -> (1, y_last).
    heights = [y - (ys[0] + x * (ys[-1] - ys[0])) for x, y in zip(xs, ys, strict=True)]
    best = max(range(1, len(priced) - 1), key=lambda i: heights[i])
    return priced[best].name if heights[best] > 0 else None


def _curve(results: Sequence[CandidateResult], knee_name: str | None) -> str:
    points = {
        r.name: (r.cost_per_1000_pages, r.micro_f1)
        for r in results
        if r.cost_per_1000_pages is not None and r.micro_f1 is not None
    }
    if not points:
        return "<p>No candidate has a known model cost: no cost curve.</p>"
    return charts.cost_curve(points, knee_name, title="Micro F1 against cost per 1,000 pages")


def write_comparison(results: Sequence[CandidateResult], out_dir: Path) -> tuple[Path, Path]:
    """compare.html (table ranked by F1, the cost curve with its knee) and compare.json."""
    knee_name = knee(results)
    ranked = sorted(results, key=lambda r: r.micro_f1 or 0.0, reverse=True)
    rows = "".join(
        f'<tr><td>{i}</td><td><a href="{escape(r.report)}">{escape(r.name)}</a>'
        f"{' (knee)' if r.name == knee_name else ''}</td>"
        f"<td>{r.micro_f1 if r.micro_f1 is None else f'{r.micro_f1:.3f}'}</td>"
        f"<td>{r.macro_f1 if r.macro_f1 is None else f'{r.macro_f1:.3f}'}</td>"
        f"<td>{r.tokens_label}</td><td>{escape(r.cost_label)}</td>"
        f"<td>{'-' if r.f1_per_dollar is None else f'{r.f1_per_dollar:.4f}'}</td>"
        f"<td>{'-' if r.escalation_rate is None else f'{r.escalation_rate:.1%}'}</td></tr>"
        for i, r in enumerate(ranked, start=1)
    )
    html = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        "<title>Abstractor model comparison</title>"
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:3px 8px}</style></head><body><h1>Model comparison</h1>"
        "<table><tr><th>rank</th><th>engine</th><th>micro F1</th><th>macro F1</th>"
        "<th>tokens in / out per page</th><th>cost / 1,000 pages</th><th>F1 per $</th><th>escalated</th></tr>"
        f"{rows}</table>{_curve(results, knee_name)}</body></html>"
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    html_path, json_path = out_dir / "compare.html", out_dir / "compare.json"
    html_path.write_text(html, encoding="utf-8")
    by_dollar = sorted(
        (r for r in results if r.f1_per_dollar is not None),
        key=lambda r: r.f1_per_dollar or 0.0,
        reverse=True,
    )
    json_path.write_text(
        json.dumps(
            {
                "by_f1": [r.name for r in ranked],
                "by_f1_per_dollar": [r.name for r in by_dollar],
                "knee": knee_name,
                "candidates": [
                    {**r.model_dump(), "f1_per_dollar": r.f1_per_dollar, "cost": r.cost_label} for r in ranked
                ],
            },
            indent=1,
        ),
        encoding="utf-8",
    )
    return html_path, json_path
