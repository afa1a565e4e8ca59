"""Text search over ingested golden-set documents: the right document first, filters on extracted terms."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from abstractor.search_service import SearchServices
from abstractor.settings import Settings
from retrieval.terms import contract_terms
from schemas.contract import ContractFields
from storage.db import Document, Extraction, Matter, StageState
from storage.db.access import principal

LABELS = {
    row["document"]: row["fields"]
    for row in map(
        json.loads, (Path(__file__).parents[2] / "goldset/data/labels.jsonl").read_text().splitlines()
    )
}


@pytest.fixture
def services(search_home: Path) -> Iterator[SearchServices]:
    found = SearchServices(Settings())
    yield found
    found.close()


def _ids(services: SearchServices) -> dict[tuple[str, str], int]:
    with services.db.session() as session:
        rows = session.execute(select(Matter.name, Document.filename, Document.id).join(Matter)).all()
    return {(matter, name): document_id for matter, name, document_id in rows}


@pytest.mark.parametrize(
    ("user", "matter", "name"),
    [
        ("alice", "alpha", "nda-0021.pdf"),
        ("alice", "alpha", "sow-0023.pdf"),
        ("bob", "beta", "nda-0077.pdf"),
        ("bob", "beta", "employment-0025.pdf"),
        ("bob", "beta", "nda-0021.pdf"),
    ],
)
def test_a_query_made_of_its_labels_finds_the_document_first(services, user, matter, name):
    labels = LABELS[name]
    query = f"{labels['parties'][0]['name']} {labels['governing_law']}"
    result = services.search(principal(services.db, user), query, where=[], limit=5, client="test")
    assert result.hits, query
    first = result.hits[0]
    assert (first["matter"], first["document"]) == (matter, _ids(services)[(matter, name)])
    assert set(first["channels"]) <= {"dense", "sparse"} and first["channels"]
    assert first["thumbnail"] == f"/api/documents/{first['document']}/pages/{first['page']}/thumbnail"
    assert result.visual is False  # no ColPali model configured: text only, and said so


def _documents(services: SearchServices, where: list[str], query: str = "agreement") -> set[str]:
    result = services.search(principal(services.db, "root"), query, where=where, limit=50, client="test")
    names = {document_id: name for (_, name), document_id in _ids(services).items()}
    return {names[hit["document"]] for hit in result.hits}


def _extracted_terms(services: SearchServices) -> dict[str, ContractFields]:
    """What extraction stored for each document (the filters' truth, whatever the engine got right)."""
    with services.db.session() as session:
        rows = session.execute(
            select(Document.filename, Extraction.fields)
            .join(Extraction, Extraction.document_id == Document.id)
            .where(Extraction.page_number.is_(None))
        ).all()
    return {name: contract_terms(fields) for name, fields in rows}


def _expected(terms: dict[str, ContractFields], keep: Callable[[ContractFields], bool]) -> set[str]:
    return {name for name, fields in terms.items() if keep(fields)}


def _within(value: Any, low: Any = None, high: Any = None) -> bool:
    return value is not None and (low is None or value >= low) and (high is None or value <= high)


def test_filters_on_extracted_terms(services):
    # The filters must return exactly the documents whose extracted terms satisfy them: the expected sets
    # come from the stored extractions, so this checks filtering, not the engine's accuracy.
    terms = _extracted_terms(services)
    assert set(terms) == {"nda-0021.pdf", "sow-0023.pdf", "nda-0077.pdf", "employment-0025.pdf"}
    cases: list[tuple[list[str], Callable[[ContractFields], bool]]] = [
        (["contract_type=nda"], lambda f: f.contract_type == "nda"),
        (["governing_law=Colorado"], lambda f: f.governing_law == "Colorado"),
        (["party=Riverbend Realty, L.P."], lambda f: "Riverbend Realty, L.P." in [p.name for p in f.parties]),
        (["effective_date>=2021-01-01", "effective_date<=2022-12-31"],
         lambda f: _within(f.effective_date, dt.date(2021, 1, 1), dt.date(2022, 12, 31))),
        (["effective_date>=2021-01-01"], lambda f: _within(f.effective_date, low=dt.date(2021, 1, 1))),
        (["expiration_date<=2024-12-31"], lambda f: _within(f.expiration_date, high=dt.date(2024, 12, 31))),
        (["contract_value>=100000", "contract_value<=200000"],
         lambda f: _within(f.contract_value.amount if f.contract_value else None, 100000, 200000)),
        (["contract_type=lease"], lambda f: f.contract_type == "lease"),
    ]  # fmt: skip
    non_empty = 0
    for where, keep in cases:
        expected = _expected(terms, keep)
        assert _documents(services, where) == expected, where
        non_empty += bool(expected)
    assert non_empty >= 5  # most filters select something, so the equalities above say something
    law = terms["sow-0023.pdf"].governing_law
    hit = services.search(
        principal(services.db, "root"), "services", where=[f"governing_law={law}"], limit=1, client="test"
    ).hits[0]
    assert hit["fields"]["governing_law"] == law


def test_index_stage_is_recorded_and_chained_to_extraction(services):
    with services.db.session() as session:
        states = list(session.scalars(select(StageState).where(StageState.stage == "index")))
        extract = {
            s.document_id: s.version
            for s in session.scalars(select(StageState).where(StageState.stage == "extract"))
        }
    assert len(states) == 5 and all(s.status == "ok" for s in states)
    assert all("colpali=off" in s.version and "payload/2" in s.version for s in states)
    import hashlib

    for state in states:  # a new extraction changes the digest, so the pages are indexed again
        assert state.version.endswith(hashlib.sha256(extract[state.document_id].encode()).hexdigest()[:10])
