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
from retrieval.relevance import RelevanceCalibration
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
    assert result.documents, query
    first = result.documents[0]
    assert (first["matter"], first["document"], first["file"]) == (
        matter,
        _ids(services)[(matter, name)],
        name,
    )
    best = first["pages"][0]
    assert set(best["channels"]) <= {"dense", "sparse"} and best["channels"]
    assert best["thumbnail"] == f"/api/documents/{first['document']}/pages/{best['page']}/thumbnail"
    marked = {best["snippet"][start:end].casefold() for start, end in best["highlights"]}
    assert marked and marked <= set(query.casefold().replace(",", " ").replace(".", " ").split()), marked
    assert result.visual is False  # no ColPali model configured: text only, and said so


def _documents(services: SearchServices, where: list[str], query: str = "agreement") -> set[str]:
    result = services.search(principal(services.db, "root"), query, where=where, limit=50, client="test")
    names = {document_id: name for (_, name), document_id in _ids(services).items()}
    return {names[hit["document"]] for hit in result.documents}


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
    ).documents[0]
    assert hit["fields"]["governing_law"] == law


def test_index_stage_is_recorded_and_chained_to_extraction(services):
    with services.db.session() as session:
        states = list(session.scalars(select(StageState).where(StageState.stage == "index")))
        extract = {
            s.document_id: s.version
            for s in session.scalars(select(StageState).where(StageState.stage == "extract"))
        }
    assert len(states) == 5 and all(s.status == "ok" for s in states)
    assert all("colpali=off" in s.version and "payload/3" in s.version for s in states)
    import hashlib

    for state in states:  # a new extraction changes the digest, so the pages are indexed again
        assert state.version.endswith(hashlib.sha256(extract[state.document_id].encode()).hexdigest()[:10])


def test_a_quoted_phrase_must_stand_in_the_matching_passage(services):
    root = principal(services.db, "root")
    loose = services.search(root, "statement of work", where=[], limit=50, client="test")
    phrase = services.search(root, '"statement of work"', where=[], limit=50, client="test")
    assert 0 < len(phrase.documents) < len(loose.documents)  # the dense channel alone answers anything
    for document in phrase.documents:
        for page in document["pages"]:
            marked = [page["snippet"][start:end].casefold() for start, end in page["highlights"]]
            assert "statement of work" in marked, (document["file"], page["snippet"])


def test_results_are_grouped_by_document_and_stable(services):
    root = principal(services.db, "root")
    first = services.search(root, "confidential information", where=[], limit=50, client="test")
    again = services.search(root, "confidential information", where=[], limit=50, client="test")
    assert first.to_json() == again.to_json()
    documents = [(d["matter"], d["document"]) for d in first.documents]
    assert len(documents) == len(set(documents)) == 5  # every document once, all of them found
    for document in first.documents:
        pages = [page["page"] for page in document["pages"]]
        assert len(pages) == len(set(pages)) and pages


def test_facets_count_the_documents_each_clause_filter_would_keep(services):
    root = principal(services.db, "root")
    result = services.search(root, "agreement", where=[], limit=50, client="test")
    assert result.facets, "the rules engine read some clauses present"
    for slug, count in result.facets.items():
        narrowed = services.search(root, "agreement", where=[f"clause.{slug}=true"], limit=50, client="test")
        assert len(narrowed.documents) == count, slug
        assert narrowed.facets[slug] == count


def test_a_calibration_gives_relevance_and_a_floor_says_when_nothing_answers(services):
    root = principal(services.db, "root")
    # The packaged calibration was fitted for the encoder the tests run (MiniLM), so it is loaded.
    assert services.calibration is not None and services.calibration.encoder == services.encoder.text_version
    services.calibration = None  # without one: no floor, and no score shown
    uncalibrated = services.search(root, "agreement", where=[], limit=5, client="test")
    assert uncalibrated.answered is None and all(d["relevance"] is None for d in uncalibrated.documents)
    for floor, answered in ((0.0, True), (0.999999, False)):
        services.calibration = RelevanceCalibration(
            encoder=services.encoder.text_version, intercept=-3.0, slope=6.0, floor=floor, fitted_on={}
        )
        result = services.search(root, "confidential information", where=[], limit=5, client="test")
        assert result.answered is answered
        relevance = [document["relevance"] for document in result.documents]
        expected = [round(services.calibration.probability(c), 3) for c in result.cosines]  # type: ignore[arg-type]
        assert relevance == expected and all(0.0 < r < 1.0 for r in relevance)
        assert result.to_json()["answered"] is answered
    services.calibration = RelevanceCalibration(
        encoder="text=another-model", intercept=0.0, slope=1.0, floor=0.5, fitted_on={}
    )
    with pytest.raises(ValueError, match="calibration is for text=another-model"):
        services.search(root, "agreement", where=[], limit=5, client="test")
