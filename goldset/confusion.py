"""Truth x predicted counts of a categorical field (contract_type): which types the engine mixes up."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from goldset.metrics import DocumentOutcome

NONE = "—"  # no value, on either side


@dataclass(frozen=True)
class Confusion:
    labels: list[str]  # every value seen on either side, the label's most frequent first
    counts: Counter[tuple[str, str]]  # (truth, predicted) -> documents

    def count(self, truth: str, predicted: str) -> int:
        return self.counts[(truth, predicted)]


def confusion(outcomes: Sequence[DocumentOutcome], field: str = "contract_type") -> Confusion | None:
    """Over the documents whose label scores `field`; None when none does."""
    scored = [o.fields[field] for o in outcomes if field in o.fields and o.fields[field].scored]
    if not scored:
        return None
    counts = Counter((_label(o.truth), _label(o.predicted)) for o in scored)
    by_truth = Counter(truth for truth, _ in counts.elements())
    seen = {value for pair in counts for value in pair}
    labels = sorted(seen, key=lambda v: (v == NONE, -by_truth[v], v))
    return Confusion(labels, counts)


def _label(value: object) -> str:
    return NONE if value in (None, "") else str(value)
