"""The accuracy report: one self-contained report.html (inline SVG, data-URI thumbnails) and metrics.json.

No script: the web app serves it sandboxed. Where the reports page has pickers (the trend per field),
this page has a <details> per choice instead.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from goldset import charts
from goldset.calibration import ReliabilityBin
from goldset.confusion import confusion
from goldset.list_diff import list_diff
from goldset.metrics import Metrics, RunSummary

MAX_WRONG_PER_FIELD = 25  # keeps the page light; the count of all wrong answers is still shown


@dataclass(frozen=True)
class WrongAnswer:
    document: str
    field: str
    truth: Any
    predicted: Any
    confidence: float | None = None
    thumbnail: bytes | None = None  # JPEG of the page the answer is on (or the first page)


def collect_wrong_answers(
    metrics: Metrics, thumbnails: Mapping[str, bytes] | None = None
) -> list[WrongAnswer]:
    """Every (document, field) with a FP or FN, value fields then clauses; thumbnails by name or stem."""
    thumbnails = thumbnails or {}
    out = []
    for doc in metrics.outcomes:
        thumb = thumbnails.get(doc.document) or thumbnails.get(Path(doc.document).stem)
        for name, o in doc.fields.items():
            if not o.correct:
                out.append(WrongAnswer(doc.document, name, o.truth, o.predicted, o.confidence, thumb))
    for doc in metrics.outcomes:
        thumb = thumbnails.get(doc.document) or thumbnails.get(Path(doc.document).stem)
        for path, c in doc.clauses.items():
            if not c.correct:
                out.append(WrongAnswer(doc.document, path, c.truth, c.predicted, c.confidence, thumb))
    return out


def _fmt(value: Any) -> str:
    if value is None or value == []:
        return "—"
    if isinstance(value, bool):  # a clause answer
        return "present" if value else "absent"
    if isinstance(value, list):
        return "; ".join(_fmt(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items() if v is not None)
    return str(value)


def figure(value: float | None) -> str:
    """A score or error to three places; n/a when there is none."""
    return "n/a" if value is None else f"{value:.3f}"


def interval(bounds: tuple[float, float] | None) -> str:
    return "n/a" if bounds is None else f"{bounds[0]:.3f} – {bounds[1]:.3f}"


def _field_bars(metrics: Metrics) -> str:
    """F1 per field, best first, with each field's bootstrap interval (None in runs scored before them)."""
    names = list(metrics.fields)
    intervals = [metrics.fields[n].f1_interval for n in names]
    return charts.f1_bars(
        names,
        [metrics.fields[n].f1 for n in names],
        intervals if any(intervals) else None,
        title="F1 per field",
    )


def _fields_table(metrics: Metrics) -> str:
    rows = "".join(
        f"<tr><td>{escape(name)}</td><td>{figure(m.precision)}</td><td>{figure(m.recall)}</td><td>{figure(m.f1)}</td>"
        f"<td>{interval(m.f1_interval)}</td>"
        f"<td>{m.support}</td><td>{m.tp}</td><td>{m.fp}</td><td>{m.fn}</td><td>{m.unlabelled_documents}</td></tr>"
        for name, m in metrics.fields.items()
    )
    columns = (
        "field",
        "precision",
        "recall",
        "F1",
        "F1 95% interval",
        "support",
        "TP",
        "FP",
        "FN",
        "not labelled (documents)",
    )
    head = "".join(f"<th>{h}</th>" for h in columns)
    head = f"<tr>{head}</tr>"
    return f"<table>{head}{rows}</table>"


def _clauses(metrics: Metrics) -> str:
    if not metrics.clauses:
        return "<p>No clause scores: the golden set labels no clause here, or the run predates them.</p>"
    categories = [path.partition(".")[2] for path in metrics.clauses]
    chart = charts.f1_bars(
        categories, [m.f1 for m in metrics.clauses.values()], title="F1 per clause category"
    )
    rows = "".join(
        f"<tr><td>{escape(path.partition('.')[2])}</td><td>{figure(m.precision)}</td><td>{figure(m.recall)}</td>"
        f"<td>{figure(m.f1)}</td><td>{m.support}</td><td>{m.tp}</td><td>{m.fp}</td><td>{m.fn}</td><td>{m.tn}</td>"
        f"<td>{figure(m.coverage)}</td><td>{'yes' if m.in_macro else 'no'}</td></tr>"
        for path, m in metrics.clauses.items()
    )
    columns = (
        "category",
        "precision",
        "recall",
        "F1",
        "support",
        "TP",
        "FP",
        "FN",
        "TN",
        "coverage",
        "in macro",
    )
    head = "".join(f"<th>{h}</th>" for h in columns)
    return (
        "<p>Per document: does the contract have the clause? An unanswered category counts as absent for "
        "F1; coverage is the share of labelled documents the engine answered. Macro F1 averages the "
        f"categories with at least {metrics.clause_min_positives} labelled positives.</p>"
        f"{chart}<table><tr>{head}</tr>{rows}</table>"
    )


