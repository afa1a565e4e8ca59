"""Golden-set labels: the format, the loader and the content hash every evaluation records.

Format (ours and any EXTERNAL golden set):

    <dir>/labels.jsonl        one JSON object per line:
        {"document": "nda-0001.pdf",        # file name of the document (required)
         "split": "dev" | "test",           # optional, defaults to "test"
         "fields": {...}}                   # ContractFields JSON, values only (required)
    <dir>/documents/<name>    the documents named in labels.jsonl (or <dir>/<name> beside the labels)

Blank lines and lines starting with "#" are skipped. Documents may be PDF or TIFF, clean or scanned;
predictions are matched to labels by file stem, so "nda-0001.tif" answers for "nda-0001.pdf".
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from schemas.contract import ContractFields

LABELS_FILE = "labels.jsonl"
DOCUMENTS_DIR = "documents"
Split = Literal["dev", "test"]


class GoldDocument(BaseModel):
    model_config = ConfigDict(extra="forbid")

    document: str = Field(min_length=1, description="File name of the labelled document.")
    split: Split = "test"
    fields: ContractFields
    path: Path | None = Field(default=None, exclude=True, description="Resolved location; not serialised.")

    @property
    def stem(self) -> str:
        return Path(self.document).stem


def document_path(goldset_dir: Path, name: str) -> Path | None:
    for candidate in (goldset_dir / DOCUMENTS_DIR / name, goldset_dir / name):
        if candidate.is_file():
            return candidate
    return None


def load_goldset(goldset_dir: Path | str, split: Split | None = None) -> list[GoldDocument]:
    """Read and validate `labels.jsonl`; raise ValueError naming the line or the missing documents."""
    root = Path(goldset_dir)
    gold: list[GoldDocument] = []
    missing: list[str] = []
    lines = (root / LABELS_FILE).read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            doc = GoldDocument.model_validate(json.loads(line))
        except ValueError as error:
            raise ValueError(f"{root / LABELS_FILE}:{number}: {error}") from error
        doc.path = document_path(root, doc.document)
        if doc.path is None:
            missing.append(doc.document)
        gold.append(doc)
    if missing:
        raise ValueError(f"documents named in {LABELS_FILE} but not found: {', '.join(missing[:10])}")
    stems = [d.stem for d in gold]
    if len(set(stems)) != len(stems):
        raise ValueError("two labelled documents share a file stem; predictions could not tell them apart")
    return [d for d in gold if split is None or d.split == split]


def labels_line(doc: GoldDocument) -> str:
    return json.dumps(doc.model_dump(mode="json", exclude_none=True), ensure_ascii=False)


def write_labels(goldset_dir: Path, docs: Iterable[GoldDocument]) -> None:
    text = "".join(labels_line(d) + "\n" for d in docs)
    (goldset_dir / LABELS_FILE).write_text(text, encoding="utf-8")


def goldset_hash(goldset_dir: Path | str) -> str:
    """sha256 over labels.jsonl and every labelled document's name and bytes, in label order."""
    root = Path(goldset_dir)
    digest = hashlib.sha256()
    labels = (root / LABELS_FILE).read_bytes()
    digest.update(b"labels\0" + labels)
    for doc in load_goldset(root):
        assert doc.path is not None  # load_goldset raised otherwise
        digest.update(b"\0document\0" + doc.document.encode() + b"\0")
        digest.update(hashlib.sha256(doc.path.read_bytes()).digest())
    return digest.hexdigest()
