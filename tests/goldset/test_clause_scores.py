"""Clause presence scores on a KNOWN fake extraction, beside the value fields they must not disturb."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from goldset.labels import GoldDocument, load_goldset
from goldset.metrics import Metrics
from goldset.report import collect_wrong_answers, write_report
from goldset.score import FIELD_NAMES, Prediction, prediction_from_extracted, score
from goldset.sets import NAMED
from schemas.contract import SCHEMA_VERSION, ContractFields
from schemas.results import ExtractedField, ExtractedValue

AUDIT, EXCLUSIVITY = "clauses.audit_rights", "clauses.exclusivity"


def _gold(index: int) -> GoldDocument:
    unlabelled = {EXCLUSIVITY: "redacted in the filing"} if index == 9 else {}
    return GoldDocument.model_validate(
        {
            "document": f"c{index}.pdf",
            "schema_version": SCHEMA_VERSION,
            "fields": {
                "title": f"Agreement {index}",
                "renewal_notice_days": 90 if index == 0 else None,
                "clauses": {
                    "audit_rights": index < 8,  # 8 positives: in the macro F1
                    **({} if index == 9 else {"exclusivity": index < 2}),  # 2 positives: not in it
                },
            },
            "unlabelled": unlabelled,
        }
    )


def _field(value: object) -> ExtractedField:
    return ExtractedField(
        items=[ExtractedValue(value=value, confidence=0.7, engine="fake", model="m")], confidence=0.7
    )


# Per document, the engine's clause answers; a category left out was not answered (no item).
ANSWERS: dict[int, dict[str, bool]] = {
    **{i: {AUDIT: True, EXCLUSIVITY: False} for i in range(2, 6)},
    0: {AUDIT: True, EXCLUSIVITY: True},
    1: {AUDIT: True},  # exclusivity unanswered on a positive: FN
    6: {AUDIT: False, EXCLUSIVITY: False},  # a missed audit clause: FN
    7: {EXCLUSIVITY: False},  # audit unanswered on a positive: FN
    8: {AUDIT: True, EXCLUSIVITY: False},  # an audit clause that is not there: FP
    9: {EXCLUSIVITY: True},  # audit unanswered on a negative: TN; exclusivity unlabelled here: nothing
}
GOLD = [_gold(i) for i in range(10)]


def _predictions() -> dict[str, Prediction]:
    out = {}
    for index, answers in ANSWERS.items():
        fields = {"title": _field(f"Agreement {index}")} | {path: _field(v) for path, v in answers.items()}
        if index == 0:
            fields["renewal_notice_days"] = _field(90)
        out[f"c{index}.pdf"] = prediction_from_extracted(fields)
    return out


@pytest.fixture(scope="module")
def metrics() -> Metrics:
    return score(_predictions(), GOLD)


def test_clause_counts_per_category(metrics: Metrics) -> None:
    audit = metrics.clauses[AUDIT]
    assert (audit.tp, audit.fp, audit.fn, audit.tn) == (6, 1, 2, 1)
    assert audit.precision == pytest.approx(6 / 7) and audit.recall == pytest.approx(6 / 8)
    assert audit.f1 == pytest.approx(12 / 15)
    assert (audit.support, audit.documents, audit.answered, audit.coverage) == (8, 10, 8, 0.8)
    assert audit.in_macro
    exclusivity = metrics.clauses[EXCLUSIVITY]
    assert (exclusivity.tp, exclusivity.fp, exclusivity.fn, exclusivity.tn) == (1, 0, 1, 7)
    assert exclusivity.documents == 9 and exclusivity.coverage == pytest.approx(8 / 9)
    assert not exclusivity.in_macro


def test_headline_clause_figures(metrics: Metrics) -> None:
    # Only categories some document labels are reported; only those with >= 8 positives are averaged.
    assert set(metrics.clauses) == {AUDIT, EXCLUSIVITY}
    assert metrics.clause_macro_f1 == pytest.approx(0.8) and metrics.clause_macro_categories == 1
    assert metrics.clause_min_positives == 8
    assert metrics.clause_coverage == pytest.approx(16 / 19)


def test_value_fields_exclude_the_clauses_and_include_the_renewal_notice(metrics: Metrics) -> None:
    assert "clauses" not in FIELD_NAMES and "clauses" not in metrics.fields
    notice = metrics.fields["renewal_notice_days"]
    assert (notice.tp, notice.fp, notice.fn, notice.labelled_documents) == (1, 0, 0, 1)
    assert metrics.micro_f1 == 1.0  # every title and the notice right: the clause mistakes are apart
    assert metrics.all_fields_right == 1.0


def test_an_unknown_prediction_for_a_whole_document_counts_as_absent_and_unanswered() -> None:
    metrics = score({}, GOLD[:1])
    audit = metrics.clauses[AUDIT]
    assert (audit.fn, audit.answered, audit.coverage) == (1, 0, 0.0)


def test_cuad_dev_labels_as_predictions_score_perfectly() -> None:
    dev = load_goldset(NAMED["cuad"], split="dev")
    metrics = score({d.document: Prediction(fields=d.fields) for d in dev}, dev)
    assert len(metrics.clauses) == 33
    assert metrics.clause_macro_f1 == 1.0 and metrics.clause_coverage == 1.0
    assert metrics.clause_macro_categories == sum(m.support >= 8 for m in metrics.clauses.values()) > 10
    assert metrics.fields["contract_type"].labelled_documents > 100


def test_the_report_shows_both_tables_and_the_headline(metrics: Metrics, tmp_path: Path) -> None:
    wrong = collect_wrong_answers(metrics)
    assert {(w.document, w.field) for w in wrong} == {
        ("c1.pdf", EXCLUSIVITY),
        ("c6.pdf", AUDIT),
        ("c7.pdf", AUDIT),
        ("c8.pdf", AUDIT),
    }
    report, metrics_json = write_report(metrics, tmp_path, wrong_answers=wrong)
    html = report.read_text(encoding="utf-8")
    assert "clause macro F1 0.800 over 1 categories" in html and "value micro F1 1.000" in html
    assert "<td>audit_rights</td>" in html and "<td>renewal_notice_days</td>" in html
    assert Metrics.model_validate_json(metrics_json.read_text()).clauses[AUDIT].tp == 6


def test_a_run_stored_before_clause_scores_still_loads_and_reports(metrics: Metrics, tmp_path: Path) -> None:
    stored = json.loads(metrics.model_dump_json())
    for key in [key for key in stored if key.startswith("clause")]:
        del stored[key]
    for outcome in stored["outcomes"]:
        del outcome["clauses"]
    old = Metrics.model_validate(stored)
    assert old.clauses == {} and old.summary("then").clause_macro_f1 is None
    report, _ = write_report(old, tmp_path, history=[metrics.summary("later")])
    assert "No clause scores" in report.read_text(encoding="utf-8")
    assert ContractFields.model_fields.keys() - set(old.fields) == {"clauses"}
