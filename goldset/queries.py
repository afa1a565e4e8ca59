"""Search query sets: the format, the loader and the content hash a search evaluation records.

Format (ours and any EXTERNAL golden set's), beside the set's labels.jsonl:

    <dir>/queries.jsonl       one JSON object per line:
        {"id": "dev-termination_for_convenience-1",   # unique in the file (required)
         "split": "dev" | "test",                     # required: which side of the set's split it serves
         "text": "can either side walk away without cause?",   # what a user types (required)
         "category": "termination_for_convenience",   # optional: what the query asks about
         "relevant": [                                # required; [] = no document answers it
             {"document": "<file name as in labels.jsonl>",
              "grade": 1,                             # >= 1, defaults to 1
              "pages": [{"page": 3, "grade": 2},      # optional: pages that answer, 1-based, grade >= 1
                        {"page": 4, "grade": 1}]}]}

A document or page not listed is not relevant (grade 0). Grades are graded relevance for nDCG: higher is
a better answer. A document may be listed without pages (it answers, but where is not known); page-level
metrics then only count the pages that are listed.

`relevant` is required rather than defaulting to [] because [] has a meaning of its own: an
UNANSWERABLE query, which checks that search says no page answers it well instead of returning its
closest miss with confidence. A line that forgot the field must fail, not silently become one.

Ranked items are opaque strings: a document is its file name, a page is `page_item(document, page)`
("<document>#<page>"). Blank lines and lines starting with "#" are skipped.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from goldset.labels import Split

QUERIES_FILE = "queries.jsonl"


def page_item(document: str, page: int) -> str:
    """The ranked-item string of a page, as rankings and page grades both spell it."""
    return f"{document}#{page}"


class RelevantPage(BaseModel):
    model_config = ConfigDict(extra="forbid")

    page: int = Field(ge=1, description="1-based page number.")
    grade: int = Field(ge=1, description="How well the page answers: 2 holds the answer, 1 part of it.")


class RelevantDocument(BaseModel):
    model_config = ConfigDict(extra="forbid")

    document: str = Field(min_length=1, description="File name of the document, as in labels.jsonl.")
    grade: int = Field(default=1, ge=1, description="How well the document answers.")
    pages: list[RelevantPage] = Field(default_factory=list, description="The pages that answer.")

    @model_validator(mode="after")
    def _pages_once(self) -> RelevantDocument:
        numbers = [p.page for p in self.pages]
        if len(set(numbers)) != len(numbers):
            raise ValueError(f"{self.document}: a page is listed more than once")
        return self


class SearchQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    split: Split
    text: str = Field(min_length=1, description="What the user types into the search box.")
    category: str | None = Field(default=None, description="What the query asks about, for per-topic means.")
    relevant: list[RelevantDocument] = Field(description="The documents that answer; [] = unanswerable.")

    @model_validator(mode="after")
    def _documents_once(self) -> SearchQuery:
        names = [r.document for r in self.relevant]
        if len(set(names)) != len(names):
            raise ValueError(f"{self.id}: a document is listed more than once")
        return self

    @property
    def answerable(self) -> bool:
        return bool(self.relevant)

    def document_grades(self) -> dict[str, int]:
        return {r.document: r.grade for r in self.relevant}

    def page_grades(self) -> dict[str, int]:
        return {page_item(r.document, p.page): p.grade for r in self.relevant for p in r.pages}


def load_queries(path: Path | str, split: Split | None = None) -> list[SearchQuery]:
    """Read and validate a queries.jsonl; raise ValueError naming the line of a bad or repeated query."""
    source = Path(path)
    queries: list[SearchQuery] = []
    seen: set[str] = set()
    for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            query = SearchQuery.model_validate(json.loads(line))
        except ValueError as error:
            raise ValueError(f"{source}:{number}: {error}") from error
        if query.id in seen:
            raise ValueError(f"{source}:{number}: query id {query.id!r} is used twice")
        seen.add(query.id)
        queries.append(query)
    return [q for q in queries if split is None or q.split == split]


def queries_path(goldset_dir: Path | str) -> Path | None:
    """The golden set's query set, or None when it has none."""
    path = Path(goldset_dir) / QUERIES_FILE
    return path if path.is_file() else None


def queries_hash(path: Path | str) -> str:
    """sha256 of the query set's bytes: a search evaluation records it, as extraction records goldset_hash."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
