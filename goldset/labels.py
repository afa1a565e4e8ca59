"""Golden-set labels: the format, the loader and the content hash every evaluation records.

Format (ours and any EXTERNAL golden set):

    <dir>/labels.jsonl        one JSON object per line:
        {"document": "nda-0001.pdf",        # file name of the document (required)
         "split": "dev" | "test",           # optional, defaults to "test"
         "schema_version": "contract-fields/2",  # optional, defaults to "contract-fields/1"
         "fields": {...},                   # ContractFields JSON, values only (required)
         "unlabelled": {"<field>": "why"},  # optional: fields this label does not score, with the reason
         "clauses": {"<category>": {"answer": true, "texts": ["..."]}}}  # optional: clause answers
    <dir>/documents/<name>    the documents named in labels.jsonl (or <dir>/<name> beside the labels)

A field left out of `fields` means "the document does not state it": a prediction there is a false
positive. A field named in `unlabelled` is not scored at all (a golden set that does not label it, or a
value the schema cannot hold); the reason says which. `unlabelled` may name a question group
(`clauses`) or one question of it (`clauses.non_compete`).

`fields.clauses` answers each clause category true (the contract has one) or false (it has none); a
category left out is not labelled, since a yes/no question has no "not stated". The top-level `clauses`
keep CUAD's clause texts for clause extraction; the scorer reads `fields.clauses`.

`schema_version` is the extraction schema the line was labelled against. Fields the schema gained later
(FIELDS_ADDED) are unlabelled on that line, with that reason: a line written before
`renewal_notice_days` existed says nothing about it, and leaving it out must not read as "not stated".

Blank lines and lines starting with "#" are skipped. Documents may be PDF or TIFF, clean or scanned;
predictions are matched to labels by file stem, so "nda-0001.tif" answers for "nda-0001.pdf".
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from schemas.contract import ContractFields
from schemas.introspect import field_paths, nested_fields

LABELS_FILE = "labels.jsonl"
DOCUMENTS_DIR = "documents"
Split = Literal["dev", "test"]
FIRST_VERSION = "contract-fields/1"
# The fields each schema version added, oldest first; the last key is the schema's current version.
FIELDS_ADDED: dict[str, tuple[str, ...]] = {
    FIRST_VERSION: (),
    "contract-fields/2": ("renewal_notice_days", "clauses"),
}
# What `unlabelled` may name: a field, a question group, or one question of a group.
_LABELLABLE = set(field_paths(ContractFields)) | set(ContractFields.model_fields)
_GROUPS = set(nested_fields(ContractFields))


class ClauseLabel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    answer: bool = Field(description="Whether the contract has such a clause (CUAD's Yes/No).")
    texts: list[str] = Field(default_factory=list, description="The clause text(s) the labellers marked.")


class GoldDocument(BaseModel):
    model_config = ConfigDict(extra="forbid")

    document: str = Field(min_length=1, description="File name of the labelled document.")
    split: Split = "test"
    schema_version: str = Field(default=FIRST_VERSION, description="Schema the line was labelled against.")
    fields: ContractFields
    unlabelled: dict[str, str] = Field(
        default_factory=dict, description="Fields not scored on this document, each with the reason."
    )
    clauses: dict[str, ClauseLabel] = Field(default_factory=dict, description="Clause answers by category.")
    path: Path | None = Field(default=None, exclude=True, description="Resolved location; not serialised.")

    @field_validator("schema_version")
    @classmethod
    def _known_version(cls, version: str) -> str:
        if version not in FIELDS_ADDED:
            raise ValueError(f"unknown schema version {version!r} (known: {', '.join(FIELDS_ADDED)})")
        return version

    @model_validator(mode="after")
    def _unlabelled_are_empty_fields(self) -> GoldDocument:
        unknown = sorted(set(self.unlabelled) - _LABELLABLE)
        if unknown:
            raise ValueError(f"unlabelled names fields the schema does not have: {', '.join(unknown)}")
        for name, reason in added_since(self.schema_version).items():
            self.unlabelled.setdefault(name, reason)
        # A value beside "not labelled" would be scored by nobody and trusted by some: refuse it.
        flat = self.fields.model_dump()
        valued = sorted(name for name in self.unlabelled if _has_value(flat, name))
        if valued:
            raise ValueError(f"fields both labelled and unlabelled: {', '.join(valued)}")
        return self

    def scores(self, path: str) -> bool:
        """Whether this label scores the field at `path` (a field, or `<group>.<question>`)."""
        group, _, question = path.partition(".")
        if path in self.unlabelled or group in self.unlabelled:
            return False
        # A question left unanswered is unlabelled: yes/no has no "not stated" to fall back on.
        return not question or getattr(getattr(self.fields, group), question) is not None

    @property
    def stem(self) -> str:
        return Path(self.document).stem


def added_since(version: str) -> dict[str, str]:
    """The fields the schema gained after `version`, each with the reason a label of it leaves them out."""
    versions = list(FIELDS_ADDED)
    later = versions[versions.index(version) + 1 :]
    return {
        name: f"labelled against {version}, before {added} added this field"
        for added in later
        for name in FIELDS_ADDED[added]
    }


def _has_value(values: dict[str, Any], path: str) -> bool:
    """Whether `values` (a ContractFields dump) holds a value at the field, group or question `path`."""
    group, _, question = path.partition(".")
    value = values[group]
    if question:
        return value[question] is not None
    if group in _GROUPS:
        return any(answer is not None for answer in value.values())
    return value not in (None, [])


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
    # What the line's schema version implies is left out, and so are empty optional mappings and groups,
    # so a set labelled against an older schema keeps its lines byte for byte.
    line = doc.model_dump(mode="json", exclude_none=True)
    implied = added_since(doc.schema_version)
    line["unlabelled"] = {k: v for k, v in doc.unlabelled.items() if implied.get(k) != v}
    for name in ("unlabelled", "clauses"):
        if not line[name]:
            del line[name]
    for group in _GROUPS:
        if not line["fields"].get(group):
            line["fields"].pop(group, None)
    if doc.schema_version == FIRST_VERSION:
        del line["schema_version"]
    return json.dumps(line, ensure_ascii=False)


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
