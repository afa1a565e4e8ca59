"""Golden-set labels: the format, the loader and the content hash every evaluation records.

Format (ours and any EXTERNAL golden set):

    <dir>/labels.jsonl        one JSON object per line:
        {"document": "nda-0001.pdf",        # file name of the document (required)
         "split": "dev" | "test",           # optional, defaults to "test"
         "fields": {...},                   # ContractFields JSON, values only (required)
         "unlabelled": {"<field>": "why"},  # optional: fields this label does not score, with the reason
         "clauses": {"<category>": {"answer": true, "texts": ["..."]}}}  # optional: clause answers
    <dir>/documents/<name>    the documents named in labels.jsonl (or <dir>/<name> beside the labels)

A field left out of `fields` means "the document does not state it": a prediction there is a false
positive. A field named in `unlabelled` is not scored at all (a golden set that does not label it, or a
value the schema cannot hold); the reason says which. `clauses` are kept for clause extraction and
ignored by the scorer, which scores only the schema's fields.

Blank lines and lines starting with "#" are skipped. Documents may be PDF or TIFF, clean or scanned;
predictions are matched to labels by file stem, so "nda-0001.tif" answers for "nda-0001.pdf".
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from schemas.contract import ContractFields

LABELS_FILE = "labels.jsonl"
DOCUMENTS_DIR = "documents"
Split = Literal["dev", "test"]


class ClauseLabel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    answer: bool = Field(description="Whether the contract has such a clause (CUAD's Yes/No).")
    texts: list[str] = Field(default_factory=list, description="The clause text(s) the labellers marked.")


class GoldDocument(BaseModel):
    model_config = ConfigDict(extra="forbid")

    document: str = Field(min_length=1, description="File name of the labelled document.")
    split: Split = "test"
    fields: ContractFields
    unlabelled: dict[str, str] = Field(
        default_factory=dict, description="Fields not scored on this document, each with the reason."
    )
    clauses: dict[str, ClauseLabel] = Field(default_factory=dict, description="Clause answers by category.")
    path: Path | None = Field(default=None, exclude=True, description="Resolved location; not serialised.")

    @model_validator(mode="after")
    def _unlabelled_are_empty_fields(self) -> GoldDocument:
        unknown = sorted(set(self.unlabelled) - set(ContractFields.model_fields))
        if unknown:
            raise ValueError(f"unlabelled names fields the schema does not have: {', '.join(unknown)}")
        # A value beside "not labelled" would be scored by nobody and trusted by some: refuse it.
        valued = sorted(name for name in self.unlabelled if getattr(self.fields, name) not in (None, []))
        if valued:
            raise ValueError(f"fields both labelled and unlabelled: {', '.join(valued)}")
        return self

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
    # Empty optional mappings are left out, so a set without them keeps its lines byte for byte.
    empty = {name for name in ("unlabelled", "clauses") if not getattr(doc, name)}
    return json.dumps(doc.model_dump(mode="json", exclude_none=True, exclude=empty), ensure_ascii=False)


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
