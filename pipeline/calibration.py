"""`abstractor calibrate`: the small model's confidence maps and the cascade's threshold, from the dev split.

The small model alone reads the split, under its uncalibrated version (no stored calibration applied).
Every value a page found is a point: its raw score and whether it was right (goldset.page_points), the
unit the cascade escalates on. From those points:
- the per-field maps (goldset.confidence_fit), fitted on them all: what ingestion will apply;
- the reliability before and after, the "after" cross-fitted (each document's points mapped by maps
  fitted without it), so it is not measured on what it was fitted on;
- the threshold: on the cross-fitted probabilities, with pages escalating whole as in the cascade, the
  lowest threshold whose kept values reach the target accuracy (the fewest pages sent up that reach it).
All of it is stored as one versioned record, read by the next ingest and eval (pipeline.thresholds).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from goldset.calibration import (
    ReliabilityBin,
    ThresholdPoint,
    expected_calibration_error,
    page_threshold_curve,
    reliability,
)
from goldset.confidence_fit import cross_fitted, fit_calibration
from goldset.page_points import PagePoint
from pipeline.evaluation import EvalJob, run_eval
from pipeline.thresholds import pick_threshold
from storage.db import Calibration, open_database


@dataclass(frozen=True)
class CalibrationOutcome:
    calibration_id: int
    map_version: str
    threshold: float
    accuracy: float | None
    escalation_rate: float  # share of pages sent to the large model at the threshold
    reached_target: bool
    points: int
    fields_with_own_map: list[str]
    ece_raw: float | None
    ece_calibrated: float | None
    reliability_raw: list[ReliabilityBin]
    reliability_calibrated: list[ReliabilityBin]
    curve: list[ThresholdPoint]


def _by_page(points: Sequence[PagePoint], probabilities: Sequence[float]) -> list[list[tuple[float, bool]]]:
    pages: dict[tuple[str, int], list[tuple[float, bool]]] = defaultdict(list)
    for point, probability in zip(points, probabilities, strict=True):
        pages[(point.document, point.page)].append((probability, point.right))
    return list(pages.values())


def run_calibration(job: EvalJob, target_accuracy: float) -> CalibrationOutcome:
    """Score the small model alone on `job`'s split; store its confidence maps and threshold."""
    extraction = job.ingest.extraction
    if extraction.small is None:
        raise ValueError("calibration needs a small-model endpoint (extraction.small)")
    alone = extraction.model_copy(update={"engine": "vlm", "large": None})
    outcome = run_eval(
        job.model_copy(
            update={
                "ingest": job.ingest.model_copy(update={"extraction": alone}),
                "label": f"calibration:{extraction.small.model}",
                "apply_stored_calibration": False,
            }
        )
    )
    points = outcome.page_points
    if not points:
        raise ValueError(
            "no confidences to calibrate on: the small model found no value the golden set scores, or its"
            " endpoint returns no logprobs (confidence unknown)"
        )
    calibration = fit_calibration(points)
    probabilities = cross_fitted(points)
    right = [point.right for point in points]
    before, after = reliability([p.raw for p in points], right), reliability(probabilities, right)
    curve = page_threshold_curve(_by_page(points, probabilities), outcome.pages_read)
    chosen = pick_threshold(curve, target_accuracy)
    db = open_database(job.results_database_url)
    try:
        with db.session() as session:
            record = Calibration(
                engine_version=outcome.engine_version,
                split=job.split or "all",
                goldset_hash=outcome.metrics.goldset_hash or "",
                target_accuracy=target_accuracy,
                threshold=chosen.threshold,
                accuracy=chosen.accuracy,
                escalation_rate=chosen.share_below,
                curve=[p.model_dump() for p in curve],
                confidence_map=calibration.model_dump(mode="json"),
                map_version=calibration.version,
                points=len(points),
                reliability_raw=[b.model_dump() for b in before],
                reliability_calibrated=[b.model_dump() for b in after],
            )
            session.add(record)
            session.flush()
            record_id = record.id
    finally:
        db.dispose()
    return CalibrationOutcome(
        calibration_id=record_id,
        map_version=calibration.version,
        threshold=chosen.threshold,
        accuracy=chosen.accuracy,
        escalation_rate=chosen.share_below,
        reached_target=chosen.accuracy is not None and chosen.accuracy >= target_accuracy,
        points=len(points),
        fields_with_own_map=sorted(calibration.fields),
        ece_raw=expected_calibration_error(before),
        ece_calibrated=expected_calibration_error(after),
        reliability_raw=before,
        reliability_calibrated=after,
        curve=curve,
    )
