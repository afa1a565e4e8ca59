"""Text search over ingested golden-set documents: the right document first, filters on extracted terms."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from abstractor.search_service import SearchServices
from abstractor.settings import Settings
from storage.db import Document, Matter, StageState
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


def test_filters_on_extracted_terms(services):
    assert _documents(services, ["contract_type=nda"]) == {"nda-0021.pdf", "nda-0077.pdf"}
    assert _documents(services, ["governing_law=Colorado"]) == {"sow-0023.pdf"}
    assert _documents(services, ["party=Riverbend Realty, L.P."]) == {"employment-0025.pdf"}
    # effective dates: sow 2021-06-26, employment 2023-12-08, nda-0077 2019-04-22
    assert _documents(services, ["effective_date>=2021-01-01", "effective_date<=2022-12-31"]) == {
        "sow-0023.pdf"
    }
    assert _documents(services, ["effective_date>=2021-01-01"]) == {"sow-0023.pdf", "employment-0025.pdf"}
    assert _documents(services, ["expiration_date<=2024-12-31"]) == {"employment-0025.pdf"}
    assert _documents(services, ["contract_value>=100000", "contract_value<=200000"]) == {"sow-0023.pdf"}
    assert _documents(services, ["contract_value>=200000"]) == set()
    assert _documents(services, ["contract_type=lease"]) == set()
    hit = services.search(
        principal(services.db, "root"), "services", where=["governing_law=Colorado"], limit=1, client="test"
    ).hits[0]
    assert hit["fields"]["contract_type"] == "statement_of_work"
    assert hit["fields"]["contract_value"] == 170000.0


def test_index_stage_is_recorded_and_chained_to_extraction(services):
    with services.db.session() as session:
        states = list(session.scalars(select(StageState).where(StageState.stage == "index")))
        extract = {
            s.document_id: s.version
            for s in session.scalars(select(StageState).where(StageState.stage == "extract"))
        }
    assert len(states) == 5 and all(s.status == "done" for s in states)
    assert all("colpali=off" in s.version and "payload/1" in s.version for s in states)
    import hashlib

    for state in states:  # a new extraction changes the digest, so the pages are indexed again
        assert state.version.endswith(hashlib.sha256(extract[state.document_id].encode()).hexdigest()[:10])
