"""The reports' charts, drawn with matplotlib into SVG text that inlines in HTML.

Both report.html (self-contained, no script) and the web reports page (CSP: no inline style) embed the
SVG directly, so the output is cleaned for both: text stays text (svg.fonttype none), no XML header, no
RDF metadata or xlink namespace (nothing names another site), and matplotlib's `style="..."` attributes
become SVG presentation attributes, which a `style-src 'self'` policy does not block.
"""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Mapping, Sequence

import matplotlib
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from goldset.calibration import ReliabilityBin, ThresholdPoint

BLUE, RED, GREY = "#1f77b4", "#d62728", "#888888"
_DPI = 72  # SVG user units are points: a 7.5 x 4 inch figure is 540 x 288
# rcParams are global: the web app renders in worker threads, so one chart at a time sets and reads them.
_RENDER = threading.Lock()
_RC = {
    "svg.fonttype": "none",
    "text.parse_math": False,  # field and engine names are text: a "$" in one is no TeX
    "svg.hashsalt": "abstractor",  # clip-path ids from content, not uuid4: the same run, the same report
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Helvetica", "Arial"],  # the long default list bloats every <text>
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
_STYLE = re.compile(r'\sstyle="([^"]*)"')
_FONT = re.compile(r"(?:(italic|oblique)\s+)?(?:(bold|normal|\d00)\s+)?([\d.]+)px\s+(.+)")


def _attributes(style: str) -> str:
    """`fill: #fff; font: 10px 'DejaVu Sans'` -> ` fill="#fff" font-size="10px" font-family="..."`."""
    out = []
    for declaration in style.split(";"):
        name, _, value = (part.strip() for part in declaration.partition(":"))
        if not name:
            continue
        font = _FONT.fullmatch(value) if name == "font" else None
        if font:  # the shorthand is no presentation attribute: spell it out
            slant, weight, size, family = font.groups()
            out += [f'font-style="{slant}"'] if slant else []
            out += [f'font-weight="{weight}"'] if weight else []
            out += [f'font-size="{size}px"', f'font-family="{family.replace(chr(34), chr(39))}, sans-serif"']
        else:
            out.append(f'{name}="{value}"')
    return " " + " ".join(out) if out else ""


def to_inline_svg(figure: Figure) -> str:
    """The figure as an <svg> element to paste into HTML (see the module docstring)."""
    buffer = io.StringIO()
    with _RENDER, matplotlib.rc_context(_RC):
        figure.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.DOTALL)
    svg = re.sub(r"<style[^>]*>.*?</style>", "", svg, flags=re.DOTALL)
    svg = re.sub(r'\sxmlns:xlink="[^"]*"', "", svg).replace("xlink:href=", "href=")
    svg = _STYLE.sub(lambda m: _attributes(m.group(1)), svg)
    # Group ids ("figure_1", "axes_1") repeat in every chart of a page: keep only the ids referenced.
    used = set(re.findall(r"#([\w.-]+)", svg))
    svg = re.sub(r'\sid="([^"]*)"', lambda m: m.group(0) if m.group(1) in used else "", svg)
    return re.sub(r"<!--.*?-->", "", svg, flags=re.DOTALL).strip()


def _figure(width: float, height: float, title: str) -> tuple[Figure, Axes]:
    # Figure without pyplot: no global figure registry, nothing to close, safe in the web app.
    with matplotlib.rc_context(_RC):
        figure = Figure(figsize=(width, height), dpi=_DPI)
        axes = figure.add_subplot()
    axes.set_title(title, loc="left", fontweight="bold")
    return figure, axes


def f1_bars(
    names: Sequence[str],
    f1s: Sequence[float | None],
    intervals: Sequence[tuple[float, float] | None] | None = None,
    *,
    title: str = "F1 per field",
) -> str:
    """Horizontal bars sorted best first, with the 95% interval as an error bar; n/a fields at the bottom."""
    bounds = list(intervals) if intervals is not None else [None] * len(names)
    rows = sorted(
        zip(names, f1s, bounds, strict=True), key=lambda r: -1.0 if r[1] is None else r[1], reverse=True
    )
    figure, axes = _figure(7.5, 0.8 + 0.24 * len(rows), title)
    ys = range(len(rows))
    axes.barh(list(ys), [f1 or 0.0 for _, f1, _ in rows], color=BLUE, height=0.7)
    for y, (_, f1, interval) in zip(ys, rows, strict=True):
        if f1 is None:
            axes.text(0.01, y, "n/a", va="center", color=GREY)
            continue
        if interval is not None:
            low, high = interval
            axes.errorbar(f1, y, xerr=[[f1 - low], [high - f1]], fmt="none", ecolor="black", capsize=2, lw=1)
        axes.text(min((interval or (f1, f1))[1], 1.0) + 0.01, y, f"{f1:.3f}", va="center")
    axes.set_yticks(list(ys), [name for name, _, _ in rows])
    axes.invert_yaxis()  # the best field on top
    axes.set_xlim(0, 1.12)
    axes.set_xticks([0, 0.25, 0.5, 0.75, 1.0])
    axes.set_xlabel("F1 (whiskers: 95% bootstrap interval over documents)" if intervals is not None else "F1")
    return to_inline_svg(figure)


