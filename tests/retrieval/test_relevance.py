"""The relevance calibration: a logistic fit on cosine, the floor, and loading only for its encoder."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from retrieval.relevance import fit_calibration, load_calibration


def rankings(seed: int = 0) -> list[list[tuple[float, bool]]]:
    """Queries whose relevant documents sit near 0.6 cosine and irrelevant ones near 0.3."""
    rng = np.random.default_rng(seed)
    found = []
    for query in range(60):
        answerable = query % 4 != 0
        docs = [(float(rng.normal(0.6, 0.05)), True)] if answerable else []
        docs += [(float(rng.normal(0.3, 0.05)), False) for _ in range(5)]
        found.append(sorted(docs, reverse=True))
    return found


def test_the_fit_separates_relevant_from_irrelevant_and_the_floor_sits_between() -> None:
    calibration = fit_calibration(rankings(), "text=m", {"goldset": "g"})
    assert calibration.slope > 0
    assert calibration.probability(0.65) > 0.9 and calibration.probability(0.25) < 0.1
    assert 0.35 < calibration.fitted_on["floor_cosine"] < 0.6
    assert calibration.fitted_on["floor_balanced_accuracy"] == pytest.approx(1.0)
    assert calibration.probability(calibration.fitted_on["floor_cosine"]) == pytest.approx(
        calibration.floor, abs=1e-4
    )
    assert (calibration.fitted_on["queries"], calibration.fitted_on["documents"]) == (60, 60 * 5 + 45)


def test_no_irrelevant_first_document_means_nothing_to_calibrate() -> None:
    only_good = [[(0.6, True), (0.3, False)] for _ in range(5)]
    with pytest.raises(ValueError, match="among the first"):
        fit_calibration(only_good, "text=m", {})


def test_a_calibration_loads_only_for_the_encoder_it_was_fitted_for(tmp_path: Path) -> None:
    path = tmp_path / "relevance.json"
    fit_calibration(rankings(), "text=m;passages=20-120", {}).save(path)
    assert load_calibration("text=m;passages=20-120", path) is not None
    assert load_calibration("text=m;passages=30-150", path) is None
    assert load_calibration("text=m", tmp_path / "missing.json") is None


def test_the_packaged_calibration_is_for_the_default_text_encoder_and_fitted_on_dev() -> None:
    from retrieval.embedders.config import EmbedderConfig
    from retrieval.encoder import PageEncoder

    packaged = load_calibration(PageEncoder(EmbedderConfig()).text_version)
    assert packaged is not None, "refit: abstractor eval --search --split dev --calibrate ... (README)"
    assert packaged.fitted_on["split"] == "dev" and packaged.slope > 0
    assert packaged.probability(packaged.fitted_on["floor_cosine"]) == pytest.approx(packaged.floor, abs=1e-3)
