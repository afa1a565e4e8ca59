"""The cascade's escalation threshold as ingestion uses it: an override, else the newest calibration.

`abstractor calibrate` (pipeline/calibration.py) measures it on the golden set's dev split.
"""

from __future__ import annotations

from sqlalchemy import select

from extractors.engines.base import ExtractionEngine
from extractors.vlm.cascade import CascadeEngine
from goldset.calibration import ThresholdPoint
from storage.db import Calibration, Database


def latest_threshold(db: Database, small_engine_version: str) -> float | None:
    """The newest calibrated threshold measured on this very small model, prompt and schema."""
    with db.session() as session:
        return session.scalar(
            select(Calibration.threshold)
            .where(Calibration.engine_version == small_engine_version)
            .order_by(Calibration.id.desc())
            .limit(1)
        )


def apply_threshold(engine: ExtractionEngine | None, db: Database, override: float | None) -> None:
    """Set the cascade's threshold: the override, else the newest calibration, else its configured one.

    The threshold is part of the cascade's version, so a new calibration re-extracts on the next run.
    """
    if not isinstance(engine, CascadeEngine):
        return
    threshold = override if override is not None else latest_threshold(db, engine.small.version)
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
            "no confidences to calibrate on: the small model answered nothing, or its endpoint returns no"
            " logprobs (confidence unknown)"
        )
    return max(measured, key=lambda point: (point.accuracy, -point.threshold))