def trend(labels: Sequence[str], values: Sequence[float | None], *, title: str, y_label: str = "F1") -> str:
    """One series over runs (oldest first), with a gap where a run has no value."""
    figure, axes = _figure(7.5, 2.8, title)
    xs = list(range(len(labels)))
    ys = [float("nan") if v is None else v for v in values]
    axes.plot(xs, ys, color=BLUE, marker="o", markersize=3, lw=1.5)
    step = max(1, len(labels) // 8)  # at most ~8 labels: dates would overlap
    axes.set_xticks(xs[::step], list(labels)[::step])
    axes.set_ylim(0, 1.02)
    axes.set_ylabel(y_label)
    axes.grid(axis="y", alpha=0.3)
    return to_inline_svg(figure)


def reliability(bins: Sequence[ReliabilityBin], *, title: str) -> str:
    """Accuracy against mean confidence, each bin's count above its point, the diagonal of calibration."""
    filled = [b for b in bins if b.count and b.confidence is not None and b.accuracy is not None]
    figure, axes = _figure(5, 4, title)
    axes.plot([0, 1], [0, 1], ls="--", color=GREY, lw=1, label="calibrated")
    xs = [b.confidence or 0.0 for b in filled]
    ys = [b.accuracy or 0.0 for b in filled]
    axes.plot(xs, ys, color=BLUE, marker="o", markersize=4, lw=1.5, label="engine")
    for x, y, b in zip(xs, ys, filled, strict=True):
        axes.annotate(
            f"n={b.count}", (x, y), xytext=(0, 6), textcoords="offset points", ha="center", fontsize=7
        )
    axes.set_xlim(0, 1.02)
    axes.set_ylim(0, 1.1)  # room for the counts above a point at 1.0
    axes.set_xlabel("mean confidence in the bin")
    axes.set_ylabel("share correct")
    axes.legend(loc="upper left", frameon=False)
    return to_inline_svg(figure)


def threshold_curve(
    points: Sequence[ThresholdPoint], *, title: str, escalated: str = "share escalated"
) -> str:
    """Accuracy of the answers kept and the share sent up, against the escalation threshold."""
    figure, axes = _figure(6, 3.2, title)
    xs = [p.threshold for p in points]
    accuracy = [float("nan") if p.accuracy is None else p.accuracy for p in points]
    axes.plot(xs, accuracy, color=BLUE, lw=1.5, label="accuracy kept")
    axes.plot(xs, [p.share_below for p in points], color=RED, lw=1.5, label=escalated)
    axes.set_xlim(0, 1)
    axes.set_ylim(0, 1.02)
    axes.set_xlabel("escalation threshold (confidence)")
    axes.legend(loc="lower left", frameon=False)
    axes.grid(alpha=0.3)
    return to_inline_svg(figure)


def cost_curve(points: Mapping[str, tuple[float, float]], knee: str | None, *, title: str) -> str:
    """Micro F1 against $ per 1,000 pages, one labelled point per engine, the knee in red."""
    figure, axes = _figure(6.5, 3.6, title)
    for name, (cost, f1) in sorted(points.items(), key=lambda item: item[1][0]):
        color = RED if name == knee else BLUE
        axes.plot([cost], [f1], marker="o", color=color, markersize=6)
        label = f"{name} (knee)" if name == knee else name
        axes.annotate(label, (cost, f1), xytext=(6, 3), textcoords="offset points", fontsize=8)
    axes.set_ylim(0, 1.02)
    axes.set_xlim(left=0)
    axes.set_xlabel("$ per 1,000 pages")
    axes.set_ylabel("micro F1")
    axes.grid(alpha=0.3)
    return to_inline_svg(figure)
