"""The database layer on SQLite and PostgreSQL: migrations, identities, concurrent start-up."""

from __future__ import annotations

import subprocess
import sys

import pytest
from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError

from storage.db import Document, Matter, open_database
from storage.db.queries import document_detail, list_documents

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
