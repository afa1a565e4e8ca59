"""The `abstractor` command as a user runs it: a real subprocess in a temp data home."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ABSTRACTOR = Path(sys.executable).with_name("abstractor")


def run(home: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "ABSTRACTOR_DATA_HOME": str(home), **env}
    return subprocess.run(
        [str(ABSTRACTOR), *args], env=environment, capture_output=True, text=True, timeout=600, check=False
    )


@pytest.mark.slow
def test_ingest_reports_json_and_exit_status_then_lists_and_shows(tmp_path, builders, ocr_cache_dir):
    inbox = tmp_path / "inbox" / "acme"
    inbox.mkdir(parents=True)
    builders.write_png(inbox, "lease.png")
    builders.write_encrypted_pdf(inbox, "locked.pdf")
    home = tmp_path / "home"
    env = {"ABSTRACTOR_OCR_CACHE_DIR": str(ocr_cache_dir)}

    ingest = run(home, "ingest", str(tmp_path / "inbox"), "--json", **env)
    assert ingest.returncode == 3, ingest.stderr[-3000:]  # one document failed, the other was processed
    summary = json.loads(ingest.stdout)
    assert summary["documents"] == {"new": 1, "updated": 0, "skipped": 0, "partial": 0, "failed": 1}
    assert summary["pages"] == 1
    assert isinstance(summary["run"], int)
    (failure,) = summary["failures"]
    assert failure["source"] == str(inbox / "locked.pdf") and failure["status"] == "failed"
    assert failure["error"] == "the PDF is password-protected" and isinstance(failure["document"], int)

    listed = run(home, "documents", "--json")
    assert listed.returncode == 0
    rows = {row["filename"]: row for row in json.loads(listed.stdout)}
    assert rows["lease.png"]["status"] == "ok" and rows["lease.png"]["matter"] == "acme"
    assert rows["locked.pdf"]["error"] == "the PDF is password-protected"

    shown = run(home, "show", str(rows["lease.png"]["id"]), "--json")
    assert shown.returncode == 0
    detail = json.loads(shown.stdout)
    assert detail["sources"] == [str(inbox / "lease.png")]
    assert {"render", "ocr"} <= set(detail["stages"])
    assert detail["page_list"][0]["words"] > 50

    again = run(home, "ingest", str(tmp_path / "inbox"), **env)
    assert again.returncode == 3
    assert "0 new, 0 updated, 1 skipped, 0 partial, 1 failed" in again.stdout
    assert "locked.pdf: the PDF is password-protected" in again.stdout


def test_usage_and_configuration_errors_exit_2(tmp_path):
    assert run(tmp_path, "ingest").returncode == 2  # no sources given or configured
    bad = run(tmp_path, "documents", ABSTRACTOR_RENDER__DPI="lots")
    assert bad.returncode == 2 and "render.dpi" in bad.stderr
    assert run(tmp_path, "show", "12345").returncode == 2
    assert run(tmp_path, "eval", "--split", "everything").returncode == 2


def test_settings_come_from_the_toml_file(tmp_path):
    config = tmp_path / "abstractor.toml"
    config.write_text('[render]\ndpi = "lots"\n')
    bad = run(tmp_path, "documents", ABSTRACTOR_CONFIG=str(config))
    assert bad.returncode == 2 and "render.dpi" in bad.stderr


def test_doctor_checks_the_machine(tmp_path):
    result = run(tmp_path, "doctor")
    assert result.returncode == 0, result.stdout
    for name in ("poppler", "tesseract", "database", "blob store", "extraction", "index"):
        assert f"] {name}:" in result.stdout
    broken = run(tmp_path, "doctor", ABSTRACTOR_DATABASE_URL="postgresql+psycopg://nobody@127.0.0.1:9/none")
    assert broken.returncode == 2
    assert "FAIL] database" in broken.stdout and "fix:" in broken.stdout


def test_show_lists_present_clauses_with_page_and_evidence_then_absent_and_unread(
    stored_clauses, search_home
):
    sow = stored_clauses[("alpha", "sow-0023.pdf")]
    shown = run(search_home, "show", str(sow), COLUMNS="200")
    assert shown.returncode == 0, shown.stderr
    present = shown.stdout.split("clauses present")[1].split("clauses absent")[0]
    row = next(line for line in present.splitlines() if "Termination For Convenience" in line)
    assert "0.90" in row and "│ 1 " in row and "Either party may terminate this Agreement" in row
    assert "clauses absent (1): Anti-Assignment\n" in shown.stdout
    assert "clauses not read: 31" in shown.stdout
    fields_table = shown.stdout.split("clauses present")[0]
    assert "governing_law" in fields_table and "clauses." not in fields_table  # not listed twice
