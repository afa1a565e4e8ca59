"""Per-field comparison of a prediction with its label, as counts of true/false positives and negatives.

Counting rules (also in the README, under "Scoring"):
- scalar field: label and prediction both empty -> nothing counted; prediction where the label is empty -> FP;
  label with no prediction -> FN; both present and equal after normalisation -> TP; both present but
  different -> FP and FN (a wrong value is a claim that is false AND a value that was missed).
- list field (parties, signatories): scored per element as sets. Elements are paired one-to-one by name
  similarity (>= NAME_MATCH after normalisation), best pairs first; pairs are TP, unpaired predictions FP,
  unpaired labels FN. Party roles are ignored; a signatory's party must also match when both sides give one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from goldset import normalize as nz
from schemas.contract import Money, Party, Signatory

NAME_MATCH = 0.9
TEXT_MATCH = 0.9


@dataclass(frozen=True)
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0


def _dates(a: Any, b: Any) -> bool:
    da, db = nz.normalize_date(a), nz.normalize_date(b)
    return da is not None and da == db


def _durations(a: Any, b: Any) -> bool:
    return nz.durations_equal(nz.normalize_duration(a), nz.normalize_duration(b))


def _days(a: Any, b: Any) -> bool:
    da, db = nz.normalize_days(a), nz.normalize_days(b)
    return da is not None and da == db


def _jurisdictions(a: Any, b: Any) -> bool:
    ja, jb = nz.normalize_jurisdiction(a), nz.normalize_jurisdiction(b)
    return ja is not None and ja == jb


def _money(a: Money | Any, b: Money | Any) -> bool:
    return nz.money_equal(nz.normalize_money(a), nz.normalize_money(b))


def _text(a: Any, b: Any) -> bool:
    ta, tb = nz.normalize_text(a), nz.normalize_text(b)
    return bool(ta and tb) and (ta == tb or SequenceMatcher(None, ta, tb).ratio() >= TEXT_MATCH)


def _exact(a: Any, b: Any) -> bool:
    return bool(a == b)


SCALAR_RULES: dict[str, Callable[[Any, Any], bool]] = {
    "contract_type": _exact,
    "title": _text,
    "effective_date": _dates,
    "execution_date": _dates,
    "expiration_date": _dates,
    "term": _durations,
    "auto_renewal": _exact,
    "renewal_term": _durations,
    "termination_notice_days": _days,
    "renewal_notice_days": _days,
    "governing_law": _jurisdictions,
    "contract_value": _money,
    "payment_terms_days": _days,
}


def _party_similarity(gold: Party, pred: Party) -> float:
    return nz.name_similarity(gold.name, pred.name)  # role ignored: it is a defined term, not an identity


def _signatory_similarity(gold: Signatory, pred: Signatory) -> float:
    if gold.party and pred.party and nz.name_similarity(gold.party, pred.party) < NAME_MATCH:
        return 0.0
    return nz.name_similarity(gold.name, pred.name)


def _generic_similarity(gold: Any, pred: Any) -> float:
    if hasattr(gold, "name") and hasattr(pred, "name"):
        return nz.name_similarity(gold.name, pred.name)
    return 1.0 if gold == pred else 0.0


LIST_RULES: dict[str, Callable[[Any, Any], float]] = {
    "parties": _party_similarity,
    "signatories": _signatory_similarity,
}


def match_sets(gold: list[Any], pred: list[Any], similarity: Callable[[Any, Any], float]) -> Counts:
    """One-to-one pairing, most similar pairs first; a pair counts only at >= NAME_MATCH."""
    pairs = sorted(
        ((similarity(g, p), i, j) for i, g in enumerate(gold) for j, p in enumerate(pred)),
        key=lambda t: (-t[0], t[1], t[2]),
    )
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    for score, i, j in pairs:
        if score < NAME_MATCH:
            break
        if i not in used_gold and j not in used_pred:
            used_gold.add(i)
            used_pred.add(j)
    tp = len(used_gold)
    return Counts(tp=tp, fp=len(pred) - tp, fn=len(gold) - tp)


def compare_scalar(gold: Any, pred: Any, equal: Callable[[Any, Any], bool]) -> Counts:
    if gold is None and pred is None:
        return Counts()
    if gold is None:
        return Counts(fp=1)
    if pred is None:
        return Counts(fn=1)
    return Counts(tp=1) if equal(gold, pred) else Counts(fp=1, fn=1)


def compare_field(name: str, gold: Any, pred: Any) -> Counts:
    """Counts for one field of one document; unknown fields (other schemas) compare exactly or as sets."""
    if isinstance(gold, list) or isinstance(pred, list):
        return match_sets(list(gold or []), list(pred or []), LIST_RULES.get(name, _generic_similarity))
    if isinstance(gold, dt.date) or isinstance(pred, dt.date):
        return compare_scalar(gold, pred, SCALAR_RULES.get(name, _dates))
    return compare_scalar(gold, pred, SCALAR_RULES.get(name, _exact))
