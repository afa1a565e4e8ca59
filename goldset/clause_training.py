"""Train the clause classifier on CUAD's dev split: `python -m goldset.clause_training`.

    python -m goldset.clause_training                      # the packaged artefact, from all dev documents
    python -m goldset.clause_training --out /tmp/m.json    # somewhere else
    python -m goldset.clause_training --limit 6 --folds 3 --min-positives 2   # a quick small run

Dev only: test rows are skipped when read (dataset.read_dev_rows). Each dev PDF's text layer is windowed,
the lawyers' marked texts are located in it, and each category with enough dev documents gets a logistic
regression on the windows' MiniLM vectors. Its threshold is picked on out-of-fold document scores
(folds keep a filer's documents together), and the figures printed are those same out-of-fold scores:
"F1" at the picked threshold (optimistic: picked on these scores), "nested F1" with each fold judged by a
threshold picked on the other folds only (what a new contract should expect).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import sys
import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from extractors.clauses import artefact, encoder
from extractors.clauses.chunks import Chunking
from extractors.clauses.fitting import (
    C,
    Scores,
    document_max,
    fit_logistic,
    group_folds,
    pick_threshold,
    probabilities,
    scores,
)
from extractors.clauses.pdf_text import has_text_layer, poppler_version, text_layer_pages
from goldset.clause_dataset import (
    CATEGORIES,
    POSITIVE,
    UNUSED,
    LocateCounts,
    TrainingDocument,
    build_document,
    read_dev_rows,
    training_data_hash,
)
from goldset.cuad_split import HASH_FILE
from goldset.labels import document_path
from goldset.sets import NAMED
from retrieval.embedders.text import default_text_model
from schemas.clauses import CUAD_NAMES, ClauseCategory

MIN_POSITIVES = 8  # dev documents with the clause (and a located text) a category needs to be learnt
FOLDS = 5
MACRO_MIN_POSITIVES = 8  # the macro F1 averages the categories with at least this many dev positives


@dataclass
class Corpus:
    """The dev documents with a text layer, windowed and labelled, and what was left out."""

    documents: list[TrainingDocument]
    skipped_no_text: list[str]
    data_sha256: str
    rows: int
    counts: LocateCounts = field(default_factory=LocateCounts)


def read_corpus(
    goldset_dir: Path, chunking: Chunking, limit: int | None = None, only: Collection[str] | None = None
) -> Corpus:
    """The dev rows (`only` these documents, or the first `limit`), read, windowed and labelled."""
    rows = read_dev_rows(goldset_dir)
    if only is not None:
        rows = [row for row in rows if row.document in only]
    if limit is not None:
        rows = rows[:limit]
    documents, skipped = [], []
    counts = LocateCounts()
    for row in rows:
        path = document_path(goldset_dir, row.document)
        assert path is not None, row.document
        pages = text_layer_pages(path)
        if not has_text_layer(pages):
            skipped.append(row.document)  # a scan: the marked texts cannot be located without OCR
            continue
        document = build_document(row, list(enumerate(pages, start=1)), chunking)
        counts.add(document.counts)
        documents.append(document)
    return Corpus(documents, skipped, training_data_hash(goldset_dir, rows), len(rows), counts)


def embed(
    documents: Sequence[TrainingDocument], cache_dir: Path | None = None, progress: bool = True
) -> np.ndarray:
    """(all windows, dim) vectors, documents in order.

    Embedding the dev split's windows takes about ten minutes on two cores and depends only on their
    texts and the encoder, so the vectors are kept in `cache_dir` (when given) under a hash of both: a
    rerun that changes the classifier, the folds or the labels (not the windows) starts from them.
    """
    texts = [chunk.text for document in documents for chunk in document.chunks]
    key = hashlib.sha256(json.dumps([encoder.encoder_identity(), texts]).encode("utf-8")).hexdigest()
    cached = cache_dir / f"{key[:32]}.npy" if cache_dir is not None else None
    if cached is not None and cached.is_file():
        return np.load(cached)
    parts, step = [], 1024
    for start in range(0, len(texts), step):
        parts.append(encoder.encode(texts[start : start + step]))
        if progress:
            print(f"  embedded {min(start + step, len(texts))}/{len(texts)} windows", file=sys.stderr)
    vectors = np.concatenate(parts) if parts else np.zeros((0, encoder.DIM), np.float32)
    if cached is None:
        return vectors
    cached.parent.mkdir(parents=True, exist_ok=True)
    partial = cached.with_suffix(f".{os.getpid()}.partial.npy")
    np.save(partial, vectors)
    partial.replace(cached)  # whole or not at all: a killed run leaves no half file under the key
    return vectors


@dataclass
class CategoryResult:
    category: ClauseCategory
    dev_positives: int  # dev documents CUAD answers yes for
    learnable: int  # ... of which have at least one located (positive) window
    positive_windows: int
    predicted: bool
    reason: str = ""
    threshold: float = 1.0
    cv: Scores | None = None  # out-of-fold, at the threshold picked on them
    nested: Scores | None = None  # out-of-fold, each fold at a threshold picked on the other folds
    weights: np.ndarray | None = None
    bias: float = 0.0


def _fit(vectors: np.ndarray, labels: np.ndarray, mask: np.ndarray, c: float) -> tuple[np.ndarray, float]:
    return fit_logistic(vectors[mask], (labels[mask] == POSITIVE).astype(int), c)


def train_category(
    column: int,
    vectors: np.ndarray,
    labels: np.ndarray,  # (windows,) labels of this category
    window_doc: np.ndarray,  # (windows,) document index
    truth: np.ndarray,  # (documents,) CUAD's answers
    doc_fold: np.ndarray,  # (documents,) fold
    min_positives: int,
    c: float,
) -> CategoryResult:
    category = CATEGORIES[column]
    documents = len(truth)
    learnable = len(np.unique(window_doc[labels == POSITIVE]))
    result = CategoryResult(
        category=category,
        dev_positives=int(truth.sum()),
        learnable=learnable,
        positive_windows=int(np.sum(labels == POSITIVE)),
        predicted=False,
    )
    if learnable < min_positives:
        result.reason = f"{learnable} dev documents with a located text, fewer than {min_positives}"
        return result
    used = labels != UNUSED
    oof = np.zeros(documents)
    folds = sorted(set(doc_fold.tolist()))
    for fold in folds:
        held_out = doc_fold[window_doc] == fold
        train = used & ~held_out
        if len(np.unique(labels[train])) < 2:  # no positive window outside this fold: it scores 0
            continue
        weights, bias = _fit(vectors, labels, train, c)
        held = np.flatnonzero(held_out)
        oof = np.maximum(
            oof, document_max(probabilities(vectors[held], weights, bias), window_doc[held], documents)
        )
    result.threshold, result.cv = pick_threshold(oof, truth)
    nested_prediction = np.zeros(documents, bool)
    for fold in folds:
        inside = doc_fold == fold
        threshold, _ = pick_threshold(oof[~inside], truth[~inside])
        nested_prediction[inside] = oof[inside] >= threshold
    result.nested = scores(nested_prediction, truth)
    result.weights, result.bias = _fit(vectors, labels, used, c)
    result.predicted = True
    return result


def macro(results: Sequence[CategoryResult], nested: bool, min_positives: int) -> tuple[float, int]:
    """Mean F1 over the categories with >= min_positives dev positives; an unpredicted one counts 0."""
    chosen = [r for r in results if r.dev_positives >= min_positives]
    values = [((r.nested if nested else r.cv) or Scores(0, 0, 0, 0, 0, 0)).f1 for r in chosen]
    return (float(np.mean(values)) if values else 0.0), len(chosen)


def train(
    goldset_dir: Path,
    out: Path,
    *,
    chunking: Chunking | None = None,
    limit: int | None = None,
    only: Collection[str] | None = None,
    folds: int = FOLDS,
    min_positives: int = MIN_POSITIVES,
    c: float = C,
    vector_cache: Path | None = None,
    progress: bool = True,
) -> dict[str, Any]:
    """Train on the dev split and write the artefact to `out` (its JSON); returns the card written.
    `vector_cache`: where window vectors are kept between runs (None: not kept)."""
    started = time.monotonic()
    chunking = chunking or Chunking()
    corpus = read_corpus(goldset_dir, chunking, limit, only)
    if not corpus.documents:
        raise ValueError(f"no dev document with a text layer in {goldset_dir}")
    vectors = embed(corpus.documents, vector_cache, progress)
    window_doc = np.concatenate([np.full(len(d.chunks), i) for i, d in enumerate(corpus.documents)])
    labels = np.concatenate([d.labels for d in corpus.documents])
    truth = np.stack([d.answers for d in corpus.documents])  # (documents, categories)
    filers = [d.filer for d in corpus.documents]
    doc_fold = group_folds(filers, min(folds, len(set(filers))))
    results = [
        train_category(i, vectors, labels[:, i], window_doc, truth[:, i], doc_fold, min_positives, c)
        for i in range(len(CATEGORIES))
    ]
    predicted = [r for r in results if r.predicted]
    macro_f1, in_macro = macro(results, nested=False, min_positives=MACRO_MIN_POSITIVES)
    macro_nested, _ = macro(results, nested=True, min_positives=MACRO_MIN_POSITIVES)
    card: dict[str, Any] = {
        "name": out.stem,
        "model": "one logistic regression per clause category on MiniLM vectors of 64-word windows",
        "created": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "training": {
            "goldset": str(goldset_dir.name),
            "split": "dev",
            "split_sha256": (goldset_dir / HASH_FILE).read_text(encoding="utf-8").strip(),
            "data_sha256": corpus.data_sha256,
            "data_hash_covers": "sha256 of the dev rows' clause labels (JSON), then each PDF's name, bytes",
            "dev_rows": corpus.rows,
            "documents": len(corpus.documents),
            "skipped_no_text_layer": corpus.skipped_no_text,
            "windows": len(window_doc),
            "text": f"PDF text layer, {poppler_version()} (pdftotext -layout), words folded as OCR's",
            "clause_texts": vars(corpus.counts),
            "classifier": {"kind": "sklearn LogisticRegression", "C": c, "class_weight": "balanced"},
            "sklearn": _sklearn_version(),
            "numpy": np.__version__,
            "folds": int(doc_fold.max()) + 1,
            "folds_group_by": "EDGAR filer (a filer's documents share one fold)",
            "min_positives": min_positives,
            "encoder_weights_sha256": _encoder_weights_hash(),
            "seconds": round(time.monotonic() - started, 1),
        },
        "cv": {
            "macro_f1": round(macro_f1, 4),
            "macro_f1_nested": round(macro_nested, 4),
            "macro_over": f"{in_macro} categories with >= {MACRO_MIN_POSITIVES} dev positives",
        },
        "categories": {
            r.category.value: {
                "cuad_name": CUAD_NAMES[r.category],
                "predicted": r.predicted,
                **({"reason": r.reason} if r.reason else {}),
                "dev_positives": r.dev_positives,
                "learnable_documents": r.learnable,
                "positive_windows": r.positive_windows,
                **({"cv": r.cv.as_dict()} if r.cv else {}),
                **({"cv_nested": r.nested.as_dict()} if r.nested else {}),
            }
            for r in results
        },
    }
    model = artefact.ClauseModel(
        categories=[r.category for r in predicted],
        weights=np.stack([r.weights for r in predicted if r.weights is not None])
        if predicted
        else np.zeros((0, encoder.DIM), np.float32),
        bias=np.array([r.bias for r in predicted], np.float32),
        thresholds=np.array([r.threshold for r in predicted], np.float64),
        chunking=chunking,
        encoder=encoder.encoder_identity(),
        card=card,
    )
    artefact.save(model, out)
    if progress:
        print(report(results, corpus, card))
    return card


def report(results: Sequence[CategoryResult], corpus: Corpus, card: dict[str, Any]) -> str:
    counts = corpus.counts
    lines = [
        f"dev documents: {len(corpus.documents)} of {corpus.rows} read "
        f"({len(corpus.skipped_no_text)} without a text layer skipped)",
        f"marked clause texts located: {counts.located}/{counts.texts} "
        f"(every piece: {counts.complete}; pieces {counts.pieces_found}/{counts.pieces})",
        f"windows: {card['training']['windows']}",
        "",
        f"{'category':<36} {'pos':>4} {'P':>6} {'R':>6} {'F1':>6} {'nestF1':>7} {'thresh':>7}",
    ]
    for r in sorted(results, key=lambda r: -r.dev_positives):
        name = CUAD_NAMES[r.category]
        if r.predicted and r.cv and r.nested:
            lines.append(
                f"{name:<36} {r.dev_positives:>4} {r.cv.precision:>6.3f} {r.cv.recall:>6.3f} {r.cv.f1:>6.3f}"
                f" {r.nested.f1:>7.3f} {r.threshold:>7.3f}"
            )
        else:
            lines.append(f"{name:<36} {r.dev_positives:>4}   not predicted (unknown): {r.reason}")
    cv = card["cv"]
    lines += [
        "",
        f"macro F1 ({cv['macro_over']}): {cv['macro_f1']:.3f}   nested: {cv['macro_f1_nested']:.3f}",
        f"wall time: {card['training']['seconds']} s",
    ]
    return "\n".join(lines)


def _sklearn_version() -> str:
    import sklearn

    return str(sklearn.__version__)


def _encoder_weights_hash() -> str:
    digest = hashlib.sha256()
    with (default_text_model() / "model.safetensors").open("rb") as weights:
        for block in iter(lambda: weights.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m goldset.clause_training", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--goldset", type=Path, default=NAMED["cuad"], help="a CUAD-style golden set folder")
    parser.add_argument("--out", type=Path, default=artefact.PACKAGED, help="the artefact's JSON path")
    parser.add_argument("--limit", type=int, default=None, help="only the first N dev rows (quick runs)")
    parser.add_argument("--folds", type=int, default=FOLDS)
    parser.add_argument("--min-positives", type=int, default=MIN_POSITIVES)
    parser.add_argument("--c", type=float, default=C, help="logistic regression's inverse regularisation")
    parser.add_argument(
        "--vector-cache",
        type=Path,
        default=Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "abstractor" / "clause-vecs",
        help="where window vectors are kept between runs",
    )
    args = parser.parse_args(argv)
    train(
        args.goldset,
        args.out,
        limit=args.limit,
        folds=args.folds,
        min_positives=args.min_positives,
        c=args.c,
        vector_cache=args.vector_cache,
    )
    size = sum(p.stat().st_size for p in (args.out, args.out.with_suffix(".npz")))
    print(f"artefact: {args.out} (+ .npz), {size / 1024:.1f} KB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
