"""Tiny inline-SVG plots for the self-contained report (no plotting library, no external files)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
           "#bcbd22", "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173")  # fmt: skip


def svg_frame(width: int, height: int, title: str, body: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
        f'font-family="sans-serif" font-size="11"><title>{escape(title)}</title>{body}</svg>'
    )


def bar_chart(labels: Sequence[str], values: Sequence[float | None], title: str) -> str:
    """Horizontal bars on a 0..1 scale; a missing value is drawn as 'n/a'."""
    left, bar_w, row = 170, 320, 20
    height = 30 + row * len(labels)
    parts = [f'<text x="{left}" y="14" font-weight="bold">{escape(title)}</text>']
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = 24 + i * row
        parts.append(f'<text x="{left - 6}" y="{y + 12}" text-anchor="end">{escape(label)}</text>')
        if value is None:
            parts.append(f'<text x="{left + 4}" y="{y + 12}" fill="#888">n/a</text>')
            continue
        parts.append(
            f'<rect x="{left}" y="{y}" width="{bar_w * value:.1f}" height="{row - 5}" fill="{PALETTE[0]}"/>'
        )
        parts.append(f'<text x="{left + bar_w * value + 4:.1f}" y="{y + 12}">{value:.3f}</text>')
    return svg_frame(left + bar_w + 60, height, title, "".join(parts))


def line_chart(
    x_labels: Sequence[str],
    series: dict[str, Sequence[float | None]],
    title: str,
    *,
    x_values: Sequence[float] | None = None,
    diagonal: bool = False,
) -> str:
    """Lines over a 0..1 y-axis. Points at `x_values` (0..1) or evenly spaced; gaps where a value is None."""
    width, height, left, top, plot_w, plot_h = 620, 300, 45, 25, 420, 220
    n = len(x_labels)
    xs = list(x_values) if x_values is not None else [i / max(1, n - 1) for i in range(n)]

    def px(x: float) -> float:
        return left + x * plot_w

    def py(y: float) -> float:
        return top + (1 - y) * plot_h

    parts = [
        f'<text x="{left}" y="14" font-weight="bold">{escape(title)}</text>',
        f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#999"/>',
    ]
    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        parts.append(f'<text x="{left - 4}" y="{py(tick) + 4:.1f}" text-anchor="end">{tick:.2f}</text>')
    step = max(1, n // 8)
    for i in range(0, n, step):
        parts.append(
            f'<text x="{px(xs[i]):.1f}" y="{top + plot_h + 14}" '
            f'text-anchor="middle">{escape(x_labels[i])}</text>'
        )
    if diagonal:
        parts.append(
            f'<line x1="{px(0)}" y1="{py(0)}" x2="{px(1)}" y2="{py(1)}" stroke="#bbb" stroke-dasharray="4"/>'
        )
    for k, (name, ys) in enumerate(series.items()):
        color = PALETTE[k % len(PALETTE)]
        points = [(px(x), py(y)) for x, y in zip(xs, ys, strict=True) if y is not None]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"/>')
        parts += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{color}"/>' for x, y in points]
        parts.append(
            f'<text x="{left + plot_w + 10}" y="{top + 12 + 14 * k}" fill="{color}">{escape(name)}</text>'
        )
    return svg_frame(width, height, title, "".join(parts))
