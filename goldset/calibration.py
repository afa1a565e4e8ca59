"""Calibration of confidences: expected calibration error, the reliability curve, escalation thresholds."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel


class ReliabilityBin(BaseModel):
    lower: float
    upper: float
    count: int
    confidence: float | None  # mean confidence in the bin
    accuracy: float | None  # share correct in the bin


class ThresholdPoint(BaseModel):
    """Escalating every field below `threshold`: accuracy of those kept, share sent up."""

    threshold: float
    accuracy: float | None
    share_below: float


def reliability(
    confidences: Sequence[float], correct: Sequence[bool], bins: int = 10
) -> list[ReliabilityBin]:
    """Equal-width bins over [0, 1]; a confidence of exactly 1.0 falls in the last bin."""
    out = []
    for b in range(bins):
        lower, upper = b / bins, (b + 1) / bins
        members = [
            (c, ok) for c, ok in zip(confidences, correct, strict=True)
            if lower <= c < upper or (b == bins - 1 and c == upper)
        ]  # fmt: skip
        out.append(
            ReliabilityBin(
                lower=lower,
                upper=upper,
                count=len(members),
                confidence=sum(c for c, _ in members) / len(members) if members else None,
                accuracy=sum(ok for _, ok in members) / len(members) if members else None,
            )
        )
    return out


def expected_calibration_error(bins: Sequence[ReliabilityBin]) -> float | None:
    """ECE = sum over bins of (bin size / total) * |accuracy - mean confidence|; None without data."""
    total = sum(b.count for b in bins)
    if total == 0:
        return None
    return sum(b.count / total * abs((b.accuracy or 0.0) - (b.confidence or 0.0)) for b in bins if b.count)


def threshold_curve(
    confidences: Sequence[float], correct: Sequence[bool], steps: int = 20
) -> list[ThresholdPoint]:
    points = []
    n = len(confidences)
    for k in range(steps + 1):
        t = k / steps
        kept = [ok for c, ok in zip(confidences, correct, strict=True) if c >= t]
        points.append(
            ThresholdPoint(
                threshold=t,
                accuracy=sum(kept) / len(kept) if kept else None,
                share_below=(n - len(kept)) / n if n else 0.0,
            )
        )
    return points


def page_threshold_curve(
    pages: Sequence[Sequence[tuple[float, bool]]], total_pages: int, steps: int = 20
) -> list[ThresholdPoint]:
    """What each threshold does when, as in the cascade, a page escalates whole.

    `pages` holds each page's found values as (confidence, right); `total_pages` counts the pages read,
    those that found nothing too. At threshold t a page with any value below t is sent up: `share_below`
    is the share of pages sent up and `accuracy` the share right among the values of the pages kept.
    """
    points = []
    for k in range(steps + 1):
        t = k / steps
        kept = [page for page in pages if all(confidence >= t for confidence, _ in page)]
        values = [right for page in kept for _, right in page]
        escalated = len(pages) - len(kept)
        points.append(
            ThresholdPoint(
                threshold=t,
                accuracy=sum(values) / len(values) if values else None,
                share_below=escalated / total_pages if total_pages else 0.0,
            )
        )
    return points
