"""The matplotlib charts: inline SVG that passes the web app's CSP, sorted bars, counted bins, intervals."""

from __future__ import annotations

import re
from xml.etree import ElementTree

from goldset import charts
from goldset.calibration import ReliabilityBin, ThresholdPoint
from goldset.confusion import confusion
from goldset.intervals import f1_interval
from goldset.list_diff import list_diff
from goldset.metrics import DocumentOutcome, FieldOutcome


def _texts(svg: str) -> list[str]:
    return [t.strip() for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]


def _inlinable(svg: str) -> None:
    assert svg.startswith("<svg") and "<?xml" not in svg and "<!DOCTYPE" not in svg
    ElementTree.fromstring(svg)  # well-formed on its own
    # The reports page's CSP blocks inline style; nothing may point to another site.
    assert "<style" not in svg and " style=" not in svg and "<script" not in svg
    assert "http://" not in svg.replace("http://www.w3.org/2000/svg", "") and "xlink" not in svg


def test_bars_are_sorted_best_first_with_every_field_and_its_interval() -> None:
    svg = charts.f1_bars(
        ["term", "parties", "title", "renewal"], [0.5, 0.9, 0.7, None], [(0.3, 0.7), (0.8, 1.0), None, None]
    )
    _inlinable(svg)
    texts = _texts(svg)
    order = [texts.index(name) for name in ("parties", "title", "term", "renewal")]
    assert order == sorted(order)  # top to bottom: best first, the field without an F1 last
    assert {"0.900", "0.700", "0.500", "n/a"} <= set(texts)
    assert "95% bootstrap interval" in " ".join(texts)
    assert charts.f1_bars(["a"], [0.5]) == charts.f1_bars(["a"], [0.5])  # reproducible, byte for byte


def test_reliability_prints_each_bins_count_and_the_trend_one_line() -> None:
    bins = [
        ReliabilityBin(lower=0.5, upper=0.6, count=7, confidence=0.55, accuracy=0.4),
        ReliabilityBin(lower=0.6, upper=0.7, count=0, confidence=None, accuracy=None),
        ReliabilityBin(lower=0.9, upper=1.0, count=120, confidence=0.96, accuracy=0.98),
    ]
    svg = charts.reliability(bins, title="Reliability (ECE 0.050)")
    _inlinable(svg)
    texts = _texts(svg)
    assert "n=7" in texts and "n=120" in texts and "n=0" not in texts
    assert "mean confidence in the bin" in texts
    trend = charts.trend(["a", "b", "c"], [0.7, None, 0.9], title="Value micro F1 over runs")
    _inlinable(trend)
    assert "Value micro F1 over runs" in _texts(trend)
    points = [ThresholdPoint(threshold=t / 4, accuracy=0.9, share_below=t / 4) for t in range(5)]
    _inlinable(charts.threshold_curve(points, title="Accuracy against escalation threshold"))
    cost = charts.cost_curve({"rules": (0.0, 0.6), "vlm $": (1.5, 0.9)}, "vlm $", title="F1 against cost")
    _inlinable(cost)
    assert "vlm $ (knee)" in _texts(cost)


def _doc(i: int, **fields: FieldOutcome) -> DocumentOutcome:
    return DocumentOutcome(document=f"d{i}.pdf", split="test", predicted=True, fields=fields)


def test_f1_interval_resamples_documents_and_brackets_the_f1() -> None:
    docs = [
        _doc(i, term=FieldOutcome(tp=0 if i % 4 == 0 else 1, fn=1 if i % 4 == 0 else 0)) for i in range(16)
    ]
    low, high = f1_interval(docs, "term")  # type: ignore[misc]
    assert low < 6 / 7 < high <= 1.0  # F1 of 12 TP and 4 FN
    assert f1_interval(docs, "term") == (low, high)  # a fixed seed: the same run, the same report
    assert f1_interval(docs[:1], "term") is None  # one document cannot be resampled
    assert f1_interval([_doc(i, term=FieldOutcome()) for i in range(5)], "term") is None  # nothing labelled


def test_confusion_counts_label_against_prediction() -> None:
    pairs = [("nda", "nda"), ("nda", "msa"), ("msa", "msa"), ("nda", None)]
    docs = [_doc(i, contract_type=FieldOutcome(truth=t, predicted=p)) for i, (t, p) in enumerate(pairs)]
    docs.append(_doc(9, contract_type=FieldOutcome(scored=False, predicted="sow")))
    table = confusion(docs)
    assert table is not None and table.labels == ["nda", "msa", "—"]  # the unscored "sow" is no row
    assert (table.count("nda", "nda"), table.count("nda", "msa"), table.count("nda", "—")) == (1, 1, 1)


def test_list_diff_pairs_as_the_scorer_does() -> None:
    truth = [{"name": "Acme Corporation", "role": "Buyer"}, {"name": "Globex Ltd", "role": "Seller"}]
    predicted = [{"name": "ACME Corporation", "role": None}, {"name": "Initech LLC", "role": None}]
    diff = list_diff("parties", truth, predicted)
    assert diff is not None
    assert diff.matched == [(truth[0], predicted[0])]  # names match after normalisation; roles ignored
    assert diff.missing == [truth[1]] and diff.extra == [predicted[1]]
    assert list_diff("title", "A", "B") is None
