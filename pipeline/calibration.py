"""The cascade's escalation threshold: picked on the golden set's dev split, stored, read by ingestion.

`abstractor calibrate` runs the small model alone over the dev split and, from the accuracy of the
answers kept at each threshold (goldset.calibration.threshold_curve, field by field), picks the lowest
threshold whose kept answers reach the target accuracy: the fewest escalations that reach it. The cascade
escalates a page when one of its found values is below the threshold, so the field-level curve is the
measure of what each threshold keeps.
"""

from __future__ import annotations

from dataclasses import dataclass

from goldset.calibration import ThresholdPoint
from pipeline.evaluation import EvalJob, run_eval
from pipeline.thresholds import pick_threshold
from storage.db import Calibration, open_database


@dataclass(frozen=True)
class CalibrationOutcome:
    calibration_id: int
    threshold: float
    accuracy: float | None
    escalation_rate: float
    reached_target: bool
    curve: list[ThresholdPoint]


def run_calibration(job: EvalJob, target_accuracy: float) -> CalibrationOutcome:
    """Score the small model alone on `job`'s split and store the threshold that reaches the target."""
    extraction = job.ingest.extraction
    if extraction.small is None:
        raise ValueError("calibration needs a small-model endpoint (extraction.small)")
    alone = extraction.model_copy(update={"engine": "vlm", "large": None})
    outcome = run_eval(
        job.model_copy(
            update={
                "ingest": job.ingest.model_copy(update={"extraction": alone}),
                "label": f"calibration:{extraction.small.model}",
            }
        )
    )
    curve = outcome.metrics.thresholds
    point = pick_threshold(curve, target_accuracy)
    db = open_database(job.results_database_url)
    try:
        with db.session() as session:
            record = Calibration(
                engine_version=outcome.engine_version,
                split=job.split or "all",
                goldset_hash=outcome.metrics.goldset_hash or "",
                target_accuracy=target_accuracy,
                threshold=point.threshold,
                accuracy=point.accuracy,
                escalation_rate=point.share_below,
                curve=[p.model_dump() for p in curve],
            )
            session.add(record)
            session.flush()
            record_id = record.id
    finally:
        db.dispose()
    reached = point.accuracy is not None and point.accuracy >= target_accuracy
    return CalibrationOutcome(record_id, point.threshold, point.accuracy, point.share_below, reached, curve)
