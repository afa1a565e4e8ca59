"""Clause presence scores: per category, per document, does the contract have such a clause?

Counting rules (also in the README, under "Scoring"):
- a category is scored on a document when its label answers it (true or false) and does not list it,
  or its group, as unlabelled;
- the engine's answer is True (found, with evidence), False (looked, not found) or None (not answered).
  For TP/FP/FN/TN and F1 an unanswered category counts as "absent": a lawyer filtering on the clause
  would not get the document back. Coverage (the share answered) says how much of that was silence;
- clause_macro_f1 is the mean F1 over the categories with at least MIN_POSITIVES labelled positives in
  the scored documents: a category with two positives swings by 0.5 on one document, so it is shown in
  the table but kept out of the headline.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from goldset.labels import GoldDocument
from goldset.metrics import ClauseMetrics, ClauseOutcome, DocumentOutcome, f1_from_counts
from schemas.contract import ContractFields
from schemas.introspect import field_paths, flatten_values, presence_fields

MIN_POSITIVES = 8  # as the clause classifier's own macro F1 (goldset.clause_training)
_PRESENCE = presence_fields(ContractFields)
CLAUSE_PATHS: tuple[str, ...] = tuple(path for path in field_paths(ContractFields) if path in _PRESENCE)


def clause_outcomes(
    gold: GoldDocument, predicted: ContractFields, confidences: Mapping[str, float]
) -> dict[str, ClauseOutcome]:
    truth = flatten_values(ContractFields, gold.fields.model_dump())
    answers = flatten_values(ContractFields, predicted.model_dump())
    return {
        path: ClauseOutcome(
            scored=gold.scores(path),
            truth=truth[path] if gold.scores(path) else None,
            predicted=answers[path],
            confidence=confidences.get(path),
        )
        for path in CLAUSE_PATHS
    }


def clause_metrics(outcomes: Sequence[DocumentOutcome], path: str) -> ClauseMetrics:
    scored = [o.clauses[path] for o in outcomes if path in o.clauses and o.clauses[path].scored]
    answered = sum(c.predicted is not None for c in scored)
    tp = sum(c.truth is True and c.found for c in scored)
    fp = sum(c.truth is False and c.found for c in scored)
    fn = sum(c.truth is True and not c.found for c in scored)
    return ClauseMetrics(
        precision=tp / (tp + fp) if tp + fp else None,
        recall=tp / (tp + fn) if tp + fn else None,
        f1=f1_from_counts(tp, fp, fn),
        support=tp + fn,
        documents=len(scored),
        answered=answered,
        coverage=answered / len(scored) if scored else None,
        in_macro=tp + fn >= MIN_POSITIVES,
        tp=tp,
        fp=fp,
        fn=fn,
        tn=len(scored) - tp - fp - fn,
    )


def clause_summary(categories: Mapping[str, ClauseMetrics]) -> tuple[float | None, int, float | None]:
    """The headline figures: macro F1, the number of categories it averages, and overall coverage."""
    f1s = [m.f1 for m in categories.values() if m.in_macro and m.f1 is not None]
    scored = sum(m.documents for m in categories.values())
    answered = sum(m.answered for m in categories.values())
    return (sum(f1s) / len(f1s) if f1s else None), len(f1s), (answered / scored if scored else None)
