"""The stored calibration as ingestion and eval apply it: confidence maps and the escalation threshold.

`abstractor calibrate` (pipeline/calibration.py) measures both on the golden set's dev split, for one
small model, prompt and schema (its uncalibrated engine version). The newest record for the small model
configured gives the small model its confidence maps and the cascade its threshold; a threshold override
in the settings wins over the stored threshold.
"""

from __future__ import annotations

from sqlalchemy import select

from extractors.engines.base import ExtractionEngine
from extractors.vlm.calibration import ConfidenceCalibration
from extractors.vlm.cascade import CascadeEngine
from extractors.vlm.engine import VlmEngine
from goldset.calibration import ThresholdPoint
from storage.db import Calibration, Database


def latest_calibration(db: Database, small_engine_version: str) -> Calibration | None:
    """The newest calibration measured on this very small model, prompt and schema."""
    with db.session() as session:
        record = session.scalar(
            select(Calibration)
            .where(Calibration.engine_version == small_engine_version)
            .order_by(Calibration.id.desc())
            .limit(1)
        )
        if record is not None:
            session.expunge(record)
        return record


def apply_calibration(engine: ExtractionEngine | None, db: Database, override: float | None) -> None:
    """Give the small model its newest confidence maps, and the cascade the override, else the newest
    calibrated threshold, else its configured one.

    Both are part of the engine's version, so a new calibration re-extracts on the next run.
    """
    small = engine.small if isinstance(engine, CascadeEngine) else engine
    if not isinstance(small, VlmEngine):
        return
    record = latest_calibration(db, small.uncalibrated_version)
    if record is not None and record.confidence_map is not None:
        small.calibration = ConfidenceCalibration.model_validate(record.confidence_map)
    if not isinstance(engine, CascadeEngine):
        return
    threshold = override if override is not None else (record.threshold if record is not None else None)
    if threshold is not None:
        engine.config = engine.config.model_copy(update={"threshold": threshold})


def pick_threshold(curve: list[ThresholdPoint], target: float) -> ThresholdPoint:
    """The lowest threshold whose kept answers reach `target` accuracy (fewest escalations); when none
    does, the most accurate point."""
    reaching = [point for point in curve if point.accuracy is not None and point.accuracy >= target]
    if reaching:
        return min(reaching, key=lambda point: point.threshold)
    measured = [point for point in curve if point.accuracy is not None]
    if not measured:
        raise ValueError(
            "no confidences to calibrate on: the small model found no value the golden set scores, or its"
            " endpoint returns no logprobs (confidence unknown)"
        )
    return max(measured, key=lambda point: (point.accuracy, -point.threshold))
