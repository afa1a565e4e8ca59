"""The HTML report (self-contained, with its SVGs) and the regression gate."""

from __future__ import annotations

import io
import json
from html import escape
from html.parser import HTMLParser
from pathlib import Path

from PIL import Image

from goldset.gate import EXIT_REGRESSION, bootstrap_interval, main, regressed_fields
from goldset.labels import GoldDocument
from goldset.metrics import Metrics, RunSummary
from goldset.report import collect_wrong_answers, write_report
from goldset.score import PageStats, Prediction, score
from schemas.contract import ContractFields


def _predictions(gold: list[GoldDocument], wrong: dict[str, set[str]] | None = None) -> dict[str, Prediction]:
    """Labels as predictions, with the named fields blanked in the named documents."""
    wrong = wrong or {}
    out = {}
    for doc in gold:
        update = {
            name: [] if name in ("parties", "signatories") else None
            for name in wrong.get(doc.document, set())
        }
        fields = ContractFields.model_validate({**doc.fields.model_dump(), **update})
        out[doc.document] = Prediction(
            fields=fields,
            confidences={name: 0.95 if name not in update else 0.4 for name in ContractFields.model_fields},
            stats=PageStats(
                pages=3, escalated_pages=1, tokens_in=3000, tokens_out=300, latency_s=1.5, cost_usd=0.01
            ),
        )
    return out


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.sources: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.sources += [v or "" for k, v in attrs if k in ("src", "href")]


def test_report_is_self_contained_html_with_svgs(gold: list[GoldDocument], tmp_path: Path) -> None:
    test = [d for d in gold if d.split == "test"]
    metrics = score(
        _predictions(test, {test[0].document: {"governing_law", "parties"}}), test, engine="rules"
    )
    thumb = io.BytesIO()
    Image.new("L", (40, 52), 230).save(thumb, format="JPEG")
    wrong = collect_wrong_answers(metrics, {test[0].document: thumb.getvalue()})
    history = [
        RunSummary(label=f"night {i}", micro_f1=0.8 + i / 50, macro_f1=0.7, fields={"title": 0.9})
        for i in range(3)
    ]
    report, metrics_json = write_report(
        metrics, tmp_path, history=history, wrong_answers=wrong, goldset_hash="abc123"
    )
    parser = _Collector()
    parser.feed(report.read_text(encoding="utf-8"))
    assert parser.tags.count("svg") >= 4  # F1 bars, reliability, thresholds, trend
    # Nothing from elsewhere: thumbnails are data URIs, every other reference points inside the page.
    outside = [src for src in parser.sources if not src.startswith("#")]
    assert all(src.startswith("data:image/jpeg;base64,") for src in outside) and outside
    html = report.read_text(encoding="utf-8")
    assert "Cost" in html and "governing_law" in html and "abc123" in html
    assert "<script" not in html and "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    # The trend: micro F1 on its own, each field folded into a <details> of its own.
    assert "Value micro F1 over runs" in html and html.count('<details class="field-trend">') == len(
        metrics.fields
    )
    # The contract types' confusion table, and the blanked parties as a diff: all of them missing.
    assert '<table class="confusion">' in html and "label \\ predicted" in html
    missing = html.split('<li class="missing">')[1].split("</li>")[0]
    assert escape(test[0].fields.parties[0].name) in missing and '<li class="extra">' not in html
    saved = Metrics.model_validate_json(metrics_json.read_text())
    assert saved.goldset_hash == "abc123" and saved.engine == "rules"
    payload = json.loads(metrics_json.read_text())
    assert {"micro_f1", "macro_f1", "fields", "documents", "all_fields_right", "ece", "reliability"} <= set(
        payload
    )
    assert {"precision", "recall", "f1", "support"} <= set(payload["fields"]["title"])


def test_report_without_confidences_or_cost(gold: list[GoldDocument], tmp_path: Path) -> None:
    metrics = score({d.document: Prediction(fields=d.fields) for d in gold[:5]}, gold[:5])
    report, _ = write_report(metrics, tmp_path)
    html = report.read_text(encoding="utf-8")
    assert "<h2>Cost</h2>" not in html and "no calibration" in html


def test_bootstrap_interval_brackets_the_estimate(gold: list[GoldDocument]) -> None:
    test = [d for d in gold if d.split == "test"]
    blanked = {d.document: {"term"} for d in test[:8]}
    metrics = score(_predictions(test, blanked), test)
    low, high = bootstrap_interval(metrics.outcomes, "term", seed=1)  # type: ignore[misc]
    assert low <= (metrics.fields["term"].f1 or 0) <= high and low < high
    assert bootstrap_interval(metrics.outcomes, "term", seed=1) == bootstrap_interval(
        metrics.outcomes, "term", seed=1
    )


def test_gate(gold: list[GoldDocument], tmp_path: Path) -> None:
    test = [d for d in gold if d.split == "test"]
    baseline = score(_predictions(test), test)
    assert regressed_fields(baseline, baseline) == []

    one = score(_predictions(test, {test[0].document: {"title", "parties", "governing_law"}}), test)
    assert regressed_fields(one, baseline) == []  # one document never trips the gate

    title_docs = [d.document for d in test][:10]
    drop = score(_predictions(test, {name: {"title"} for name in title_docs}), test)
    assert regressed_fields(drop, baseline) == ["title"]

    # renewal_term is labelled in fewer than 20 test documents: ignored however badly it does
    assert baseline.fields["renewal_term"].labelled_documents < 20
    few = score(_predictions(test, {d.document: {"renewal_term"} for d in test}), test)
    assert "renewal_term" not in regressed_fields(few, baseline)

    run_json, base_json = tmp_path / "run.json", tmp_path / "base.json"
    run_json.write_text(drop.model_dump_json())
    base_json.write_text(baseline.model_dump_json())
    assert main([str(run_json), str(base_json)]) == EXIT_REGRESSION
    assert main([str(base_json), str(base_json)]) == 0
