"""The CUAD dev split as training examples: each dev document's windows, labelled per category.

Only dev rows are ever returned: a row counts as dev when its label line says so and the committed split
file (goldset/cuad/split.tsv) agrees; a disagreement is an error, never a guess. Test rows are skipped as
soon as their split is read, so neither their labels nor their PDFs reach training, threshold picking or
any figure.

Window labels, per category:
    1   the window shares at least MIN_OVERLAP_WORDS words (or all of a shorter text) with a marked text
    0   the window touches no marked text, in a document whose marked texts were all located
   -1   left out of training: it only grazes a marked text (a few words at its edge), or the document
        has the clause but some marked text of it was not located (the window might hold it)
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from extractors.clauses.chunks import Chunk, Chunking, chunk_pages
from extractors.clauses.locate import DocumentKey, locate
from goldset.cuad_split import filer, read_split
from goldset.labels import DOCUMENTS_DIR, LABELS_FILE, document_path
from schemas.clauses import ClauseCategory, from_cuad_name

CATEGORIES: tuple[ClauseCategory, ...] = tuple(ClauseCategory)
MIN_OVERLAP_WORDS = 8
POSITIVE, NEGATIVE, UNUSED = 1, 0, -1


@dataclass(frozen=True)
class DevRow:
    """One dev contract's clause labels; `record` is their JSON as the label line has it (hashed)."""

    document: str
    record: str
    answers: dict[ClauseCategory, bool]
    texts: dict[ClauseCategory, list[str]]


def read_dev_rows(goldset_dir: Path) -> list[DevRow]:
    """The dev rows of a CUAD-style golden set, in label order."""
    split = read_split(goldset_dir)
    rows: list[DevRow] = []
    for number, line in enumerate((goldset_dir / LABELS_FILE).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        record = json.loads(line)
        side = record.get("split", "test")
        if side != split.get(record["document"]):
            raise ValueError(f"{LABELS_FILE}:{number}: split {side!r} disagrees with the split file")
        if side != "dev":
            continue  # test: not one more field of it is read
        clauses = record.get("clauses", {})
        rows.append(
            DevRow(
                document=record["document"],
                record=json.dumps(clauses, sort_keys=True, ensure_ascii=False),
                answers={from_cuad_name(name): bool(c["answer"]) for name, c in clauses.items()},
                texts={from_cuad_name(name): list(c.get("texts", [])) for name, c in clauses.items()},
            )
        )
    return rows


def training_data_hash(goldset_dir: Path, rows: Sequence[DevRow]) -> str:
    """sha256 over what training reads of the dev rows (their clause answers and marked texts) and
    their PDFs' names and bytes, in document order: a change to other fields' labels leaves it alone."""
    digest = hashlib.sha256()
    for row in sorted(rows, key=lambda r: r.document):
        digest.update(row.record.encode("utf-8") + b"\n")
        path = document_path(goldset_dir, row.document)
        if path is None:
            raise FileNotFoundError(f"{row.document} is not in {goldset_dir / DOCUMENTS_DIR}")
        digest.update(row.document.encode("utf-8") + b"\0" + path.read_bytes())
    return digest.hexdigest()


@dataclass
class LocateCounts:
    """How many marked texts (and their "<omitted>"-separated pieces) were found in the text."""

    texts: int = 0
    located: int = 0  # at least one piece found
    complete: int = 0  # every piece found
    pieces: int = 0
    pieces_found: int = 0

    def add(self, other: LocateCounts) -> None:
        for name in vars(self):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class TrainingDocument:
    """One dev document's windows, its answers and each window's label per category."""

    document: str
    filer: str  # EDGAR filer: the unit the cross-validation folds keep together
    chunks: list[Chunk]
    answers: np.ndarray  # (categories,) bool: CUAD's yes/no
    labels: np.ndarray  # (chunks, categories) int8: POSITIVE, NEGATIVE or UNUSED
    counts: LocateCounts = field(default_factory=LocateCounts)


def _overlap(chunk: Chunk, ranges: dict[int, tuple[int, int]]) -> tuple[int, int]:
    """(words the window shares with a located text, that text's words on the window's page)."""
    if chunk.page not in ranges:
        return 0, 0
    first, last = ranges[chunk.page]
    return max(0, min(last, chunk.last_word) - max(first, chunk.first_word)), last - first


def build_document(row: DevRow, pages: Sequence[tuple[int, str]], chunking: Chunking) -> TrainingDocument:
    """Window a dev document's pages and label each window per category from the located texts."""
    chunks = chunk_pages(pages, chunking)
    doc_key = DocumentKey.from_pages(pages)
    labels = np.full((len(chunks), len(CATEGORIES)), NEGATIVE, np.int8)
    answers = np.array([row.answers.get(c, False) for c in CATEGORIES], bool)
    counts = LocateCounts()
    for column, category in enumerate(CATEGORIES):
        if not answers[column]:
            continue
        texts = row.texts.get(category, [])
        all_located = bool(texts)
        positive = np.zeros(len(chunks), bool)
        grazing = np.zeros(len(chunks), bool)
        for text in texts:
            found = locate(text, doc_key)
            counts.texts += 1
            counts.located += found.located
            counts.complete += found.complete
            counts.pieces += found.pieces
            counts.pieces_found += found.found
            all_located &= found.complete
            for first, last in found.ranges:
                on_pages = doc_key.page_ranges(first, last)
                for i, chunk in enumerate(chunks):
                    shared, length = _overlap(chunk, on_pages)
                    if shared >= min(MIN_OVERLAP_WORDS, length):
                        positive[i] |= shared > 0
                    elif shared > 0:
                        grazing[i] = True
        column_labels = np.where(positive, POSITIVE, np.where(grazing, UNUSED, NEGATIVE))
        if not all_located:
            column_labels = np.where(positive, POSITIVE, UNUSED)
        labels[:, column] = column_labels
    return TrainingDocument(
        document=row.document,
        filer=filer(row.document),
        chunks=chunks,
        answers=answers,
        labels=labels,
        counts=counts,
    )
