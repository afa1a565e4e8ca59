"""Fitting the per-category window classifiers and judging them at document level, out of fold.

A category's model is a logistic regression on the window vectors, with classes weighted by their
frequency (a clause is a handful of windows among thousands). A document has the clause when its best
window's probability reaches the category's threshold. The threshold is picked on out-of-fold document
scores: every dev document is scored by a model that never saw it, or any document of its filer (CUAD's
filers reuse templates, so a fold that split a filer would let the model recognise the template).

scikit-learn is needed here only; the artefact holds plain weights that inference applies with numpy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

C = 0.25  # inverse regularisation: best nested dev CV macro F1 among 0.03, 0.1, 0.25, 0.5, 1, 4, 16
MAX_ITER = 2000


@dataclass(frozen=True)
class Scores:
    """Document-level precision, recall and F1, with the counts they come from."""

    precision: float
    recall: float
    f1: float
    tp: int
    fp: int
    fn: int

    def as_dict(self) -> dict[str, float | int]:
        return {k: round(v, 4) if isinstance(v, float) else v for k, v in vars(self).items()}


def scores(predicted: np.ndarray, truth: np.ndarray) -> Scores:
    tp = int(np.sum(predicted & truth))
    fp = int(np.sum(predicted & ~truth))
    fn = int(np.sum(~predicted & truth))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(precision, recall, f1, tp, fp, fn)


def fit_logistic(vectors: np.ndarray, labels: np.ndarray, c: float = C) -> tuple[np.ndarray, float]:
    """Weights (dim,) and bias of a class-balanced logistic regression of labels (0/1) on vectors."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=c, class_weight="balanced", max_iter=MAX_ITER)
    model.fit(vectors, labels)
    return model.coef_[0].astype(np.float32), float(model.intercept_[0])


def probabilities(vectors: np.ndarray, weights: np.ndarray, bias: np.ndarray | float) -> np.ndarray:
    """Sigmoid of the linear scores: (n, dim) @ (dim,) or (dim, k) -> (n,) or (n, k). Numpy only."""
    logits = np.clip(vectors @ weights + bias, -50.0, 50.0)
    return 1.0 / (1.0 + np.exp(-logits))


def document_max(chunk_scores: np.ndarray, chunk_document: np.ndarray, documents: int) -> np.ndarray:
    """Each document's highest window score (0 for a document without windows)."""
    best = np.zeros(documents, np.float64)
    np.maximum.at(best, chunk_document, chunk_scores)
    return best


def pick_threshold(doc_scores: np.ndarray, truth: np.ndarray) -> tuple[float, Scores]:
    """The threshold maximising document F1, halfway between two neighbouring distinct scores.

    A threshold is only defined when at least one document has the clause; a tie in F1 keeps the higher
    threshold (fewer false positives for the same F1).
    """
    values = np.unique(doc_scores)[::-1]  # distinct scores, highest first
    best_threshold, best = 1.0, scores(np.zeros_like(truth), truth)
    for i, value in enumerate(values):
        threshold = (value + values[i + 1]) / 2 if i + 1 < len(values) else value / 2
        found = scores(doc_scores >= threshold, truth)
        if found.f1 > best.f1:
            best_threshold, best = float(threshold), found
    return best_threshold, best


def group_folds(groups: Sequence[str], k: int) -> np.ndarray:
    """Fold number of each item, whole groups to a fold, folds as even as greedy dealing makes them.

    Deterministic: the largest groups are dealt first, each to the currently smallest fold (ties by
    name), so a retraining on the same data gets the same folds.
    """
    sizes: dict[str, int] = {}
    for group in groups:
        sizes[group] = sizes.get(group, 0) + 1
    load = [0] * k
    fold_of: dict[str, int] = {}
    for group in sorted(sizes, key=lambda g: (-sizes[g], g)):
        fold = min(range(k), key=lambda f: (load[f], f))
        fold_of[group] = fold
        load[fold] += sizes[group]
    return np.array([fold_of[g] for g in groups], int)