def _headline(metrics: Metrics) -> str:
    clauses = ""
    if metrics.clauses:
        clauses = (
            f" · clause macro F1 {figure(metrics.clause_macro_f1)} over {metrics.clause_macro_categories} "
            f"categories (coverage {figure(metrics.clause_coverage)})"
        )
    return (
        f"<p>value micro F1 {figure(metrics.micro_f1)} · "
        f"value macro F1 {figure(metrics.macro_f1)}{clauses} · "
        f"documents with every value field right {metrics.all_fields_right:.1%}</p>"
    )


def reliability_chart(bins: Sequence[ReliabilityBin], title: str) -> str:
    """Accuracy against mean confidence per bin, with the diagonal a calibrated engine would follow."""
    return charts.reliability(bins, title=title)


def _page_calibration(metrics: Metrics) -> str:
    page = metrics.page_calibration
    if page is None:
        return ""
    maps = "no calibration"
    if page.calibration:
        maps = f"confidence maps <code>{escape(page.calibration)}</code>"
    return (
        f"<h3>Found page values (the unit the cascade escalates on)</h3><p>{page.points} values, {maps}: "
        f"ECE raw {figure(page.ece_raw)}, as reported {figure(page.ece)}</p>"
        f"{reliability_chart(page.reliability_raw, f'Raw model scores (ECE {figure(page.ece_raw)})')}"
        f"{reliability_chart(page.reliability, f'Confidence reported (ECE {figure(page.ece)})')}"
    )


def _calibration(metrics: Metrics) -> str:
    if not metrics.reliability:
        return "<p>Predictions carry no confidences: no calibration figures.</p>"
    reliability = reliability_chart(metrics.reliability, f"Reliability (ECE {figure(metrics.ece)})")
    thresholds = charts.threshold_curve(metrics.thresholds, title="Accuracy against escalation threshold")
    return (
        f"<p>Document fields: expected calibration error (10 bins) {figure(metrics.ece)}</p>{reliability}"
        f"{thresholds}{_page_calibration(metrics)}"
    )


def _cost(metrics: Metrics) -> str:
    c = metrics.cost
    if c is None:
        return ""
    if c.unpriced_models:
        per_1000 = f"unpriced (no price for: {escape(', '.join(c.unpriced_models))})"
    elif c.cost_per_1000_pages is None:
        per_1000 = "no model calls (CPU only)"
    else:
        per_1000 = f"${c.cost_per_1000_pages:,.2f} ({c.cost_basis})"
    return (
        "<h2>Cost</h2><table>"
        f"<tr><th>pages</th><td>{c.pages}</td></tr><tr><th>cost per 1,000 pages</th><td>{per_1000}</td></tr>"
        f"<tr><th>escalation rate</th><td>{c.escalation_rate:.1%}</td></tr>"
        f"<tr><th>tokens in / out per page</th>"
        f"<td>{c.tokens_in_per_page:,.0f} / {c.tokens_out_per_page:,.0f}</td></tr>"
        f"<tr><th>latency per page</th><td>{c.latency_per_page_s:.2f} s</td></tr></table>"
    )


def _trend(metrics: Metrics, history: Sequence[RunSummary]) -> str:
    """Micro F1 over runs, one line; each field's own line folded away (15 lines on one plot are noise)."""
    runs = [*history, metrics.summary("this run")]
    labels = [r.label for r in runs]
    parts = [charts.trend(labels, [r.micro_f1 for r in runs], title="Value micro F1 over runs")]
    if metrics.clauses:
        parts.append(
            charts.trend(labels, [r.clause_macro_f1 for r in runs], title="Clause macro F1 over runs")
        )
    for name in metrics.fields:
        chart = charts.trend(labels, [r.fields.get(name) for r in runs], title=f"{name}: F1 over runs")
        parts.append(f'<details class="field-trend"><summary>{escape(name)}</summary>{chart}</details>')
    return "".join(parts)


def _cell(count: int, *, same: bool) -> str:
    kind = "hit" if same else "miss" if count else ""  # off the diagonal: a type the engine mixed up
    return f'<td class="{kind}">{count or ""}</td>'


