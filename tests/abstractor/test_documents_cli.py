"""`abstractor show`, `export --format csv`, `--version` and --help over a database written by hand."""

from __future__ import annotations

import csv
import io
import json
from importlib.metadata import version
from pathlib import Path

import pytest
from typer.testing import CliRunner

from abstractor.cli import app
from storage.db import Document, DocumentSource, Extraction, Matter, Page, StageState, open_database

LAW_TEXT = "This Agreement is governed by the laws of the State of New York."


def _value(value: object, confidence: float | None, page: int | None, text: str = "") -> dict:
    evidence = {"page": page, "text": text, "bbox": {"x0": 1, "y0": 2, "x1": 3, "y1": 4}} if page else None
    return {"value": value, "confidence": confidence, "evidence": evidence, "engine": "rules", "model": "m"}


FIELDS = {
    "governing_law": {"items": [_value("New York", 0.93, 2, LAW_TEXT)], "confidence": 0.93, "conflicts": []},
    "parties": {
        "items": [
            _value({"name": "Acme Ltd", "role": "landlord"}, 0.8, 1, "ACME LTD (the Landlord)"),
            _value({"name": "Globex Inc", "role": "tenant"}, 0.7, 1, "GLOBEX INC (the Tenant)"),
        ],
        "confidence": 0.7,
        "conflicts": [],
    },
    # Nothing found: 0.88 is the confidence that there is no date, not a found value's.
    "effective_date": {"items": [], "confidence": 0.88, "conflicts": []},
    "title": {"items": [_value("Lease", None, 1, "LEASE")], "confidence": None, "conflicts": []},
}


@pytest.fixture
def stored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    """One two-page document with stages, page outcomes (page 2 escalated) and FIELDS; its id."""
    monkeypatch.setenv("ABSTRACTOR_DATA_HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    db = open_database(f"sqlite:///{tmp_path / 'home' / 'abstractor.db'}")
    with db.session() as session:
        matter = Matter(name="acme")
        session.add(matter)
        session.flush()
        document = Document(
            matter_id=matter.id, sha256="ab" * 32, filename="lease [draft].pdf", size_bytes=10,
            original_key="originals/ab", status="ok", page_count=2,
        )  # fmt: skip
        session.add(document)
        session.flush()
        session.add(DocumentSource(document_id=document.id, uri="/in/acme/lease [draft].pdf"))
        session.add(StageState(document_id=document.id, stage="ocr", version="tesseract 5.3@ab", status="ok"))
        for number, reader in ((1, "tesseract 5.3 psm=3"), (2, "text_layer pdfium")):
            session.add(
                Page(
                    document_id=document.id, number=number, image_key=f"p{number}", thumbnail_key="t",
                    width=1700, height=2200, ocr_words=[{"text": "x"}], ocr_version=reader,
                )
            )  # fmt: skip
            session.add(
                Extraction(
                    document_id=document.id, page_number=number, engine="vlm", model="small", version="v1",
                    status="ok", fields={}, confidence=0.5 + number / 10, escalated=number == 2,
                )
            )  # fmt: skip
        session.add(
            Extraction(
                document_id=document.id, page_number=None, engine="vlm", model="small", version="v1",
                status="ok", fields=FIELDS, confidence=0.7,
            )
        )  # fmt: skip
        session.flush()
        document_id = document.id
    db.dispose()
    return document_id


def _invoke(*args: str) -> str:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    return result.output


def _row(output: str, first_cell: str) -> list[str]:
    """The cells of the table row that starts with first_cell."""
    line = next(line for line in output.splitlines() if line.startswith(f"│ {first_cell} "))
    return [cell.strip() for cell in line.strip("│").split("│")]


def test_show_prints_tables_of_the_document_stages_pages_and_fields(stored):
    output = _invoke("show", str(stored))
    assert _row(output, "file") == ["file", "lease [draft].pdf"]  # brackets are words, not markup
    assert _row(output, "sha256")[1] == "ab" * 32
    assert _row(output, "sources")[1] == "/in/acme/lease [draft].pdf"
    assert _row(output, "ocr")[1:] == ["tesseract 5.3@ab", "ok"]
    pages = output.split("pages")[-1]
    assert _row(pages, "1") == ["1", "1700×2200", "tesseract 5.3 psm=3", "1", "ok", "no", "0.60"]
    assert _row(pages, "2") == ["2", "1700×2200", "text_layer pdfium", "1", "ok", "yes", "0.70"]
    assert _row(output, "governing_law") == ["governing_law", "New York", "0.93", "2", LAW_TEXT, ""]
    parties = _row(output, "parties")
    assert parties[1:4] == ["Acme Ltd, landlord; Globex Inc, tenant", "0.70", "1"]
    assert parties[4] == "ACME LTD (the Landlord) | GLOBEX INC (the Tenant)"
    # Not found: no confidence where a found value's would be, the absence's own in the muted column.
    assert _row(output, "effective_date") == ["effective_date", "not found", "", "", "", "0.88"]
    assert _row(output, "title")[1:3] == ["Lease", "?"]  # unknown confidence
    assert "{'" not in output  # no Python dicts


def test_show_json_is_the_machine_form(stored):
    detail = json.loads(_invoke("show", str(stored), "--json"))
    assert detail["extraction"]["fields"] == FIELDS and detail["filename"] == "lease [draft].pdf"
    assert [page["extraction"]["escalated"] for page in detail["page_list"]] == [False, True]
    assert detail["page_list"][1]["ocr_version"] == "text_layer pdfium"


def test_csv_export_gives_each_field_its_confidence_page_and_evidence(stored):
    rows = list(csv.DictReader(io.StringIO(_invoke("export", "--format", "csv"))))
    (row,) = rows
    assert row["document"] == str(stored)
    law = [row[f"governing_law{suffix}"] for suffix in ("", "_confidence", "_page", "_evidence")]
    assert law == ["New York", "0.93", "2", LAW_TEXT]
    assert row["parties_evidence"] == "ACME LTD (the Landlord); GLOBEX INC (the Tenant)"
    assert row["parties_page"] == "1"
    assert (row["effective_date"], row["effective_date_evidence"], row["effective_date_page"]) == ("", "", "")
    assert "clause.termination_for_convenience_evidence" not in row  # yes/no questions: one column each


def test_version_prints_the_installed_version():
    assert _invoke("--version") == f"abstractor {version('abstractor')}\n"


@pytest.mark.parametrize("command", [[], ["show"], ["documents"], ["export"], ["users", "list"]])
def test_help_has_examples_and_no_bool_labels(command):
    output = _invoke(*command, "--help")
    assert "<bool>" not in output and "--help" in output
    if command != ["users", "list"]:  # not ours; it shows the flags fix reaches every verb
        assert "Examples:" in output
