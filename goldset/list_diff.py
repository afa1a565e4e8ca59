"""A wrong list answer (parties, signatories) as a diff: the elements paired, missing and extra.

Elements are paired the way the scorer pairs them (goldset.field_match: one-to-one, most similar first,
at NAME_MATCH or better), so a reader sees exactly the FNs (missing) and FPs (extra) the F1 counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from goldset.field_match import LIST_RULES, NAME_MATCH
from schemas.contract import ContractFields


@dataclass(frozen=True)
class ListDiff:
    matched: list[tuple[Any, Any]]  # (label element, predicted element), JSON form
    missing: list[Any]  # labelled, not predicted: the FNs
    extra: list[Any]  # predicted, not labelled: the FPs


def list_diff(field: str, truth: Any, predicted: Any) -> ListDiff | None:
    """The diff of a list field's stored JSON values; None for a scalar field."""
    if field not in LIST_RULES or not isinstance(truth or [], list) or not isinstance(predicted or [], list):
        return None
    truth, predicted = list(truth or []), list(predicted or [])
    # The outcomes hold JSON; the similarity rules read the schema's objects.
    gold = getattr(ContractFields.model_validate({field: truth}), field)
    pred = getattr(ContractFields.model_validate({field: predicted}), field)
    similarity = LIST_RULES[field]
    pairs = sorted(
        ((similarity(g, p), i, j) for i, g in enumerate(gold) for j, p in enumerate(pred)),
        key=lambda t: (-t[0], t[1], t[2]),
    )
    paired: dict[int, int] = {}
    for score, i, j in pairs:
        if score < NAME_MATCH:
            break
        if i not in paired and j not in paired.values():
            paired[i] = j
    return ListDiff(
        matched=[(truth[i], predicted[j]) for i, j in sorted(paired.items())],
        missing=[v for i, v in enumerate(truth) if i not in paired],
        extra=[v for j, v in enumerate(predicted) if j not in paired.values()],
    )
