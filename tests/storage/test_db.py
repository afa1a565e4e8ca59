"""The database layer on SQLite and PostgreSQL: migrations, identities, concurrent start-up."""

from __future__ import annotations

import subprocess
import sys

import pytest
from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError

from extractors.merge import merge_pages
from schemas.results import ExtractedField, ExtractedValue, PageExtraction, PageTry
from schemas.status import Status
from storage.db import Document, Matter, SearchEvalRun, open_database
from storage.db.pages import load_page_results, store_extraction
from storage.db.queries import document_detail, list_documents, search_eval_runs

TABLES = {
    "matters",
    "documents",
    "document_sources",
    "pages",
    "stage_states",
    "extractions",
    "runs",
    "run_items",
    "eval_runs",
    "search_eval_runs",
    "alembic_version",
}


def test_opening_a_new_database_applies_every_migration(database_url):
    db = open_database(database_url)
    assert set(inspect(db.engine).get_table_names()) >= TABLES
    db.dispose()
    again = open_database(database_url)  # a second open finds nothing to do
    assert set(inspect(again.engine).get_table_names()) >= TABLES
    again.dispose()


def test_a_document_is_unique_per_matter_and_sha256(database_url):
    db = open_database(database_url)
    with db.session() as session:
        acme, globex = Matter(name="acme"), Matter(name="globex")
        session.add_all([acme, globex])
        session.flush()
        for matter in (acme, globex):  # the same bytes in two matters: two documents
            session.add(
                Document(
                    matter_id=matter.id,
                    sha256="ab" * 32,
                    filename="x.pdf",
                    size_bytes=1,
                    original_key="originals/ab/" + "ab" * 32,
                )
            )
    with pytest.raises(IntegrityError), db.session() as session:
        session.add(
            Document(
                matter_id=acme.id,
                sha256="ab" * 32,
                filename="copy.pdf",
                size_bytes=1,
                original_key="originals/ab/" + "ab" * 32,
            )
        )
    rows = list_documents(db)
    assert sorted(row["matter"] for row in rows) == ["acme", "globex"]
    assert list_documents(db, matters=["globex"])[0]["matter"] == "globex"
    assert document_detail(db, rows[0]["id"])["sources"] == []
    assert document_detail(db, 10_000) is None
    db.dispose()


def test_processes_starting_together_migrate_once(database_url):
    # Several processes opening a new database at once: the migration lock makes them take turns.
    code = "import sys; from storage.db import open_database; open_database(sys.argv[1]).dispose()"
    processes = [
        subprocess.Popen([sys.executable, "-c", code, database_url], stderr=subprocess.PIPE) for _ in range(3)
    ]
    for process in processes:
        _, stderr = process.communicate(timeout=120)
        assert process.returncode == 0, stderr.decode()[-2000:]
    db = open_database(database_url)
    with db.session() as session:
        assert session.scalar(select(Matter).limit(1)) is None
    assert set(inspect(db.engine).get_table_names()) >= TABLES
    db.dispose()


def test_search_eval_runs_keep_each_channels_headline(database_url):
    db = open_database(database_url)
    level = {"ndcg_at_5": {"mean": 0.8}, "ndcg_at_10": {"mean": 0.7}, "recall_at_10": {"mean": 0.2}}
    metrics = {"fused": {"documents": {**level, "mrr": {"mean": 0.9}}, "pages": None}}
    with db.session() as session:
        session.add(
            SearchEvalRun(
                goldset="cuad",
                split="test",
                variant="scanned",
                encoder_version="text=x",
                queries_hash="0" * 64,
                queries=3,
                documents=2,
                ndcg_at_5=0.8,
                metrics=metrics,
                accepted=True,
                regressed_metrics=[],
            )
        )
    (run,) = search_eval_runs(db)
    assert run["channels"]["fused"] == {
        "ndcg_at_5": 0.8,
        "ndcg_at_10": 0.7,
        "recall_at_10": 0.2,
        "mrr": 0.9,
        "page_ndcg_at_5": None,
        "correct_abstentions": None,
    }
    assert (run["goldset"], run["accepted"], run["has_report"]) == ("cuad", True, False)
    db.dispose()


def test_a_page_keeps_its_tries_and_an_unknown_confidence_stays_unknown(database_url):
    db = open_database(database_url)
    with db.session() as session:
        matter = Matter(name="acme")
        session.add(matter)
        session.flush()
        document = Document(
            matter_id=matter.id, sha256="cd" * 32, filename="x.pdf", size_bytes=1, original_key="o/cd"
        )
        session.add(document)
        session.flush()
        document_id = document.id
    unmeasured = ExtractedValue(value="Lease", confidence=None, engine="vlm", model="small")
    tries = [
        PageTry(model="small", temperature=0.0, max_tokens=1024, tokens_in=100, tokens_out=9, error="cut"),
        PageTry(model="small", temperature=0.1, max_tokens=1024, tokens_in=100, tokens_out=30),
    ]
    page = PageExtraction(
        page=1,
        status=Status.needs_review,
        engine="vlm",
        model="small",
        fields={"title": ExtractedField(items=[unmeasured], confidence=None)},
        confidence=None,
        tokens_in=200,
        tokens_out=39,
        tries=tries,
    )
    result = merge_pages([page], set())
    store_extraction(db, document_id, result, "vlm", "v1")
    assert load_page_results(db, document_id, "v1") == {1: page}
    assert document_detail(db, document_id)["extraction"]["confidence"] is None
    db.dispose()
