"""CUAD's `master_clauses.csv` -> the project's labels: `goldset/cuad/labels.jsonl`.

    python -m goldset.cuad_labels    # writes split.tsv, SPLIT.sha256 and labels.jsonl in goldset/cuad

The mapping (also in the README, "The CUAD golden set"):

    CUAD category                        field                how
    (the file name)                      contract_type        its agreement type (goldset.cuad_types)
    Document Name                        title                line breaks collapsed
    Parties                              parties              'Name ("Role"); ...' (goldset.cuad_answers)
    Agreement Date                       execution_date       M/D/YY -> ISO; CUAD's "date of the contract"
    Effective Date                       effective_date       M/D/YY -> ISO; empty answer: unlabelled
    Expiration Date                      expiration_date      M/D/YY -> ISO; "perpetual": unlabelled
    Renewal Term                         renewal_term         "successive 1 year" -> "1 year"
    Notice Period To Terminate Renewal   renewal_notice_days  "6 months" -> 180 (a month 30 days, a year 365)
    Governing Law                        governing_law        one jurisdiction, as CUAD names it
    the 33 Yes/No categories             clauses.<slug>       Yes -> true, No -> false (schemas.clauses)

The Yes/No answers are also kept, with the clause texts CUAD marked, in the label's top-level `clauses`
({CUAD name: {answer, texts}}), which clause extraction trains on.

CUAD's conventions, each handled on purpose:
- An empty answer means CUAD's lawyers found no such clause: the field is labelled as not stated, so a
  prediction there is a false positive. Except the effective date: CUAD marks one only where the
  contract states it apart from the contract's date, and a contract "made as of" a date takes effect on
  it, so an empty Effective Date is unlabelled rather than "none".
- A date is labelled only when the clause CUAD marked writes it (for the effective date, that clause or
  the Agreement Date's, which CUAD's effective dates build on). CUAD computes some dates ("five (5) years
  following the Effective Date" -> 2/10/2019) and its answers carry a few typos; labels hold what the
  page states, so such a date is unlabelled with CUAD's answer in the reason.
- "perpetual", redacted parts ("[]/[]/2013"), several answers in one cell ("Illinois; New York") and
  answers the schema cannot hold (more than 8 parties, free text) are unlabelled, each with its reason.
- Fields CUAD has no category for are unlabelled on every document (NOT_IN_CUAD), so the scorer never
  counts an engine's answer there as a false positive.
- The contract type is CUAD's own, read from the file name as CUAD sorted the contracts; a name with
  several types (some carry two) or a type the schema lacks is unlabelled with its reason.

One row per PDF. A row whose PDF has the same bytes as an earlier row's is left out (and printed):
ingestion treats the same bytes as one document, so the copy could never get a prediction of its own.
"""

from __future__ import annotations

import ast
import csv
import datetime as dt
import hashlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from goldset.cuad_answers import (
    Unscorable,
    read_date,
    read_duration,
    read_governing_law,
    read_parties,
    read_title,
    written_in,
)
from goldset.cuad_split import make_split, write_split
from goldset.cuad_types import read_contract_type
from goldset.labels import DOCUMENTS_DIR, ClauseLabel, GoldDocument, Split, write_labels
from goldset.normalize import normalize_days
from schemas.clauses import from_cuad_name
from schemas.contract import SCHEMA_VERSION, ContractFields

CUAD_DIR = Path(__file__).resolve().parent / "cuad"
CSV_FILE = "master_clauses.csv"

NOT_IN_CUAD: dict[str, str] = {
    "term": "CUAD has no category for the initial term",
    "auto_renewal": "CUAD's Renewal Term covers automatic and optional extensions alike, so it does not say "
    "whether the term renews automatically",
    "termination_notice_days": "CUAD labels the notice that stops a renewal (Notice Period To Terminate "
    "Renewal, in renewal_notice_days), not the notice to terminate the agreement that this field holds",
    "contract_value": "CUAD has no category for the contract value",
    "payment_terms_days": "CUAD has no category for payment terms",
    "signatories": "CUAD has no category for signatories",
}
NOTICE_CATEGORY = "Notice Period To Terminate Renewal"
# The eight categories with value answers; every other category is answered Yes or No.
VALUE_CATEGORIES = (
    "Document Name",
    "Parties",
    "Agreement Date",
    "Effective Date",
    "Expiration Date",
    "Renewal Term",
    NOTICE_CATEGORY,
    "Governing Law",
)


def _answer(row: Mapping[str, str], category: str) -> str:
    # CUAD's header spells one answer column "Notice Period To Terminate Renewal- Answer".
    key = f"{category}-Answer" if f"{category}-Answer" in row else f"{category}- Answer"
    return row[key].strip()


def _texts(row: Mapping[str, str], category: str) -> list[str]:
    """The clause texts CUAD marked: a Python list literal in the cell ("['...', '...']")."""
    texts = ast.literal_eval(row[category])
    if not isinstance(texts, list):
        raise ValueError(f"{row['Filename']}: {category} is not a list of clause texts")
    return [str(text) for text in texts]


