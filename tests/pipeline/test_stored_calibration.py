"""The newest calibration as ingestion applies it: the small model's maps, the cascade's threshold."""

from __future__ import annotations

import pytest

from extractors.engines.config import ExtractionConfig
from extractors.engines.registry import build_engine
from extractors.vlm.calibration import ConfidenceCalibration, FieldMap
from extractors.vlm.cascade import CascadeEngine
from extractors.vlm.client import EndpointConfig
from extractors.vlm.engine import VlmEngine
from pipeline.thresholds import apply_calibration
from schemas.contract import ContractFields
from storage.db import Calibration, open_database

MAPS = ConfidenceCalibration(
    pooled=FieldMap(method="platt", slope=0.5, intercept=-0.2, points=20, right=12),
)


def _config(large: bool) -> ExtractionConfig:
    # No request is sent: the endpoints only have to name their models.
    small = EndpointConfig(base_url="http://127.0.0.1:9/v1", model="small")
    return ExtractionConfig(small=small, large=small.model_copy(update={"model": "large"}) if large else None)


@pytest.fixture
def db(tmp_path):
    database = open_database(f"sqlite:///{tmp_path / 'production.db'}")
    yield database
    database.dispose()


def _store(db, engine_version: str, threshold: float, maps: ConfidenceCalibration | None) -> None:
    with db.session() as session:
        session.add(
            Calibration(
                engine_version=engine_version,
                split="dev",
                goldset_hash="h",
                target_accuracy=0.9,
                threshold=threshold,
                accuracy=0.9,
                escalation_rate=0.1,
                confidence_map=maps.model_dump(mode="json") if maps else None,
                map_version=maps.version if maps else None,
            )
        )


def test_the_cascade_takes_the_newest_maps_and_threshold_of_its_small_model(db):
    engine = build_engine(_config(large=True), ContractFields)
    assert isinstance(engine, CascadeEngine)
    raw_version = engine.small.uncalibrated_version
    _store(db, raw_version, 0.6, None)
    _store(db, raw_version, 0.75, MAPS)
    _store(db, raw_version.replace("vlm:small", "vlm:other"), 0.1, None)  # another model's: ignored
    apply_calibration(engine, db, override=None)
    assert engine.config.threshold == 0.75
    assert engine.small.calibration == MAPS and engine.large.calibration is None
    assert f":cal-{MAPS.version}" in engine.version and "|t=0.75|" in engine.version


def test_an_override_wins_over_the_stored_threshold_but_not_over_the_maps(db):
    engine = build_engine(_config(large=True), ContractFields)
    _store(db, engine.small.uncalibrated_version, 0.75, MAPS)
    apply_calibration(engine, db, override=0.4)
    assert engine.config.threshold == 0.4 and engine.small.calibration == MAPS


def test_the_small_model_alone_takes_the_maps(db):
    engine = build_engine(_config(large=False), ContractFields)
    assert isinstance(engine, VlmEngine)
    _store(db, engine.uncalibrated_version, 0.75, MAPS)
    apply_calibration(engine, db, override=None)
    assert engine.calibration == MAPS


def test_a_record_from_before_maps_gives_only_its_threshold(db):
    engine = build_engine(_config(large=True), ContractFields)
    _store(db, engine.small.uncalibrated_version, 0.65, None)
    apply_calibration(engine, db, override=None)
    assert engine.config.threshold == 0.65 and engine.small.calibration is None
    assert ":cal-" not in engine.version


def test_without_a_calibration_the_configured_threshold_stays(db):
    engine = build_engine(_config(large=True), ContractFields)
    apply_calibration(engine, db, override=None)
    assert engine.config.threshold == ExtractionConfig().cascade.threshold
