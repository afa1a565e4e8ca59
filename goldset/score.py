"""Score an engine's predictions against the golden set: per-field P/R/F1, micro/macro F1, calibration, cost.

Predictions are keyed by document file name or stem; a scanned "nda-0001.tif" answers for "nda-0001.pdf".
A labelled document without a prediction is scored as an empty prediction (every labelled value a FN).
A field the label lists as unlabelled counts nothing on that document (neither FP nor FN, and no
calibration point).

Value fields (FIELD_NAMES: every field but the question groups) make micro/macro F1, calibration and
"all fields right". The clause questions are presence answers, scored apart per category
(goldset.clause_scores) into their own table and clause_macro_f1: 33 yes/no answers per document would
otherwise outweigh the dozen values and turn micro F1 into a clause score.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from pydantic import BaseModel, Field

from goldset.calibration import expected_calibration_error, reliability, threshold_curve
from goldset.clause_scores import CLAUSE_PATHS, MIN_POSITIVES, clause_metrics, clause_outcomes, clause_summary
from goldset.field_match import compare_field
from goldset.intervals import f1_interval
from goldset.labels import GoldDocument
from goldset.metrics import CostSummary, DocumentOutcome, FieldMetrics, FieldOutcome, Metrics, f1_from_counts
from goldset.type_versions import as_labelled
from schemas.contract import ContractFields
from schemas.introspect import field_paths, nested_fields, values_from_extracted
from schemas.results import ExtractedField

_GROUPS = nested_fields(ContractFields)
FIELD_NAMES: tuple[str, ...] = tuple(name for name in ContractFields.model_fields if name not in _GROUPS)
_PATHS = set(field_paths(ContractFields))


class PageStats(BaseModel):
    """What reading one document cost; summed over documents into cost per page."""

    pages: int = Field(default=0, ge=0)
    escalated_pages: int = Field(default=0, ge=0)
    tokens_in: int = Field(default=0, ge=0)
    tokens_out: int = Field(default=0, ge=0)
    latency_s: float = Field(default=0.0, ge=0)
    # None: no model was called (a CPU engine), or some call was on an unpriced model (named below).
    cost_usd: float | None = Field(default=None, ge=0)
    unpriced_models: list[str] = Field(default_factory=list)
    cost_estimated: bool = False  # some call was priced with an estimated throughput, not a measured one


class Prediction(BaseModel):
    fields: ContractFields
    confidences: dict[str, float] = Field(default_factory=dict, description="Per field, in [0, 1].")
    stats: PageStats | None = None
    engine: str | None = None


def prediction_from_extracted(
    fields: Mapping[str, ExtractedField], *, engine: str | None = None, stats: PageStats | None = None
) -> Prediction:
    """An engine's merged `dict[str, ExtractedField]` -> Prediction.

    Values that do not validate against the schema are dropped (list fields: per element), so a malformed
    answer scores as a miss instead of aborting the whole evaluation.
    """
    # An unknown confidence (None) is no calibration point: nothing measured it.
    confidences = {
        name: extracted.confidence
        for name, extracted in fields.items()
        if name in _PATHS and extracted.confidence is not None
    }
    if engine is None:
        engine = next((f"{i.engine}/{i.model}" for f in fields.values() for i in f.items), None)
    return Prediction(
        fields=values_from_extracted(fields, ContractFields),
        confidences=confidences,
        stats=stats,
        engine=engine,
    )


def _outcome(gold: GoldDocument, prediction: Prediction | None) -> DocumentOutcome:
    predicted = prediction.fields if prediction else ContractFields()
    truth_json = gold.fields.model_dump(mode="json")
    pred_json = predicted.model_dump(mode="json")
    outcomes = {}
    for name in FIELD_NAMES:
        confidence = prediction.confidences.get(name) if prediction else None
        if name in gold.unlabelled:
            outcomes[name] = FieldOutcome(scored=False, predicted=pred_json[name], confidence=confidence)
            continue
        value = getattr(predicted, name)
        if name == "contract_type":
            value = as_labelled(value, gold.schema_version)
        counts = compare_field(name, getattr(gold.fields, name), value)
        outcomes[name] = FieldOutcome(
            tp=counts.tp,
            fp=counts.fp,
            fn=counts.fn,
            truth=truth_json[name],
            predicted=pred_json[name],
            confidence=confidence,
        )
    return DocumentOutcome(
        document=gold.document,
        split=gold.split,
        predicted=prediction is not None,
        fields=outcomes,
        clauses=clause_outcomes(gold, predicted, prediction.confidences if prediction else {}),
    )


def field_metrics(outcomes: Sequence[DocumentOutcome], name: str) -> FieldMetrics:
    tp = sum(o.fields[name].tp for o in outcomes)
    fp = sum(o.fields[name].fp for o in outcomes)
    fn = sum(o.fields[name].fn for o in outcomes)
    return FieldMetrics(
        precision=tp / (tp + fp) if tp + fp else None,
        recall=tp / (tp + fn) if tp + fn else None,
        f1=f1_from_counts(tp, fp, fn),
        support=tp + fn,
        labelled_documents=sum(1 for o in outcomes if o.fields[name].tp + o.fields[name].fn > 0),
        unlabelled_documents=sum(1 for o in outcomes if not o.fields[name].scored),
        tp=tp,
        fp=fp,
        fn=fn,
    )


def _cost(predictions: Sequence[Prediction]) -> CostSummary | None:
    stats = [p.stats for p in predictions if p.stats is not None]
    pages = sum(s.pages for s in stats)
    if not pages:
        return None
    costs = [s.cost_usd for s in stats if s.cost_usd is not None]
    # One unpriced model leaves the run's cost unknown: a partial sum would pass for a cheap engine.
    unpriced = sorted({model for s in stats for model in s.unpriced_models})
    priced = bool(costs) and not unpriced
    estimated = any(s.cost_estimated for s in stats)
    return CostSummary(
        pages=pages,
        escalation_rate=sum(s.escalated_pages for s in stats) / pages,
        tokens_in_per_page=sum(s.tokens_in for s in stats) / pages,
        tokens_out_per_page=sum(s.tokens_out for s in stats) / pages,
        latency_per_page_s=sum(s.latency_s for s in stats) / pages,
        cost_per_1000_pages=1000 * sum(costs) / pages if priced else None,
        unpriced_models=unpriced,
        cost_basis=("estimated" if estimated else "measured") if priced else None,
    )


def score(
    predictions: Mapping[str, Prediction], gold: Sequence[GoldDocument], *, engine: str | None = None
) -> Metrics:
    """Score one engine's predictions (keyed by document name or stem) against `gold`."""
    by_stem = {Path(key).stem: p for key, p in predictions.items()}
    outcomes = [_outcome(g, by_stem.get(g.stem)) for g in gold]
    fields = {
        name: field_metrics(outcomes, name).model_copy(update={"f1_interval": f1_interval(outcomes, name)})
        for name in FIELD_NAMES
    }
    # Only the categories some document labels: the synthetic set labels none, so it has no clause table.
    clauses = {path: clause_metrics(outcomes, path) for path in CLAUSE_PATHS}
    clauses = {path: m for path, m in clauses.items() if m.documents}
    clause_macro_f1, clause_macro_categories, clause_coverage = clause_summary(clauses)
    tp, fp, fn = (sum(getattr(m, k) for m in fields.values()) for k in ("tp", "fp", "fn"))
    f1s = [m.f1 for m in fields.values() if m.f1 is not None]
    # Calibration over scored (document, field) pairs that carry a confidence; "correct" = no FP and no
    # FN, so a confident "nothing here" on an empty field counts as a right answer.
    scored = [
        (o.confidence, o.correct)
        for d in outcomes
        for o in d.fields.values()
        if o.scored and o.confidence is not None
    ]
    confidences = [c for c, _ in scored]
    correct = [ok for _, ok in scored]
    bins = reliability(confidences, correct)
    used = [by_stem[g.stem] for g in gold if g.stem in by_stem]
    engines = {p.engine for p in used if p.engine}
    return Metrics(
        engine=engine or (engines.pop() if len(engines) == 1 else None),
        documents=len(outcomes),
        missing_predictions=sum(not o.predicted for o in outcomes),
        micro_f1=f1_from_counts(tp, fp, fn),
        macro_f1=sum(f1s) / len(f1s) if f1s else None,
        all_fields_right=sum(o.all_right for o in outcomes) / len(outcomes) if outcomes else 0.0,
        fields=fields,
        clauses=clauses,
        clause_macro_f1=clause_macro_f1,
        clause_macro_categories=clause_macro_categories,
        clause_min_positives=MIN_POSITIVES,
        clause_coverage=clause_coverage,
        ece=expected_calibration_error(bins),
        reliability=bins if scored else [],
        thresholds=threshold_curve(confidences, correct) if scored else [],
        cost=_cost(used),
        outcomes=outcomes,
    )


def score_engines(
    runs: Mapping[str, Mapping[str, Prediction]], gold: Sequence[GoldDocument]
) -> dict[str, Metrics]:
    """The same figures for each engine/model, to compare what each is worth."""
    return {engine: score(predictions, gold, engine=engine) for engine, predictions in runs.items()}
