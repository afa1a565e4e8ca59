"""Calibration points on the unit the cascade decides on: each value a page found, right or wrong.

The cascade escalates a page when one of its found values is below the threshold, so confidence is
calibrated on found page values, not on merged document fields (where an empty field counts as an answer
and a value is the best of several pages). A page value is right when it agrees with the document's label:
- a scalar value: it matches the labelled value (goldset.field_match rules);
- a list value (parties, signatories): every element the page lists is one of the labelled ones; a page
  that names one of two parties is right, since the other may be named on another page;
- a clause answer "present": the document is labelled as having the clause. "Absent" on one page is no
  claim about the document (the clause may be on another page), so it is no point.
Fields the label does not score on a document, and values whose confidence is unknown, are no points.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from goldset.clause_scores import CLAUSE_PATHS
from goldset.field_match import compare_field
from goldset.labels import GoldDocument
from goldset.type_versions import as_labelled
from schemas.contract import ContractFields
from schemas.introspect import flatten_values, values_from_extracted
from schemas.results import ExtractedField


@dataclass(frozen=True)
class PagePoint:
    document: str
    page: int
    field: str
    raw: float  # the model's own score (before any calibration)
    confidence: float  # what the engine reported: calibrated when a calibration was applied
    right: bool


def _raw(field: ExtractedField) -> float | None:
    return field.raw_confidence if field.raw_confidence is not None else field.confidence


def page_points(gold: GoldDocument, page: int, fields: Mapping[str, ExtractedField]) -> list[PagePoint]:
    """The calibration points of one page of the labelled document `gold`."""
    truth = flatten_values(ContractFields, gold.fields.model_dump())
    read = values_from_extracted(fields, ContractFields)
    answers = flatten_values(ContractFields, read.model_dump())
    points = []
    for name, field in fields.items():
        raw = _raw(field)
        found = name in answers and answers[name] not in (None, [])
        if raw is None or field.confidence is None or not found or not gold.scores(name):
            continue
        if name in CLAUSE_PATHS:
            if answers[name] is not True or truth[name] is None:
                continue
            right = truth[name] is True
        else:
            value = getattr(read, name)  # the schema's objects (parties, money), as field_match takes
            if name == "contract_type":
                value = as_labelled(value, gold.schema_version)
            right = compare_field(name, getattr(gold.fields, name), value).fp == 0
        points.append(PagePoint(gold.document, page, name, raw, field.confidence, right))
    return points
