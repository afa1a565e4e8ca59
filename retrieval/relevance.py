"""How likely a found document is to answer the question: the only score a lawyer is shown.

Fusion scores (reciprocal ranks) order hits but mean nothing on their own, and a raw cosine of 0.42 is
no better. The calibration maps the document's best passage cosine to the probability that the document
is relevant, by a logistic fit on the query set's dev part (`python -m goldset.search_calibration`), and
holds the floor under which a search says no page answers the question well. It is fitted for one text
encoder; with any other (or none packaged) no score is shown and no floor applied.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

PACKAGED = Path(__file__).resolve().parent / "model" / "relevance-v1.json"


class RelevanceCalibration(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    encoder: str  # PageEncoder.text_version it was fitted for
    intercept: float
    slope: float  # per unit of cosine
    floor: float  # a probability: a best document under it means "no page answers this well"
    fitted_on: dict[str, Any]  # golden set, split, query-set hash, queries, pairs: where it came from

    def probability(self, cosine: float) -> float:
        return 1.0 / (1.0 + math.exp(-(self.intercept + self.slope * cosine)))

    def save(self, path: Path) -> None:
        path.write_text(self.model_dump_json(indent=2) + "\n")


Ranked = list[tuple[float, bool]]  # one query's returned documents: (best passage cosine, relevant?)


def _balanced_accuracy(tops: Ranked, threshold: float) -> float:
    """How well `cosine >= threshold` tells a query whose best document is relevant from one whose is not."""
    good = [cosine >= threshold for cosine, relevant in tops if relevant]
    bad = [cosine < threshold for cosine, relevant in tops if not relevant]
    return (sum(good) / len(good) + sum(bad) / len(bad)) / 2


def fit_calibration(rankings: list[Ranked], encoder: str, fitted_on: dict[str, Any]) -> RelevanceCalibration:
    """A logistic fit of relevance on cosine over every returned document, and the floor that best tells
    queries whose first document is relevant from those whose first is not (balanced accuracy).

    Raises ValueError when the data cannot separate anything (no relevant or no irrelevant document).
    """
    from sklearn.linear_model import LogisticRegression

    pairs = [pair for ranking in rankings for pair in ranking]
    tops = [ranking[0] for ranking in rankings if ranking]
    if len({relevant for _, relevant in pairs}) < 2 or len({relevant for _, relevant in tops}) < 2:
        raise ValueError("calibration needs relevant and irrelevant documents, also among the first ones")
    model = LogisticRegression(C=1e6).fit([[c] for c, _ in pairs], [r for _, r in pairs])
    intercept, slope = float(model.intercept_[0]), float(model.coef_[0][0])
    if slope <= 0:
        raise ValueError(f"relevance does not rise with the cosine here (slope {slope:.3f}): nothing to fit")
    threshold = max(sorted({c for c, _ in tops}), key=lambda t: (_balanced_accuracy(tops, t), -t))
    calibration = RelevanceCalibration(
        encoder=encoder,
        intercept=intercept,
        slope=slope,
        floor=0.0,
        fitted_on={
            **fitted_on,
            "documents": len(pairs),
            "queries": len(tops),
            "floor_cosine": threshold,
            "floor_balanced_accuracy": round(_balanced_accuracy(tops, threshold), 4),
        },
    )
    return calibration.model_copy(update={"floor": round(calibration.probability(threshold), 4)})


def load_calibration(encoder: str, path: Path = PACKAGED) -> RelevanceCalibration | None:
    """The calibration at `path` if it was fitted for `encoder`, else None (scores unknown)."""
    if not path.is_file():
        return None
    calibration = RelevanceCalibration.model_validate_json(path.read_text())
    return calibration if calibration.encoder == encoder else None
