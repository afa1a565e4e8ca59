"""Counting rules and figures on KNOWN predictions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from goldset.calibration import expected_calibration_error, reliability
from goldset.field_match import Counts, compare_field
from goldset.labels import GoldDocument, load_goldset
from goldset.score import PageStats, Prediction, prediction_from_extracted, score
from schemas.contract import ContractFields, ContractType, Money, Party, Signatory
from schemas.results import ExtractedField, ExtractedValue


def _doc(name: str, **fields: object) -> GoldDocument:
    return GoldDocument(document=name, split="test", fields=ContractFields.model_validate(fields))


GOLD = [
    _doc(
        "a.pdf",
        contract_type="nda",
        parties=[{"name": "Acme Holdings, L.L.C."}, {"name": "Bluestone Labs Inc."}],
        effective_date="2024-03-03",
        governing_law="New York",
        term="24 months",
        contract_value={"amount": 1250000, "currency": "USD"},
    ),
    _doc("b.pdf", contract_type="lease", effective_date="2023-01-01"),
]


def test_counting_rules_scalar() -> None:
    assert compare_field("effective_date", None, None) == Counts()  # empty vs empty: nothing counted
    assert compare_field("effective_date", None, dt.date(2024, 1, 1)) == Counts(fp=1)
    missed = compare_field("effective_date", dt.date(2024, 1, 1), None)
    assert (missed.tp, missed.fp, missed.fn) == (0, 0, 1)
    wrong = compare_field("effective_date", dt.date(2024, 1, 1), dt.date(2024, 1, 2))
    assert (wrong.tp, wrong.fp, wrong.fn) == (0, 1, 1)  # a wrong value is both FP and FN
    right = compare_field("governing_law", "New York", "State of New York")
    assert (right.tp, right.fp, right.fn) == (1, 0, 0)


def test_counting_rules_lists() -> None:
    gold = [Party(name="Acme Holdings, L.L.C.", role="Buyer"), Party(name="Bluestone Labs Inc.")]
    pred = [
        Party(name="ACME HOLDINGS LLC", role="Seller"),
        Party(name="Cobalt Media"),
        Party(name="Acme Holdings"),
    ]
    counts = compare_field("parties", gold, pred)
    assert (counts.tp, counts.fp, counts.fn) == (1, 2, 1)  # role ignored; a duplicate cannot match twice
    assert compare_field("parties", [], []) == Counts()
    signer = Signatory(name="Maria Okafor", party="Acme Inc.")
    other_party = Signatory(name="Maria Okafor", party="Bluestone Labs")
    no_party = Signatory(name="Maria Okafor")
    assert compare_field("signatories", [signer], [other_party]).tp == 0
    assert compare_field("signatories", [signer], [no_party]).tp == 1  # party lenient when not given


def test_labels_as_predictions_score_perfectly(gold: list[GoldDocument]) -> None:
    metrics = score({d.document: Prediction(fields=d.fields) for d in gold}, gold)
    assert metrics.micro_f1 == metrics.macro_f1 == metrics.all_fields_right == 1.0
    assert all(m.f1 in (1.0, None) for m in metrics.fields.values())
    assert metrics.ece is None and metrics.reliability == [] and metrics.cost is None


def test_perturbed_copy_gives_exact_counts() -> None:
    a = GOLD[0].fields.model_copy(
        update={
            "effective_date": dt.date(2024, 3, 4),  # wrong: FP + FN
            "governing_law": None,  # missed: FN
            "term": "2 years",  # same as 24 months: TP
            "parties": [Party(name="ACME HOLDINGS LLC"), Party(name="Someone Else Ltd")],  # 1 TP, 1 FP, 1 FN
            "contract_value": Money(amount=1_250_000, currency="USD"),
            "payment_terms_days": 30,  # label has none: FP
        }
    )
    metrics = score({"a.tif": Prediction(fields=a)}, GOLD)  # scans answer for their clean source by stem
    f = metrics.fields
    assert (f["effective_date"].tp, f["effective_date"].fp, f["effective_date"].fn) == (
        0,
        1,
        2,
    )  # b.pdf missing
    assert (f["governing_law"].tp, f["governing_law"].fp, f["governing_law"].fn) == (0, 0, 1)
    assert (f["term"].tp, f["term"].fp, f["term"].fn) == (1, 0, 0)
    assert (f["parties"].tp, f["parties"].fp, f["parties"].fn, f["parties"].support) == (1, 1, 1, 2)
    assert (f["payment_terms_days"].tp, f["payment_terms_days"].fp) == (0, 1)
    assert f["payment_terms_days"].f1 == 0.0 and f["payment_terms_days"].recall is None
    assert f["auto_renewal"].f1 is None  # nothing labelled, nothing predicted: left out of macro F1
    assert metrics.missing_predictions == 1 and metrics.all_fields_right == 0.0
    # micro: TP = type 1 + parties 1 + term 1 + value 1 = 4; FP = date 1 + parties 1 + payment 1 = 3;
    # FN = dates 2 + law 1 + parties 1 + b's contract_type 1 = 5
    assert metrics.micro_f1 == pytest.approx(8 / (8 + 3 + 5))


def test_ece_on_a_known_case() -> None:
    # 10 answers at 0.9 with 6 right -> |0.6 - 0.9| = 0.3; 10 at 0.3 with 3 right -> 0; ECE = 0.15
    confidences = [0.9] * 10 + [0.3] * 10
    correct = [True] * 6 + [False] * 4 + [True] * 3 + [False] * 7
    bins = reliability(confidences, correct)
    assert expected_calibration_error(bins) == pytest.approx(0.15)
    assert bins[9].count == 10 and bins[9].accuracy == pytest.approx(0.6)
    assert reliability([1.0], [True])[9].count == 1


def test_confidences_costs_and_extracted_fields() -> None:
    extracted = {
        "effective_date": ExtractedField(
            items=[ExtractedValue(value="2024-03-03", confidence=0.8, engine="rules", model="ocr")],
            confidence=0.8,
        ),
        "parties": ExtractedField(
            items=[
                ExtractedValue(
                    value={"name": "Acme Holdings LLC"}, confidence=0.9, engine="rules", model="ocr"
                ),
                ExtractedValue(
                    value={"bogus": 1}, confidence=0.9, engine="rules", model="ocr"
                ),  # invalid: dropped
            ],
            confidence=0.9,
        ),
        "term": ExtractedField(
            items=[ExtractedValue(value="for ever", confidence=0.2, engine="rules", model="ocr")],
            confidence=0.2,
        ),
    }
    stats = PageStats(
        pages=4, escalated_pages=1, tokens_in=4000, tokens_out=400, latency_s=2.0, cost_usd=0.02
    )
    prediction = prediction_from_extracted(extracted, stats=stats)
    assert prediction.engine == "rules/ocr"
    assert prediction.fields.term is None and len(prediction.fields.parties) == 1
    metrics = score({"a": prediction}, GOLD[:1])
    assert metrics.fields["effective_date"].tp == 1
    assert metrics.ece is not None and len(metrics.reliability) == 10 and metrics.thresholds
    assert metrics.cost is not None
    assert metrics.cost.cost_per_1000_pages == pytest.approx(5.0)
    assert metrics.cost.escalation_rate == pytest.approx(0.25)
    assert metrics.engine == "rules/ocr"
    assert ContractType.nda == metrics.outcomes[0].fields["contract_type"].truth


def test_a_field_the_label_does_not_score_counts_nothing() -> None:
    gold = GoldDocument(
        document="c.pdf",
        fields=ContractFields(title="Supply Agreement"),
        unlabelled={"signatories": "the set has no signatory labels"},
        clauses={"Non-Compete": {"answer": True, "texts": ["shall not compete"]}},
    )
    predicted = ContractFields(title="Supply Agreement", signatories=[Signatory(name="Maria Okafor")])
    metrics = score(
        {"c": Prediction(fields=predicted, confidences={"signatories": 0.9, "title": 0.9})}, [gold]
    )
    signatories = metrics.fields["signatories"]
    assert (signatories.tp, signatories.fp, signatories.fn, signatories.f1) == (0, 0, 0, None)
    assert signatories.unlabelled_documents == 1 and signatories.labelled_documents == 0
    assert metrics.fields["title"].unlabelled_documents == 0
    assert not metrics.outcomes[0].fields["signatories"].scored
    # Nothing of the unscored field in calibration: 13 scored fields, one confidence among them.
    assert sum(b.count for b in metrics.reliability) == 1
    assert metrics.micro_f1 == metrics.all_fields_right == 1.0


def test_cuad_labels_as_predictions_score_perfectly() -> None:
    cuad = load_goldset(Path(__file__).resolve().parents[2] / "goldset" / "cuad")
    metrics = score({d.document: Prediction(fields=d.fields) for d in cuad}, cuad)
    assert metrics.micro_f1 == metrics.all_fields_right == 1.0
    assert metrics.fields["signatories"].unlabelled_documents == len(cuad)
    assert metrics.fields["signatories"].f1 is None  # left out of the macro average


def test_a_label_cannot_both_give_and_withhold_a_field() -> None:
    with pytest.raises(ValueError, match="both labelled and unlabelled"):
        GoldDocument(document="d.pdf", fields=ContractFields(title="X"), unlabelled={"title": "why"})
    with pytest.raises(ValueError, match="does not have"):
        GoldDocument(document="d.pdf", fields=ContractFields(), unlabelled={"non_compete": "why"})


def test_an_unknown_confidence_is_scored_but_is_no_calibration_point() -> None:
    # An endpoint without logprobs: the value counts for F1, but nothing measured how sure it was.
    unmeasured = ExtractedValue(value="New York", confidence=None, engine="vlm", model="small")
    extracted = {"governing_law": ExtractedField(items=[unmeasured], confidence=None)}
    prediction = prediction_from_extracted(extracted)
    assert prediction.confidences == {} and prediction.fields.governing_law == "New York"
    metrics = score({"a": prediction}, GOLD[:1])
    assert metrics.fields["governing_law"].tp == 1
    assert metrics.outcomes[0].fields["governing_law"].confidence is None
