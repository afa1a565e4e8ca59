"""The reports page's figures, drawn server-side with goldset.svg (the report.html's own plots)."""

from __future__ import annotations

from collections.abc import Sequence

from goldset.metrics import Metrics
from goldset.svg import bar_chart, line_chart


def field_f1(metrics: Metrics) -> str:
    names = list(metrics.fields)
    return bar_chart(names, [metrics.fields[n].f1 for n in names], "F1 per field")


def f1_over_runs(labels: Sequence[str], history: Sequence[Metrics]) -> str:
    """Micro F1 and each field's F1, one point per run (oldest first)."""
    series: dict[str, list[float | None]] = {"micro F1": [m.micro_f1 for m in history]}
    for name in history[-1].fields:
        series[name] = [m.fields[name].f1 if name in m.fields else None for m in history]
    return line_chart(list(labels), series, "F1 over nights")


def search_trend(labels: Sequence[str], ndcg_at_5: Sequence[float | None], *, title: str) -> str:
    """The fused document nDCG@5 of one golden set's search runs, one point per run (oldest first)."""
    return line_chart(list(labels), {"document nDCG@5 (fused)": list(ndcg_at_5)}, f"Search quality: {title}")


def reliability(metrics: Metrics) -> str | None:
    bins = [b for b in metrics.reliability if b.count]
    if not bins:
        return None
    return line_chart(
        [f"{b.confidence:.2f}" for b in bins],
        {"accuracy": [b.accuracy for b in bins]},
        "Reliability: accuracy against confidence",
        x_values=[b.confidence or 0.0 for b in bins],
        diagonal=True,
    )


def thresholds(metrics: Metrics) -> str | None:
    points = metrics.thresholds
    if not points:
        return None
    return line_chart(
        [f"{p.threshold:.2f}" for p in points],
        {"accuracy kept": [p.accuracy for p in points], "share escalated": [p.share_below for p in points]},
        "Accuracy against escalation threshold",
        x_values=[p.threshold for p in points],
    )
