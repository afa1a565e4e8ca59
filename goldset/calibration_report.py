"""calibration.html: what `abstractor calibrate` fitted, the reliability before and after, the threshold."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from pathlib import Path

from goldset import charts
from goldset.calibration import ReliabilityBin, ThresholdPoint
from goldset.report import STYLE, figure, reliability_chart


def write_calibration_report(
    out_dir: Path,
    *,
    map_version: str,
    points: int,
    fields_with_own_map: Sequence[str],
    before: Sequence[ReliabilityBin],
    after: Sequence[ReliabilityBin],
    ece_raw: float | None,
    ece_calibrated: float | None,
    curve: Sequence[ThresholdPoint],
    threshold: float,
    target: float,
) -> Path:
    thresholds = charts.threshold_curve(
        curve,
        title="Calibrated threshold: accuracy of the values kept, share of pages sent up",
        escalated="pages escalated",
    )
    own = ", ".join(escape(name) for name in fields_with_own_map) or "none (every field uses the pooled map)"
    html = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Abstractor calibration</title>'
        f"<style>{STYLE}</style></head><body><h1>Confidence calibration</h1>"
        f"<p>maps <code>{escape(map_version)}</code>, fitted on {points} values found on pages; "
        f"fields with a map of their own: {own}.</p>"
        "<p>After is cross-fitted: each document's values are mapped by maps fitted without it.</p>"
        f"{reliability_chart(before, f'Before: raw model scores (ECE {figure(ece_raw)})')}"
        f"{reliability_chart(after, f'After: calibrated (ECE {figure(ece_calibrated)})')}"
        f"<h2>Threshold</h2><p>{threshold:.2f}: the lowest whose kept values reach {target:.0%}</p>"
        f"{thresholds}</body></html>"
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "calibration.html"
    path.write_text(html, encoding="utf-8")
    return path