def categories(header: list[str]) -> list[str]:
    return [name for name in header if name != "Filename" and not name.replace(" ", "").endswith("-Answer")]


def _yes_no(row: Mapping[str, str], category: str) -> ClauseLabel:
    answer = _answer(row, category)
    if answer not in ("Yes", "No"):
        raise ValueError(f"{row['Filename']}: {category} answers {answer!r}, not Yes or No")
    return ClauseLabel(answer=answer == "Yes", texts=_texts(row, category))


def _date(row: Mapping[str, str], category: str, written: list[str]) -> dt.date | Unscorable | None:
    value = read_date(_answer(row, category))
    if isinstance(value, dt.date) and not written_in(value, written):
        return Unscorable(
            f"CUAD's {category} {_answer(row, category)!r} is not written in the clause it marked "
            "(CUAD worked it out, e.g. from the term, or mistyped it); labels hold what the page states"
        )
    return value


def _notice_days(answer: str) -> int | Unscorable | None:
    """Notice Period To Terminate Renewal ("30 days", "6 months") -> days, as the scorer counts them."""
    duration = read_duration(answer)
    if not isinstance(duration, str):
        return duration
    return normalize_days(duration)


def _fields(row: Mapping[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """The scorable values, and the unlabelled fields with their reasons."""
    agreement_texts = _texts(row, "Agreement Date")
    readers: dict[str, Callable[[], Any]] = {
        "contract_type": lambda: read_contract_type(row["Filename"]),
        "title": lambda: read_title(_answer(row, "Document Name")),
        "parties": lambda: read_parties(_answer(row, "Parties")),
        "execution_date": lambda: _date(row, "Agreement Date", agreement_texts),
        "effective_date": lambda: _date(
            row, "Effective Date", _texts(row, "Effective Date") + agreement_texts
        ),
        "expiration_date": lambda: _date(row, "Expiration Date", _texts(row, "Expiration Date")),
        "renewal_term": lambda: read_duration(_answer(row, "Renewal Term")),
        "renewal_notice_days": lambda: _notice_days(_answer(row, NOTICE_CATEGORY)),
        "governing_law": lambda: read_governing_law(_answer(row, "Governing Law")),
    }
    values: dict[str, Any] = {}
    unlabelled = dict(NOT_IN_CUAD)
    for name, read in readers.items():
        value = read()
        if isinstance(value, Unscorable):
            unlabelled[name] = value.reason
        elif value is not None:
            values[name] = value
    if not _answer(row, "Effective Date"):
        unlabelled["effective_date"] = (
            "CUAD gives no effective date: it marks one only where the contract states it apart from the "
            "contract's date, so its silence does not say the contract has none"
        )
    return values, unlabelled


def convert_row(
    row: Mapping[str, str], document: str, split: Split, clause_categories: list[str]
) -> GoldDocument:
    values, unlabelled = _fields(row)
    clauses = {name: _yes_no(row, name) for name in clause_categories if name not in VALUE_CATEGORIES}
    values["clauses"] = {from_cuad_name(name).value: clause.answer for name, clause in clauses.items()}
    return GoldDocument(
        document=document,
        split=split,
        schema_version=SCHEMA_VERSION,
        fields=ContractFields.model_validate(values),
        unlabelled=unlabelled,
        clauses=clauses,
    )


def read_rows(csv_path: Path) -> tuple[list[dict[str, str]], list[str]]:
    with csv_path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
    return rows, categories(list(reader.fieldnames or []))


def resolve_filename(name: str, available: Mapping[str, str]) -> str:
    """The PDF a row names; CUAD's CSV and its files disagree on the case of a few suffixes (.PDF/.pdf)."""
    if name in available.values():
        return name
    folded = available.get(name.casefold())
    if folded is None:
        raise ValueError(f"{CSV_FILE} names {name!r}, which is not among the documents")
    return folded


def unique_rows(
    rows: list[dict[str, str]], documents_dir: Path
) -> tuple[list[tuple[str, dict[str, str]]], list[str]]:
    """(document, row) for each row whose PDF's bytes are new, and the names of the copies left out."""
    available = {path.name.casefold(): path.name for path in documents_dir.iterdir()}
    kept, copies, seen = [], [], set()
    for row in rows:
        document = resolve_filename(row["Filename"], available)
        digest = hashlib.sha256((documents_dir / document).read_bytes()).hexdigest()
        if digest in seen:
            copies.append(document)
            continue
        seen.add(digest)
        kept.append((document, row))
    return kept, copies


def convert(folder: Path = CUAD_DIR) -> list[str]:
    """Write the split and the labels for the CUAD set in `folder`; return the copies left out."""
    rows, clause_categories = read_rows(folder / CSV_FILE)
    kept, copies = unique_rows(rows, folder / DOCUMENTS_DIR)
    split = make_split(document for document, _ in kept)
    write_split(folder, split)
    write_labels(folder, [convert_row(row, doc, split[doc], clause_categories) for doc, row in kept])
    return copies


if __name__ == "__main__":
    for copy in convert():
        print(f"left out (same bytes as an earlier row's PDF): {copy}")
