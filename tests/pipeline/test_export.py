"""`abstractor export` over documents ingested with the embedded engine: the schema with evidence."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from abstractor.settings import Settings
from schemas.clauses import ClauseCategory

ABSTRACTOR = Path(sys.executable).with_name("abstractor")
REPO = Path(__file__).resolve().parents[2]


def _export(database_url: str, *args: str) -> str:
    env = {**os.environ, "ABSTRACTOR_DATABASE_URL": database_url}
    result = subprocess.run(
        [str(ABSTRACTOR), "export", *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_export_gives_each_field_with_value_confidence_page_evidence_box_and_model(
    tmp_path, make_job, run_job
):
    inbox = tmp_path / "inbox" / "acme"
    inbox.mkdir(parents=True)
    # A scanned sample contract (made from the golden set's dev split, as `make run` ingests it).
    shutil.copyfile(REPO / "samples" / "northwind" / "nda-0077.pdf", inbox / "nda.pdf")
    job = make_job([tmp_path / "inbox"], extraction={"engine": "rules"})
    assert run_job(job).documents["new"] == 1

    (record,) = [json.loads(line) for line in _export(job.database_url).splitlines()]
    assert record["matter"] == "acme" and record["status"] in ("ok", "needs_review")
    assert record["source"].endswith("nda.pdf") and len(record["sha256"]) == 64
    parties = record["fields"]["parties"]
    assert parties["value"] and all("name" in party for party in parties["value"])
    for item in parties["items"]:
        assert item["page"] >= 1 and item["evidence"] and len(item["bbox"]) == 4
        assert item["model"].startswith("rules")
    clauses = record["fields"].pop("clauses")
    assert set(clauses) == set(ClauseCategory)  # every clause, nested as in the schema
    for name, field in record["fields"].items():
        assert 0.0 <= field["confidence"] <= 1.0, name
    law = record["fields"]["governing_law"]
    if law["value"] is not None:
        assert law["page"] >= 1 and law["bbox"] is not None

    rows = list(csv.DictReader(io.StringIO(_export(job.database_url, "--format", "csv"))))
    assert len(rows) == 1 and rows[0]["matter"] == "acme"
    assert rows[0]["parties"] and rows[0]["parties_confidence"]


def test_export_nests_clauses_with_their_evidence_and_gives_csv_one_column_each(stored_clauses):
    database_url = Settings().resolved_database_url
    records = {record["document"]: record for record in map(json.loads, _export(database_url).splitlines())}
    sow = records[stored_clauses[("alpha", "sow-0023.pdf")]]["fields"]
    assert not any(name.startswith("clauses.") for name in sow)  # nested, not flat
    present = sow["clauses"]["termination_for_convenience"]
    assert present["value"] is True and present["page"] == 1 and present["confidence"] == 0.9
    assert present["evidence"].startswith("Either party may terminate") and present["bbox"] == [
        100,
        200,
        900,
        320,
    ]
    absent = sow["clauses"]["anti_assignment"]
    assert absent["value"] is False and absent["evidence"] is None and absent["confidence"] == 0.9
    unread = sow["clauses"]["change_of_control"]
    assert unread["value"] is None and unread["confidence"] is None

    rows = {
        int(row["document"]): row
        for row in csv.DictReader(io.StringIO(_export(database_url, "--format", "csv")))
    }
    nda = rows[stored_clauses[("beta", "nda-0077.pdf")]]
    assert (nda["clause.termination_for_convenience"], nda["clause.anti_assignment"]) == ("false", "true")
    assert nda["clause.change_of_control"] == "" and nda["governing_law"]
    header = next(csv.reader(io.StringIO(_export(database_url, "--format", "csv"))))
    assert sum(column.startswith("clause.") for column in header) == len(ClauseCategory)
    assert "clauses" not in header  # the group is spread into its questions
