"""The scorer's result shapes. `Metrics` JSON is what metrics.json holds and what the gate reads back."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from goldset.calibration import ReliabilityBin, ThresholdPoint


def f1_from_counts(tp: int, fp: int, fn: int) -> float | None:
    """2TP / (2TP + FP + FN); None when nothing was labelled or predicted (excluded from macro F1)."""
    denominator = 2 * tp + fp + fn
    return 2 * tp / denominator if denominator else None


class FieldOutcome(BaseModel):
    """One field of one document: counts, both values (JSON form) and the prediction's confidence."""

    scored: bool = Field(default=True, description="False: the golden set does not label this field here.")
    tp: int = 0
    fp: int = 0
    fn: int = 0
    truth: Any = None
    predicted: Any = None
    confidence: float | None = None

    @property
    def correct(self) -> bool:
        return self.fp == 0 and self.fn == 0


class ClauseOutcome(BaseModel):
    """One clause category of one document: the label's answer and the engine's (None: not answered)."""

    scored: bool = Field(default=True, description="False: the golden set does not label it here.")
    truth: bool | None = None
    predicted: bool | None = None
    confidence: float | None = None

    @property
    def found(self) -> bool:
        # An unanswered category counts as predicted absent: a reader who asks gets no clause back.
        return self.predicted is True

    @property
    def correct(self) -> bool:
        return not self.scored or self.found == self.truth


class DocumentOutcome(BaseModel):
    document: str
    split: str
    predicted: bool = Field(description="False when the engine returned nothing for this document.")
    fields: dict[str, FieldOutcome]
    clauses: dict[str, ClauseOutcome] = Field(
        default_factory=dict, description="By `clauses.<slug>`; empty in runs scored before clauses were."
    )

    @property
    def all_right(self) -> bool:
        return all(o.correct for o in self.fields.values())


class FieldMetrics(BaseModel):
    precision: float | None
    recall: float | None
    f1: float | None
    support: int = Field(description="Labelled values (list fields: elements).")
    labelled_documents: int = Field(description="Documents whose label has this field; the gate's threshold.")
    unlabelled_documents: int = Field(default=0, description="Documents whose label does not score it.")
    tp: int
    fp: int
    fn: int
    # 95% bootstrap interval over documents (goldset.intervals); None in runs scored before it was.
    f1_interval: tuple[float, float] | None = None


class ClauseMetrics(BaseModel):
    """One clause category over the scored documents: presence counted per document."""

    precision: float | None
    recall: float | None
    f1: float | None = Field(description="Unanswered counts as absent; None with no positives either side.")
    support: int = Field(description="Documents labelled as having the clause.")
    documents: int = Field(description="Documents whose label answers the category.")
    answered: int = Field(description="Of those, the documents the engine answered (true or false).")
    coverage: float | None = Field(description="Share of those documents the engine answered at all.")
    in_macro: bool = Field(description="Whether clause_macro_f1 averages this category.")
    tp: int
    fp: int
    fn: int
    tn: int


class CostSummary(BaseModel):
    pages: int
    escalation_rate: float
    tokens_in_per_page: float
    tokens_out_per_page: float
    latency_per_page_s: float
    # None: no model calls (a CPU engine), or unpriced: some call was on a model of `unpriced_models`.
    cost_per_1000_pages: float | None
    unpriced_models: list[str] = Field(default_factory=list)
    # measured: server-counted tokens x cited prices, or measured pages/hour; estimated: some model's
    # pages/hour is a published figure (extractors.vlm.cost). None with no cost.
    cost_basis: Literal["measured", "estimated"] | None = None


class PageCalibration(BaseModel):
    """Confidence of the values pages found (the unit the cascade escalates on), before and after the
    calibration the engine applied (goldset.page_points)."""

    points: int
    calibration: str | None = Field(description="The confidence maps' version; None: raw scores only.")
    ece_raw: float | None
    ece: float | None = Field(description="Of the confidences reviewers saw (calibrated when calibrated).")
    reliability_raw: list[ReliabilityBin]
    reliability: list[ReliabilityBin]


class RunSummary(BaseModel):
    """One past run, as the report's trend plot needs it."""

    label: str
    micro_f1: float | None
    macro_f1: float | None
    fields: dict[str, float | None]
    clause_macro_f1: float | None = None
    goldset_hash: str | None = None
    engine: str | None = None


class Metrics(BaseModel):
    engine: str | None = None
    # The engine's full version: model, prompt, schema and, for the cascade, the threshold it ran with.
    engine_version: str | None = None
    goldset: str | None = Field(default=None, description="The golden set's name, or its folder.")
    variant: str | None = Field(default=None, description="scanned or born-digital: the documents scored.")
    goldset_hash: str | None = None
    documents: int
    missing_predictions: int
    micro_f1: float | None = Field(description="Over the value fields; clauses are scored apart.")
    macro_f1: float | None
    all_fields_right: float
    fields: dict[str, FieldMetrics] = Field(description="The value fields (every field but the clauses).")
    # Runs scored before clauses were read back with these defaults: no clause figures.
    clauses: dict[str, ClauseMetrics] = Field(default_factory=dict, description="By `clauses.<slug>`.")
    clause_macro_f1: float | None = Field(
        default=None, description="Mean F1 over the categories with enough labelled positives (in_macro)."
    )
    clause_macro_categories: int = Field(default=0, description="How many categories that mean averages.")
    clause_min_positives: int | None = Field(default=None, description="Positives a category needs for it.")
    clause_coverage: float | None = Field(default=None, description="Share of scored answers given at all.")
    ece: float | None
    reliability: list[ReliabilityBin]
    thresholds: list[ThresholdPoint]
    # Runs scored before page values were scored for calibration have none.
    page_calibration: PageCalibration | None = None
    cost: CostSummary | None
    outcomes: list[DocumentOutcome]

    def summary(self, label: str) -> RunSummary:
        return RunSummary(
            label=label,
            micro_f1=self.micro_f1,
            macro_f1=self.macro_f1,
            fields={name: m.f1 for name, m in self.fields.items()},
            clause_macro_f1=self.clause_macro_f1,
            goldset_hash=self.goldset_hash,
            engine=self.engine,
        )
