"""Corrections: stored with who and what was there, the newest wins, applied over re-extracted fields."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import delete

from schemas.results import ExtractedField, ExtractedValue
from storage.db import Document, Extraction, Matter, open_database
from storage.db.corrections import (
    apply_corrections,
    corrected_documents,
    corrections_for,
    record_correction,
    review_documents,
)
from storage.db.export import export_records
from storage.db.models import Base

LAW = ExtractedField(
    items=[
        ExtractedValue(
            value="Delaware",
            confidence=0.4,
            evidence={"page": 2, "text": "laws of Delaware", "bbox": {"x0": 1, "y0": 2, "x1": 3, "y1": 4}},
            engine="rules",
            model="rules-1",
        )
    ],
    confidence=0.4,
).model_dump(mode="json")


def _database(tmp_path: Path):
    db = open_database(f"sqlite:///{tmp_path / 'abstractor.db'}")
    with db.session() as session:
        matter = Matter(name="alpha")
        session.add(matter)
        session.flush()
        document = Document(
            matter_id=matter.id, sha256="a" * 64, filename="x.pdf", size_bytes=1, original_key="originals/x"
        )
        session.add(document)
        session.flush()
        session.add(_extraction(document.id))
        return db, document.id


def _extraction(document_id: int) -> Extraction:
    return Extraction(
        document_id=document_id, engine="rules", model="rules-1", version="1", status="ok",
        fields={"governing_law": LAW}, confidence=0.4,
    )  # fmt: skip


def test_the_newest_correction_of_a_field_wins_and_keeps_who_and_what_was_there(tmp_path):
    db, document = _database(tmp_path)
    record_correction(db, document_id=document, field="governing_law", value="Texas", confirmed=False,
                      old_value="Delaware", old_confidence=0.4, actor="alice")  # fmt: skip
    record_correction(db, document_id=document, field="governing_law", value="New York", confirmed=False,
                      old_value="Delaware", old_confidence=0.4, actor="root")  # fmt: skip
    found = corrections_for(db, document)
    assert list(found) == ["governing_law"]
    latest = found["governing_law"]
    assert (latest.value, latest.actor, latest.old_value, latest.old_confidence) == (
        "New York",
        "root",
        "Delaware",
        0.4,
    )
    assert corrected_documents(db) == [document] and corrected_documents(db, ["beta"]) == []
    db.dispose()


def test_applied_corrections_replace_the_field_and_keep_the_box_of_a_confirmed_value(tmp_path):
    db, document = _database(tmp_path)
    record_correction(db, document_id=document, field="governing_law", value="Delaware", confirmed=True,
                      old_value="Delaware", old_confidence=0.4, actor="alice")  # fmt: skip
    record_correction(db, document_id=document, field="parties", value=[{"name": "Acme", "role": None}],
                      confirmed=False, old_value=[], old_confidence=0.9, actor="alice")  # fmt: skip
    record_correction(db, document_id=document, field="term", value=None, confirmed=False,
                      old_value="12 months", old_confidence=0.5, actor="alice")  # fmt: skip
    merged = apply_corrections({"governing_law": LAW}, corrections_for(db, document))
    law = ExtractedField.model_validate(merged["governing_law"])
    assert law.confidence == 1.0 and [i.value for i in law.items] == ["Delaware"]
    assert (law.items[0].engine, law.items[0].model) == ("review", "alice")
    assert law.items[0].evidence is not None and law.items[0].evidence.page == 2  # the engine's box kept
    parties = ExtractedField.model_validate(merged["parties"])
    assert [i.value for i in parties.items] == [{"name": "Acme", "role": None}]
    assert merged["term"]["items"] == [] and merged["term"]["confidence"] == 1.0  # "nothing is there"
    db.dispose()


def test_a_correction_survives_re_extraction(tmp_path):
    db, document = _database(tmp_path)
    record_correction(db, document_id=document, field="governing_law", value="Texas", confirmed=False,
                      old_value="Delaware", old_confidence=0.4, actor="alice")  # fmt: skip
    with db.session() as session:  # the extract stage replaces the document's extraction rows
        session.execute(delete(Extraction).where(Extraction.document_id == document))
        session.add(_extraction(document))
    [reviewed] = review_documents(db, ["alpha"])
    assert reviewed.fields["governing_law"]["items"][0]["value"] == "Texas"
    assert review_documents(db, ["beta"]) == []
    db.dispose()


def test_the_export_carries_the_correction_not_the_engines_value(tmp_path):
    db, document = _database(tmp_path)
    record_correction(db, document_id=document, field="governing_law", value="Texas", confirmed=False,
                      old_value="Delaware", old_confidence=0.4, actor="alice")  # fmt: skip
    [exported] = export_records(db, {"parties", "signatories"})
    law = exported["fields"]["governing_law"]
    assert (law["value"], law["confidence"], law["model"]) == ("Texas", 1.0, "alice")
    db.dispose()


def test_migration_0010_builds_the_table_the_model_describes(tmp_path):
    db, _ = _database(tmp_path)
    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert [d for d in differences if "field_corrections" in repr(d)] == []
    db.dispose()