def _confusion(metrics: Metrics) -> str:
    table = confusion(metrics.outcomes, "contract_type")
    if table is None:
        return ""
    head = "".join(f"<th>{escape(p)}</th>" for p in table.labels)
    rows = "".join(
        f"<tr><th>{escape(t)}</th>"
        + "".join(_cell(table.count(t, p), same=t == p) for p in table.labels)
        + "</tr>"
        for t in table.labels
    )
    return (
        "<h3>contract_type: label (rows) against prediction (columns)</h3>"
        f'<table class="confusion"><tr><th>label \\ predicted</th>{head}</tr>{rows}</table>'
    )


def _answer(w: WrongAnswer) -> tuple[str, str]:
    """The truth and predicted cells; a list field as a diff (what the engine missed, what it added)."""
    diff = list_diff(w.field, w.truth, w.predicted)
    if diff is None:
        return escape(_fmt(w.truth)), escape(_fmt(w.predicted))
    same = [f"<li>{escape(_fmt(t))}</li>" for t, _ in diff.matched]
    missing = [f'<li class="missing">− {escape(_fmt(t))}</li>' for t in diff.missing]
    extra = [f'<li class="extra">+ {escape(_fmt(p))}</li>' for p in diff.extra]
    return f"<ul>{''.join(same + missing)}</ul>", f"<ul>{''.join(same + extra)}</ul>"


def _wrong(wrong: Sequence[WrongAnswer]) -> str:
    if not wrong:
        return "<p>No wrong answers.</p>"
    parts = []
    for name in dict.fromkeys(w.field for w in wrong):
        items = [w for w in wrong if w.field == name]
        parts.append(f"<h3>{escape(name)} ({len(items)} wrong)</h3><table><tr><th>document</th><th>truth</th>"
                     "<th>predicted</th><th>confidence</th><th>page</th></tr>")  # fmt: skip
        for w in items[:MAX_WRONG_PER_FIELD]:
            img = ""
            if w.thumbnail:
                data = base64.b64encode(w.thumbnail).decode("ascii")
                img = f'<img alt="page" src="data:image/jpeg;base64,{data}" width="160">'
            truth, predicted = _answer(w)
            parts.append(
                f"<tr><td>{escape(w.document)}</td><td>{truth}</td><td>{predicted}</td>"
                f"<td>{figure(w.confidence)}</td><td>{img}</td></tr>"
            )
        parts.append("</table>")
    return "".join(parts)


STYLE = (
    "body{font-family:sans-serif;margin:2em;max-width:1100px}table{border-collapse:collapse;margin:1em 0}"
    "td,th{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}"
    "svg{display:block;margin:1em 0;max-width:100%;height:auto}ul{margin:0;padding-left:1em}"
    ".missing{color:#b00;text-decoration:line-through}.extra{color:#b00;font-weight:bold}"
    ".confusion td{text-align:right}.confusion .hit{background:#e6f4e6}.confusion .miss{background:#fbe3e3}"
)


def _version(engine_version: str | None) -> str:
    return f" <code>{escape(engine_version)}</code>" if engine_version else ""


def write_report(
    metrics: Metrics,
    out_dir: Path | str,
    *,
    history: Sequence[RunSummary] = (),
    wrong_answers: Sequence[WrongAnswer] | None = None,
    goldset_hash: str | None = None,
    engine: str | None = None,
) -> tuple[Path, Path]:
    """Write report.html and metrics.json (the metrics with goldset hash and engine filled in)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    metrics = metrics.model_copy(
        update={"goldset_hash": goldset_hash or metrics.goldset_hash, "engine": engine or metrics.engine}
    )
    wrong = collect_wrong_answers(metrics) if wrong_answers is None else list(wrong_answers)
    html = (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Abstractor accuracy</title>'
        f"<style>{STYLE}</style></head><body><h1>Extraction accuracy</h1>"
        f"<p>engine: {escape(metrics.engine or 'unknown')}"
        f"{_version(metrics.engine_version)} · "
        f"golden set: {escape(metrics.goldset or 'unknown')} ({escape(metrics.variant or 'unknown')}) "
        f"<code>{escape(metrics.goldset_hash or 'unknown')}</code>"
        f" · documents: {metrics.documents} (without prediction: {metrics.missing_predictions})</p>"
        f"{_headline(metrics)}"
        f"<h2>Per field</h2>{_field_bars(metrics)}{_fields_table(metrics)}{_confusion(metrics)}"
        f"<h2>Clauses</h2>{_clauses(metrics)}<h2>Calibration</h2>{_calibration(metrics)}{_cost(metrics)}"
        f"<h2>Trend</h2>{_trend(metrics, history)}<h2>Wrong answers</h2>{_wrong(wrong)}</body></html>"
    )
    report = out / "report.html"
    report.write_text(html, encoding="utf-8")
    metrics_path = out / "metrics.json"
    metrics_path.write_text(metrics.model_dump_json(indent=1), encoding="utf-8")
    return report, metrics_path
