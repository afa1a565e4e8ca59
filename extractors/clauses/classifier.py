"""Which of the 33 clause categories a document has, read from its OCR pages, with evidence.

The pages are cut into the windows training used, each window is embedded with MiniLM, and each
category's weights score every window (numpy only: sigmoid of a dot product). A document has the clause
when its best window reaches the category's threshold; that window is the evidence: its page, its words
as OCR read them and their box. Categories the model was not trained for (too few dev examples) answer
`present=None`: unknown, not "absent".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from extractors.clauses import artefact, encoder
from extractors.clauses.chunks import Chunk, chunk_page
from extractors.clauses.fitting import probabilities
from extractors.rules.text import PageText
from schemas.clauses import ClauseCategory
from schemas.results import Evidence


@dataclass(frozen=True)
class ClauseFinding:
    """One category's answer for a document."""

    category: ClauseCategory
    present: bool | None  # None: the model does not predict this category, or the document has no text
    probability: float  # the best window's probability (0.0 when not predicted)
    evidence: Evidence | None = None  # the best window, when the category is predicted
    confidence: float = 0.0  # how often this answer was right on dev, out of fold (0.0 when unknown)


class ClauseClassifier:
    """A loaded artefact; `classify` is safe to call from several threads (the encoder serialises)."""

    def __init__(self, model: artefact.ClauseModel) -> None:
        if model.encoder.get("dim") != encoder.DIM or model.encoder.get("name") != encoder.ENCODER_NAME:
            raise ValueError(
                f"the artefact was trained on encoder {model.encoder}, not {encoder.ENCODER_NAME}"
            )
        self.model = model

    @classmethod
    def load(cls, path: Path | str | None = None) -> ClauseClassifier:
        """An artefact's JSON (or its npz); None: the one packaged with Abstractor."""
        return cls(artefact.load(Path(path) if path is not None else None))

    @property
    def identity(self) -> str:
        """Names these weights: part of the rules engine's version, so new weights re-extract."""
        return f"{self.model.card.get('name', 'clauses')}-{self.model.card['weights_sha256'][:8]}"

    @property
    def categories(self) -> list[ClauseCategory]:
        """The categories this model predicts (the others always answer None)."""
        return list(self.model.categories)

    def answer_confidence(self, category: ClauseCategory, present: bool) -> float:
        """The share of dev documents this answer was right for, out of fold with nested thresholds
        (precision for "present", the negative predictive value for "absent"), smoothed by Laplace's rule
        so a category with few dev documents is not called certain."""
        entry = self.model.card["categories"][category.value]
        counts = entry.get("cv_nested") or entry["cv"]
        tp, fp, fn = counts["tp"], counts["fp"], counts["fn"]
        tn = self.model.card["training"]["documents"] - tp - fp - fn
        right, wrong = (tp, fp) if present else (tn, fn)
        return round((right + 1) / (right + wrong + 2), 4)

    def chunks(self, pages: Sequence[PageText]) -> list[Chunk]:
        return [c for page in pages for c in chunk_page(page.number, page.text, self.model.chunking)]

    def window_probabilities(self, chunks: Sequence[Chunk]) -> np.ndarray:
        """(windows, predicted categories) probabilities."""
        vectors = encoder.encode([chunk.text for chunk in chunks])
        return probabilities(vectors, self.model.weights.T, self.model.bias)

    def classify(self, pages: Sequence[PageText]) -> dict[ClauseCategory, ClauseFinding]:
        """Every category's finding for the document these pages make up."""
        chunks = self.chunks(pages)
        found = {c: ClauseFinding(c, present=None, probability=0.0) for c in ClauseCategory}
        if not chunks:
            return found  # nothing was read: every answer is unknown
        by_number = {page.number: page for page in pages}
        probs = self.window_probabilities(chunks)
        for column, category in enumerate(self.model.categories):
            best = int(np.argmax(probs[:, column]))
            chunk, page = chunks[best], by_number[chunks[best].page]
            probability = float(probs[best, column])
            present = probability >= float(self.model.thresholds[column])
            found[category] = ClauseFinding(
                category=category,
                present=present,
                probability=probability,
                confidence=self.answer_confidence(category, present),
                evidence=page.evidence(chunk.start, chunk.end),
            )
        return found
