"""Calibrated confidence: each field's raw model score mapped to the probability that the value is right.

A raw confidence (the probability the model gave its tokens, confidence.py) ranks values, but it is not
the chance of being right: a model can be 0.99 sure of a wrong date. `abstractor calibrate` fits one
monotone map per field from raw score to the share of values that were right, on the golden set's dev
split and on the unit the cascade decides on: the values a page found (goldset.calibration). The engine
applies the newest map to every value it finds and keeps the raw score beside it (`raw_confidence`); the
cascade's threshold is then a probability of being right, and reviewers read that probability.

Two kinds of map: isotonic regression (a non-decreasing step function, interpolated between its knots)
where a field has enough points, and Platt scaling (a logistic curve on the logit of the raw score) where
it has few. A field with fewer still uses the map fitted on every field pooled.

"Nothing here" confidences (a field left empty) stay raw: the maps were not fitted on them.
"""

from __future__ import annotations

import hashlib
import json
import math
from typing import Literal

import numpy as np
from pydantic import BaseModel, Field

from extractors.vlm.confidence import page_confidence
from schemas.results import ExtractedField, ExtractedValue, PageExtraction

# Raw scores are clipped this far from 0 and 1 before the logit: the model reports exact 1.0 often.
_EPSILON = 1e-6


def logit(raw: float) -> float:
    clipped = min(max(raw, _EPSILON), 1 - _EPSILON)
    return math.log(clipped / (1 - clipped))


class FieldMap(BaseModel):
    """One field's map from raw score to probability of being right."""

    method: Literal["isotonic", "platt"]
    knots_raw: list[float] = Field(default_factory=list)  # isotonic: increasing raw scores
    knots_probability: list[float] = Field(default_factory=list)  # isotonic: the probability at each
    slope: float = 0.0  # platt: p = 1 / (1 + exp(-(slope * logit(raw) + intercept)))
    intercept: float = 0.0
    points: int = Field(ge=0)  # the dev values it was fitted on
    right: int = Field(ge=0)  # of those, the right ones

    def probability(self, raw: float) -> float:
        if self.method == "isotonic":
            return float(np.interp(raw, self.knots_raw, self.knots_probability))
        return 1.0 / (1.0 + math.exp(-(self.slope * logit(raw) + self.intercept)))


class ConfidenceCalibration(BaseModel):
    """The maps of one small model's fields, fitted together on one dev split."""

    fields: dict[str, FieldMap] = Field(default_factory=dict)
    pooled: FieldMap | None = None  # for the fields without enough points of their own

    @property
    def version(self) -> str:
        """Identifies the maps: part of the engine version, so new maps re-extract on the next run."""
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True)
        return hashlib.sha256(canonical.encode()).hexdigest()[:12]

    def map_for(self, field: str) -> FieldMap | None:
        return self.fields.get(field, self.pooled)

    def probability(self, field: str, raw: float | None) -> float | None:
        """The calibrated probability of a raw score; unknown stays unknown, an unmapped field raw."""
        if raw is None:
            return None
        fitted = self.map_for(field)
        return raw if fitted is None else fitted.probability(raw)

    def apply(self, page: PageExtraction) -> PageExtraction:
        """`page` with each found value's confidence calibrated and its raw score kept."""
        if not page.fields:
            return page
        fields = {name: self._field(name, field) for name, field in page.fields.items()}
        confidence = page_confidence(field.confidence for field in fields.values())
        return page.model_copy(update={"fields": fields, "confidence": confidence})

    def _field(self, name: str, field: ExtractedField) -> ExtractedField:
        if not any(item.value is not None for item in field.items):
            return field
        items = [self._item(name, item) for item in field.items]
        return field.model_copy(
            update={
                "items": items,
                "confidence": self.probability(name, field.confidence),
                "raw_confidence": field.confidence,
            }
        )

    def _item(self, name: str, item: ExtractedValue) -> ExtractedValue:
        if item.value is None:
            return item
        calibrated = self.probability(name, item.confidence)
        return item.model_copy(update={"confidence": calibrated, "raw_confidence": item.confidence})
