"""`abstractor goldset add-reviewed`: corrected documents become a dev-split golden set that loads."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from typer.testing import CliRunner

from abstractor.cli import app
from abstractor.settings import Settings
from goldset.labels import load_goldset
from storage.db import Document, Matter, open_database
from storage.db.corrections import record_correction


def _ids(db) -> dict[tuple[str, str], int]:
    with db.session() as session:
        rows = session.execute(select(Matter.name, Document.filename, Document.id).join(Matter))
        return {(matter, name): document for matter, name, document in rows}


def test_reviewed_documents_are_written_as_dev_labels_with_their_originals(search_home: Path, tmp_path: Path):
    db = open_database(Settings().resolved_database_url)
    ids = _ids(db)
    sow, nda = ids[("alpha", "sow-0023.pdf")], ids[("beta", "nda-0077.pdf")]
    record_correction(db, document_id=sow, field="governing_law", value="Texas", confirmed=False,
                      old_value="Colorado", old_confidence=0.5, actor="alice")  # fmt: skip
    record_correction(db, document_id=sow, field="clauses.anti_assignment", value=True, confirmed=False,
                      old_value=None, old_confidence=None, actor="alice")  # fmt: skip
    record_correction(db, document_id=sow, field="term", value=None, confirmed=False,
                      old_value="12 months", old_confidence=0.5, actor="alice")  # fmt: skip
    record_correction(db, document_id=nda, field="title", value="NDA", confirmed=False,
                      old_value=None, old_confidence=0.2, actor="bob")  # fmt: skip
    db.dispose()
    out = tmp_path / "reviewed"

    result = CliRunner().invoke(app, ["goldset", "add-reviewed", "--out", str(out), "--matter", "alpha"])
    assert result.exit_code == 0, result.output
    [label] = load_goldset(out, split="dev")
    assert label.document == f"{sow}-sow-0023.pdf" and label.path is not None
    assert label.path.read_bytes()[:4] == b"%PDF"
    assert label.fields.governing_law == "Texas" and label.fields.clauses.anti_assignment is True
    # Reviewed fields are scored (a value, or "nothing is there"); the rest are not, whatever the engine said.
    assert label.scores("governing_law") and label.scores("term") and label.scores("clauses.anti_assignment")
    assert not label.scores("title") and not label.scores("clauses.non_compete")
    assert label.unlabelled["title"] == "not reviewed"

    # Another matter adds to the set instead of replacing it.
    again = CliRunner().invoke(app, ["goldset", "add-reviewed", "--out", str(out), "--matter", "beta"])
    assert again.exit_code == 0, again.output
    assert sorted(d.document for d in load_goldset(out, split="dev")) == sorted(
        [f"{sow}-sow-0023.pdf", f"{nda}-nda-0077.pdf"]
    )
    nothing = CliRunner().invoke(app, ["goldset", "add-reviewed", "--out", str(out), "--matter", "gamma"])
    assert nothing.exit_code == 2 and "no reviewed documents" in nothing.output
