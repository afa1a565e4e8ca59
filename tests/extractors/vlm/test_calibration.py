"""Confidence maps as the engine applies them: found values calibrated, raw kept, the rest untouched."""

from __future__ import annotations

import asyncio

import pytest

from extractors.vlm.calibration import ConfidenceCalibration, FieldMap
from extractors.vlm.cascade import CascadeConfig, CascadeEngine
from schemas.contract import ContractFields
from schemas.results import ExtractedField, ExtractedValue, PageExtraction
from schemas.status import Status

# Raw 0.9 is right half the time, raw 1.0 always.
TITLE_MAP = FieldMap(
    method="isotonic", knots_raw=[0.9, 1.0], knots_probability=[0.5, 1.0], points=50, right=40
)
FOUND = ContractFields(title="Master Services Agreement").model_dump_json()
POOLED = FieldMap(method="platt", slope=1.0, intercept=-1.0, points=12, right=6)


def _value(value: object, confidence: float | None) -> ExtractedValue:
    return ExtractedValue(value=value, confidence=confidence, engine="vlm", model="small")


def _page() -> PageExtraction:
    fields = {
        "title": ExtractedField(items=[_value("Supply Agreement", 0.95)], confidence=0.95),
        "governing_law": ExtractedField(items=[_value("Delaware", 0.8)], confidence=0.8),
        "term": ExtractedField(items=[_value(None, 0.6)], confidence=0.6),  # "nothing here"
        "parties": ExtractedField(items=[_value({"name": "Acme"}, None)], confidence=None),  # unknown
    }
    return PageExtraction(
        page=1, status=Status.ok, engine="vlm", model="small", fields=fields, confidence=None
    )


def test_isotonic_maps_interpolate_between_knots_and_clip_outside():
    assert TITLE_MAP.probability(0.95) == pytest.approx(0.75)
    assert TITLE_MAP.probability(0.5) == pytest.approx(0.5)  # below the first knot: its probability
    assert TITLE_MAP.probability(1.0) == pytest.approx(1.0)


def test_platt_maps_follow_a_logistic_curve_on_the_logit():
    # logit(0.5) = 0, so p = 1 / (1 + e^1)
    assert POOLED.probability(0.5) == pytest.approx(1 / (1 + 2.718281828459045))
    assert POOLED.probability(0.99) > POOLED.probability(0.9) > POOLED.probability(0.5)


def test_applying_maps_found_values_keeps_the_raw_scores_and_leaves_the_rest():
    calibration = ConfidenceCalibration(fields={"title": TITLE_MAP}, pooled=POOLED)
    page = calibration.apply(_page())
    title = page.fields["title"]
    assert title.confidence == pytest.approx(0.75) and title.raw_confidence == 0.95
    assert title.items[0].confidence == pytest.approx(0.75) and title.items[0].raw_confidence == 0.95
    law = page.fields["governing_law"]  # no map of its own: the pooled one
    assert law.confidence == pytest.approx(POOLED.probability(0.8)) and law.raw_confidence == 0.8
    assert page.fields["term"] == _page().fields["term"]  # empty: its "nothing here" stays raw
    assert page.fields["parties"].confidence is None  # unknown stays unknown
    assert page.confidence is None  # the page is unknown while one of its fields is


def test_a_page_without_unknowns_is_as_sure_as_its_least_sure_calibrated_field():
    calibration = ConfidenceCalibration(fields={"title": TITLE_MAP}, pooled=None)
    original = _page()
    fields = {name: field for name, field in original.fields.items() if name != "parties"}
    page = calibration.apply(original.model_copy(update={"fields": fields}))
    assert page.fields["governing_law"].confidence == 0.8  # no map at all: raw
    assert page.confidence == pytest.approx(0.6)  # the raw "nothing here" of `term` is the lowest


def test_the_version_names_the_maps():
    one = ConfidenceCalibration(fields={"title": TITLE_MAP}, pooled=POOLED)
    other = ConfidenceCalibration(fields={"title": TITLE_MAP}, pooled=None)
    assert one.version == ConfidenceCalibration.model_validate(one.model_dump(mode="json")).version
    assert one.version != other.version and len(one.version) == 12


def _run(engine, page):
    async def go():
        try:
            [result] = await engine.extract_pages([page])
            return result
        finally:
            await engine.aclose()

    return asyncio.run(go())


def test_the_cascade_escalates_on_the_calibrated_probability_not_the_raw_score(
    fake_openai_factory, engine_for, page
):
    """A title the small model is 0.98 sure of, right half the time at that score on dev: it goes up."""
    small, large = fake_openai_factory(), fake_openai_factory()
    small.default = small.Reply(content=FOUND, logprob=lambda char: -0.001)
    large.default = large.Reply(content=FOUND, logprob=lambda char: -0.0001)
    overconfident = FieldMap(
        method="isotonic", knots_raw=[0.5, 1.0], knots_probability=[0.2, 0.55], points=80, right=30
    )

    def cascade(calibrated: bool) -> CascadeEngine:
        engine = engine_for(small.url, model="small")
        if calibrated:
            engine.calibration = ConfidenceCalibration(pooled=overconfident)
        return CascadeEngine(engine, engine_for(large.url, model="large"), CascadeConfig(threshold=0.7))

    raw = _run(cascade(calibrated=False), page)
    assert not raw.escalated and raw.fields["title"].confidence > 0.9
    calibrated = cascade(calibrated=True)
    assert f":cal-{ConfidenceCalibration(pooled=overconfident).version}" in calibrated.version
    result = _run(calibrated, page)
    assert result.escalated and result.escalation_reason == "low_confidence: title"
    assert result.model == "large"


def test_the_small_model_alone_reports_calibrated_values_with_their_raw_scores(fake_openai, engine_for, page):
    fake_openai.default = fake_openai.Reply(content=FOUND, logprob=lambda char: -0.001)
    engine = engine_for(fake_openai.url)
    uncalibrated = engine.version
    engine.calibration = ConfidenceCalibration(pooled=TITLE_MAP)
    assert engine.uncalibrated_version == uncalibrated != engine.version
    title = _run(engine, page).fields["title"]
    assert title.raw_confidence is not None and title.raw_confidence > 0.9
    assert title.confidence == pytest.approx(TITLE_MAP.probability(title.raw_confidence))
