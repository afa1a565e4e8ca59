"""The trained classifier on disk: `<name>.npz` (weights) beside `<name>.json` (everything else).

The JSON is the artefact's identity card: format version, the categories with their thresholds and
dev cross-validated figures, the chunking and encoder inference must reproduce, and what it was trained
on (training-data hash, split hash, scikit-learn and poppler versions). It also holds the sha256 of the
npz, so a weights file that does not belong to its card is refused. Both files are small (~40 KB of
float32 weights), committed in the package and listed in pyproject's package-data.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from extractors.clauses.chunks import Chunking
from schemas.clauses import ClauseCategory

FORMAT = 1
PACKAGED = Path(__file__).resolve().parent / "model" / "clauses-v1.json"


@dataclass
class ClauseModel:
    """Weights of the categories the model predicts, and the card describing the whole model."""

    categories: list[ClauseCategory]  # rows of `weights`, in order: the predicted categories only
    weights: np.ndarray  # (categories, dim) float32
    bias: np.ndarray  # (categories,) float32
    thresholds: np.ndarray  # (categories,) float64: document present when best window >= threshold
    chunking: Chunking
    encoder: dict[str, Any]
    card: dict[str, Any] = field(default_factory=dict)  # the rest of the JSON, as written


def _npz_bytes(model: ClauseModel) -> bytes:
    buffer = io.BytesIO()
    np.savez_compressed(buffer, weights=model.weights.astype(np.float32), bias=model.bias.astype(np.float32))
    return buffer.getvalue()


def save(model: ClauseModel, json_path: Path) -> Path:
    """Write `<name>.npz` and `<name>.json`; returns the JSON's path."""
    json_path.parent.mkdir(parents=True, exist_ok=True)
    npz_path = json_path.with_suffix(".npz")
    blob = _npz_bytes(model)
    npz_path.write_bytes(blob)
    rows = {c.value: i for i, c in enumerate(model.categories)}
    card = dict(model.card)
    card.update(
        format=FORMAT,
        weights_file=npz_path.name,
        weights_sha256=hashlib.sha256(blob).hexdigest(),
        chunking={"words": model.chunking.words, "stride": model.chunking.stride},
        encoder=model.encoder,
    )
    for slug, entry in card.get("categories", {}).items():
        if slug in rows:
            entry["row"] = rows[slug]
            entry["threshold"] = round(float(model.thresholds[rows[slug]]), 6)
    json_path.write_text(json.dumps(card, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    return json_path


def load(json_path: Path | None = None) -> ClauseModel:
    """Read an artefact by its JSON (None: the packaged one); the weights must match the recorded hash."""
    path = Path(json_path) if json_path is not None else PACKAGED
    if path.suffix == ".npz":
        path = path.with_suffix(".json")
    card = json.loads(path.read_text(encoding="utf-8"))
    if card.get("format") != FORMAT:
        raise ValueError(f"{path}: artefact format {card.get('format')!r}, this code reads {FORMAT}")
    blob = (path.parent / card["weights_file"]).read_bytes()
    if hashlib.sha256(blob).hexdigest() != card["weights_sha256"]:
        raise ValueError(f"{path}: {card['weights_file']} is not the weights this card was written with")
    with np.load(io.BytesIO(blob)) as arrays:
        weights, bias = arrays["weights"], arrays["bias"]
    predicted = sorted(
        (
            (entry["row"], ClauseCategory(slug))
            for slug, entry in card["categories"].items()
            if entry["predicted"]
        ),
    )
    if [row for row, _ in predicted] != list(range(weights.shape[0])):
        raise ValueError(f"{path}: the card's category rows do not match the weights' {weights.shape[0]}")
    categories = [category for _, category in predicted]
    thresholds = np.array([card["categories"][c.value]["threshold"] for c in categories], np.float64)
    return ClauseModel(
        categories=categories,
        weights=weights,
        bias=bias,
        thresholds=thresholds,
        chunking=Chunking(**card["chunking"]),
        encoder=card["encoder"],
        card=card,
    )
