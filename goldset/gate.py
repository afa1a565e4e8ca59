"""Regression gate: does a run's per-field F1 fall below what the accepted baseline supports?

A field REGRESSES when (1) the baseline labels it in at least `min_examples` documents, (2) the run's F1 is
below the lower end of the baseline's 95 % bootstrap interval (documents resampled with replacement,
1000 seeded draws), and (3) it stays below even after forgiving any ONE document (its run outcome replaced
by the baseline's). (3) keeps one document from tripping the gate when the baseline is perfect on a
field and its bootstrap interval collapses to [1, 1].

    python -m goldset.gate RUN_METRICS_JSON BASELINE_METRICS_JSON   # exit 4 when a field regresses
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from goldset.metrics import DocumentOutcome, Metrics, f1_from_counts

EXIT_REGRESSION = 4


def _counts(outcomes: Sequence[DocumentOutcome], field: str) -> np.ndarray:
    rows = [[o.fields[field].tp, o.fields[field].fp, o.fields[field].fn] for o in outcomes]
    return np.array(rows, dtype=float).reshape(-1, 3)  # (docs, 3)


def bootstrap_interval(
    outcomes: Sequence[DocumentOutcome], field: str, *, draws: int = 1000, seed: int = 0, level: float = 0.95
) -> tuple[float, float] | None:
    """Percentile interval of the field's F1 over document resamples; None if it is never defined."""
    counts = _counts(outcomes, field)
    if len(counts) == 0:
        return None
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(counts), size=(draws, len(counts)))  # (draws, docs)
    tp, fp, fn = counts[picks].sum(axis=1).T  # each (draws,)
    denominator = 2 * tp + fp + fn
    with np.errstate(divide="ignore", invalid="ignore"):
        f1 = np.where(denominator > 0, 2 * tp / denominator, np.nan)
    if np.all(np.isnan(f1)):
        return None
    tail = (1 - level) / 2
    low, high = np.nanquantile(f1, [tail, 1 - tail])
    return float(low), float(high)


def _best_with_one_forgiven(run: Metrics, baseline: Metrics, field: str) -> float | None:
    """The run's F1 on `field` after replacing its worst single document with the baseline's outcome."""
    base = {o.document: o.fields[field] for o in baseline.outcomes}
    total = _counts(run.outcomes, field).sum(axis=0)
    best = f1_from_counts(*(int(v) for v in total))
    for doc in run.outcomes:
        mine = doc.fields[field]
        if mine.correct:
            continue
        theirs = base.get(doc.document)
        swap = (theirs.tp, theirs.fp, theirs.fn) if theirs else (0, 0, 0)
        counts = total - np.array([mine.tp, mine.fp, mine.fn]) + np.array(swap)
        f1 = f1_from_counts(*(int(v) for v in counts))
        if f1 is not None and (best is None or f1 > best):
            best = f1
    return best


def regressed_fields(
    run: Metrics,
    baseline: Metrics,
    *,
    min_examples: int = 20,
    draws: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> list[str]:
    regressed = []
    for field, base in baseline.fields.items():
        current = run.fields.get(field)
        if current is None or current.f1 is None or base.labelled_documents < min_examples:
            continue
        interval = bootstrap_interval(baseline.outcomes, field, draws=draws, seed=seed, level=level)
        if interval is None or current.f1 >= interval[0]:
            continue
        forgiven = _best_with_one_forgiven(run, baseline, field)
        if forgiven is not None and forgiven < interval[0]:
            regressed.append(field)
    return regressed


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 2:
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    run, baseline = (Metrics.model_validate_json(Path(a).read_text(encoding="utf-8")) for a in args)
    regressed = regressed_fields(run, baseline)
    for field in regressed:
        print(f"REGRESSED {field}: F1 {run.fields[field].f1:.3f} (baseline {baseline.fields[field].f1:.3f})")
    return EXIT_REGRESSION if regressed else 0


if __name__ == "__main__":
    raise SystemExit(main())
