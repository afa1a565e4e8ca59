"""95% bootstrap intervals of a field's F1, resampling documents (the unit the golden set is drawn in).

A field has 5 to 20 labelled values per split: its F1 moves by a tenth when one document changes, and
the report's bars say so. scipy.stats.bootstrap resamples the documents' (tp, fp, fn) counts together
(paired) and takes the F1 of the summed counts, the way the scorer computes it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.stats import bootstrap

from goldset.metrics import DocumentOutcome

RESAMPLES = 1000
SEED = 0  # fixed: the same run gives the same report


def _f1(tp: np.ndarray, fp: np.ndarray, fn: np.ndarray, axis: int = -1) -> np.ndarray:
    tp, fp, fn = tp.sum(axis=axis), fp.sum(axis=axis), fn.sum(axis=axis)
    denominator = 2 * tp + fp + fn
    with np.errstate(divide="ignore", invalid="ignore"):
        # A resample with nothing labelled or predicted has no F1; it counts as 0, never as a perfect 1.
        return np.where(denominator > 0, 2 * tp / np.where(denominator > 0, denominator, 1), 0.0)


def f1_interval(
    outcomes: Sequence[DocumentOutcome], field: str, *, level: float = 0.95
) -> tuple[float, float] | None:
    """Percentile interval of `field`'s F1 over document resamples; None when it cannot vary or be had."""
    counts = np.array(
        [(o.fields[field].tp, o.fields[field].fp, o.fields[field].fn) for o in outcomes if field in o.fields
         and o.fields[field].scored],
        dtype=float,
    )  # fmt: skip
    if len(counts) < 2 or not counts.sum():
        return None
    result = bootstrap(
        (counts[:, 0], counts[:, 1], counts[:, 2]),
        _f1,
        paired=True,
        vectorized=True,
        n_resamples=RESAMPLES,
        confidence_level=level,
        method="percentile",  # BCa degenerates when every resample gives the same F1 (a perfect field)
        random_state=np.random.default_rng(SEED),
    )
    low, high = result.confidence_interval
    return float(low), float(high)
