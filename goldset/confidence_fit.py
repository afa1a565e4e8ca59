"""Fitting the per-field confidence maps (extractors.vlm.calibration) on page points of the dev split.

- A field with at least MIN_ISOTONIC points gets isotonic regression: no shape assumed, but it needs
  points to avoid fitting noise into steps.
- A field with at least MIN_PLATT points, right and wrong ones both, gets Platt scaling: two parameters.
- Any other field uses the map fitted on every field's points pooled (isotonic or Platt by the same rule).
The figures a report shows for the maps (reliability after, the threshold it picks) come from
cross-fitting: each document's points are mapped by maps fitted without that document (grouped folds,
since the pages of one contract are alike), so "after" is not measured on the points it was fitted on.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from extractors.vlm.calibration import ConfidenceCalibration, FieldMap, logit
from goldset.page_points import PagePoint

MIN_ISOTONIC = 40
MIN_PLATT = 8
FOLDS = 5


def fit_map(raw: Sequence[float], right: Sequence[bool]) -> FieldMap | None:
    """The map for one set of points, or None when there are too few to fit one."""
    count, hits = len(raw), sum(right)
    if count >= MIN_ISOTONIC:
        isotonic = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip")
        isotonic.fit(np.asarray(raw, dtype=float), np.asarray(right, dtype=float))
        return FieldMap(
            method="isotonic",
            knots_raw=[float(x) for x in isotonic.X_thresholds_],
            knots_probability=[float(y) for y in isotonic.y_thresholds_],
            points=count,
            right=hits,
        )
    if count >= MIN_PLATT and 0 < hits < count:
        logistic = LogisticRegression()
        logistic.fit(np.array([[logit(x)] for x in raw]), np.asarray(right, dtype=int))
        slope, intercept = float(logistic.coef_[0][0]), float(logistic.intercept_[0])
        return FieldMap(method="platt", slope=slope, intercept=intercept, points=count, right=hits)
    return None


def fit_calibration(points: Sequence[PagePoint]) -> ConfidenceCalibration:
    by_field: dict[str, list[PagePoint]] = defaultdict(list)
    for point in points:
        by_field[point.field].append(point)
    fields = {}
    for name, members in sorted(by_field.items()):
        fitted = fit_map([p.raw for p in members], [p.right for p in members])
        if fitted is not None:
            fields[name] = fitted
    pooled = fit_map([p.raw for p in points], [p.right for p in points])
    return ConfidenceCalibration(fields=fields, pooled=pooled)


def cross_fitted(points: Sequence[PagePoint]) -> list[float]:
    """Each point's calibrated probability from maps fitted on the other documents' points.

    With a single document there is nothing to hold out: the points are mapped in-sample.
    """
    documents = sorted({p.document for p in points})
    if len(documents) < 2:
        calibration = fit_calibration(points)
        return [_mapped(calibration, p) for p in points]
    groups = [documents.index(p.document) for p in points]
    out = [0.0] * len(points)
    folds = GroupKFold(n_splits=min(FOLDS, len(documents)))
    for train, held_out in folds.split(np.zeros(len(points)), groups=groups):
        calibration = fit_calibration([points[i] for i in train])
        for i in held_out:
            out[i] = _mapped(calibration, points[i])
    return out


def _mapped(calibration: ConfidenceCalibration, point: PagePoint) -> float:
    probability = calibration.probability(point.field, point.raw)
    return point.raw if probability is None else probability
