"""Calibration on found page values: which values are points, the maps fitted, the page-whole curve."""

from __future__ import annotations

import random

import pytest

from goldset.calibration import expected_calibration_error, page_threshold_curve, reliability
from goldset.confidence_fit import MIN_ISOTONIC, cross_fitted, fit_calibration
from goldset.labels import FIELDS_ADDED, GoldDocument
from goldset.page_points import PagePoint, page_points
from schemas.contract import ContractFields
from schemas.results import ExtractedField, ExtractedValue

GOLD = GoldDocument(
    document="supply.pdf",
    schema_version=list(FIELDS_ADDED)[-1],  # the version that labels clauses
    fields=ContractFields.model_validate(
        {
            "title": "Supply Agreement",
            "governing_law": "Delaware",
            "parties": [{"name": "Acme Inc"}, {"name": "Globex LLC"}],
            "clauses": {"anti_assignment": True, "audit_rights": False},
        }
    ),
    unlabelled={"term": "not labelled in this set"},
)


def _field(value: object, confidence: float | None, raw: float | None = None) -> ExtractedField:
    values = value if isinstance(value, list) else [value]
    items = [ExtractedValue(value=v, confidence=confidence, engine="vlm", model="small") for v in values]
    return ExtractedField(items=items, confidence=confidence, raw_confidence=raw)


def test_found_page_values_are_points_scored_against_the_documents_label():
    fields = {
        "title": _field("SUPPLY AGREEMENT", 0.9),  # right after normalisation
        "governing_law": _field("New York", 0.8),  # wrong
        "parties": _field([{"name": "Acme Inc."}], 0.7),  # one of the two: right for this page
        "effective_date": _field(None, 0.4),  # nothing found: no point
        "term": _field("2 years", 0.9),  # unlabelled here: no point
        "renewal_term": _field("1 year", None),  # confidence unknown: no point
        "clauses.anti_assignment": _field(True, 0.6),  # present, and labelled present: right
        "clauses.audit_rights": _field(True, 0.5),  # present, labelled absent: wrong
        "clauses.affiliate_license_licensee": _field(False, 0.9),  # "absent here" claims nothing
    }
    points = {p.field: p for p in page_points(GOLD, 3, fields)}
    assert set(points) == {
        "title",
        "governing_law",
        "parties",
        "clauses.anti_assignment",
        "clauses.audit_rights",
    }
    assert [points[name].right for name in sorted(points)] == [True, False, False, True, True]
    assert points["title"].page == 3 and points["title"].raw == 0.9


def test_a_party_the_document_does_not_have_makes_the_page_value_wrong():
    fields = {"parties": _field([{"name": "Acme Inc"}, {"name": "Initech"}], 0.9)}
    (point,) = page_points(GOLD, 1, fields)
    assert point.right is False


def test_a_calibrated_value_is_scored_on_its_raw_score_and_keeps_what_was_reported():
    (point,) = page_points(GOLD, 1, {"title": _field("Supply Agreement", 0.6, raw=0.99)})
    assert (point.raw, point.confidence, point.right) == (0.99, 0.6, True)


def _overconfident(field: str, count: int, documents: int, seed: int) -> list[PagePoint]:
    """Raw scores near 0.95 that are right about 60% of the time; near 0.99, 95% of the time."""
    rng = random.Random(seed)
    points = []
    for i in range(count):
        sure = rng.random() < 0.5
        raw = 0.99 if sure else 0.95
        right = rng.random() < (0.95 if sure else 0.6)
        points.append(PagePoint(f"doc-{i % documents}", i, field, raw, raw, right))
    return points


def test_maps_turn_overconfident_scores_into_the_share_that_was_right():
    points = _overconfident("title", 400, 20, seed=1) + _overconfident("term", 10, 5, seed=2)
    calibration = fit_calibration(points)
    title = calibration.fields["title"]
    assert title.method == "isotonic" and title.points == 400
    assert calibration.probability("title", 0.95) == pytest.approx(0.6, abs=0.08)
    assert calibration.probability("title", 0.99) == pytest.approx(0.95, abs=0.05)
    assert calibration.fields["term"].method == "platt"  # few points: two parameters
    assert "payment_terms_days" not in calibration.fields  # no points: the pooled map
    assert calibration.probability("payment_terms_days", 0.95) == calibration.pooled.probability(0.95)


def test_a_field_with_too_few_points_uses_the_pooled_map():
    points = _overconfident("title", MIN_ISOTONIC, 10, seed=3) + _overconfident("term", 3, 3, seed=4)
    calibration = fit_calibration(points)
    assert "term" not in calibration.fields and calibration.pooled is not None


def test_cross_fitted_probabilities_lower_the_calibration_error_on_held_out_documents():
    points = _overconfident("title", 600, 30, seed=5)
    right = [p.right for p in points]
    before = expected_calibration_error(reliability([p.raw for p in points], right))
    after = expected_calibration_error(reliability(cross_fitted(points), right))
    assert before is not None and after is not None
    assert before > 0.15 and after < 0.05


def test_cross_fitting_maps_a_document_without_its_own_points():
    # One document's values are all wrong, the others' all right, at the same raw score: held out, that
    # document is mapped by maps that never saw it, so its values read as likely right.
    points = [PagePoint(f"doc-{d}", i, "title", 0.9, 0.9, d != 0) for d in range(5) for i in range(20)]
    probabilities = cross_fitted(points)
    assert all(
        p == pytest.approx(1.0)
        for p, point in zip(probabilities, points, strict=True)
        if point.document == "doc-0"
    )


def test_pages_escalate_whole_in_the_threshold_curve():
    pages = [
        [(0.9, True), (0.3, False)],  # one unsure value sends the page, the sure one with it
        [(0.8, True)],
    ]
    curve = {round(p.threshold, 2): p for p in page_threshold_curve(pages, total_pages=4, steps=10)}
    assert curve[0.0].accuracy == pytest.approx(2 / 3) and curve[0.0].share_below == 0.0
    assert curve[0.5].accuracy == 1.0 and curve[0.5].share_below == pytest.approx(1 / 4)
    assert curve[1.0].accuracy is None and curve[1.0].share_below == pytest.approx(2 / 4)
