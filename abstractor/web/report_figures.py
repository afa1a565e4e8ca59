"""The reports page's figures, drawn server-side with goldset.charts (the report.html's own charts)."""

from __future__ import annotations

from collections.abc import Sequence

from goldset import charts
from goldset.metrics import Metrics


def field_f1(metrics: Metrics) -> str:
    """F1 per field, best first, with the bootstrap intervals the run was scored with (if any)."""
    names = list(metrics.fields)
    intervals = [metrics.fields[n].f1_interval for n in names]
    return charts.f1_bars(names, [metrics.fields[n].f1 for n in names], intervals if any(intervals) else None)


def f1_over_runs(labels: Sequence[str], history: Sequence[Metrics]) -> str:
    """Micro F1, one point per run (oldest first): the one line everyone reads."""
    return charts.trend(labels, [m.micro_f1 for m in history], title="Micro F1 over nights")


def field_over_runs(labels: Sequence[str], history: Sequence[Metrics]) -> dict[str, str]:
    """One small trend per field of the latest run, for the page's field picker."""
    return {
        name: charts.trend(
            labels,
            [m.fields[name].f1 if name in m.fields else None for m in history],
            title=f"{name}: F1 over nights",
        )
        for name in history[-1].fields
    }


def search_trend(labels: Sequence[str], ndcg_at_5: Sequence[float | None], *, title: str) -> str:
    """The fused document nDCG@5 of one golden set's search runs, one point per run (oldest first)."""
    return charts.trend(
        labels, ndcg_at_5, title=f"Search quality: {title}", y_label="document nDCG@5 (fused)"
    )


def reliability(metrics: Metrics) -> str | None:
    if not any(b.count for b in metrics.reliability):
        return None
    return charts.reliability(metrics.reliability, title="Reliability: accuracy against confidence")


def thresholds(metrics: Metrics) -> str | None:
    if not metrics.thresholds:
        return None
    return charts.threshold_curve(metrics.thresholds, title="Accuracy against escalation threshold")
