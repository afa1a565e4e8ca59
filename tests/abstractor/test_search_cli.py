"""The search, users, tokens, audit, purge and hold verbs; and (slow) a real server with an ingest run."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from abstractor.cli import app
from abstractor.jobs import ingest_job
from abstractor.settings import Settings
from pipeline.ingest import run_ingest
from pipeline.ingest_setup import build_context

ABSTRACTOR = Path(sys.executable).with_name("abstractor")
GOLDSET = Path(__file__).parents[2] / "goldset" / "data" / "documents"


def cli(*args: str):
    return CliRunner().invoke(app, list(args))


def test_search_prints_hits_as_json_and_says_visual_search_is_off(search_home):
    result = cli("search", "Horizon Biotech Massachusetts", "--as", "alice", "--json", "--limit", "3")
    assert result.exit_code == 0, result.output
    hits = json.loads(result.stdout)
    assert 1 <= len(hits) <= 3 and {hit["matter"] for hit in hits} == {"alpha"}
    assert set(hits[0]) == {
        "document",
        "page",
        "score",
        "channels",
        "matter",
        "status",
        "failed_pages",
        "fields",
        "thumbnail",
    }
    assert "visual search is off" in result.stderr
    table = cli("search", "statement of work", "--as", "root", "--where", "governing_law=Colorado")
    assert table.exit_code == 0 and "Colorado" in table.stdout


def test_search_refusals_exit_2(search_home):
    assert cli("search", "x", "--as", "mallory").exit_code == 2
    analyst = cli("search", "salary", "--as", "ann")
    assert analyst.exit_code == 2 and "analyst" in analyst.stderr
    assert cli("search", "x", "--as", "alice", "--where", "effective_date>=soon").exit_code == 2
    crafted = cli("search", "agreement", "--as", "alice", "--where", "matter=beta", "--json")
    assert crafted.exit_code == 0 and json.loads(crafted.stdout) == []


def _documents_found(*where: str) -> set[int]:
    args = [arg for clause in where for arg in ("--where", clause)]
    result = cli("search", "agreement", "--as", "root", *args, "--json", "--limit", "100")
    assert result.exit_code == 0, result.output
    return {hit["document"] for hit in json.loads(result.stdout)}


def test_search_filters_on_clauses_present_and_absent_inside_the_index(stored_clauses):
    sow, nda = stored_clauses[("alpha", "sow-0023.pdf")], stored_clauses[("beta", "nda-0077.pdf")]
    assert len(_documents_found()) == len(stored_clauses)  # "agreement" finds every document unfiltered
    assert _documents_found("clause.termination_for_convenience=true") == {sow}
    # Absent means read and not there: the documents nobody read for the clause are not absent.
    assert _documents_found("clause.termination_for_convenience=false") == {nda}
    assert _documents_found("clause.anti_assignment=TRUE", "clause.termination_for_convenience=false") == {
        nda
    }
    assert _documents_found("clause.anti_assignment=true", "clause.termination_for_convenience=true") == set()
    assert _documents_found("clause.change_of_control=false") == set()  # unknown everywhere


def test_bad_clause_filters_exit_2_and_say_why(search_home):
    unknown = cli("search", "x", "--as", "root", "--where", "clause.termination=true")
    assert unknown.exit_code == 2 and "no such clause" in unknown.stderr
    assert "termination_for_convenience" in unknown.stderr  # the categories are listed
    for bad in (
        "clause.anti_assignment=maybe",
        "clause.anti_assignment>=true",
        "clauses.anti_assignment=true",
    ):
        refused = cli("search", "x", "--as", "root", "--where", bad)
        assert refused.exit_code == 2 and bad.split("=")[0].rstrip("><") in refused.stderr, bad


def test_users_tokens_and_audit_export(search_home, tmp_path):
    assert cli("users", "add", "carol", "--role", "lawyer", "--matters", "alpha").exit_code == 0
    assert cli("users", "add", "carol", "--role", "lawyer").exit_code == 2  # taken
    assert cli("users", "add", "dave", "--role", "intern").exit_code == 2
    assert cli("users", "add", "erin", "--role", "analyst", "--matters", "alpha").exit_code == 2
    assert cli("users", "grant", "carol", "--matters", "beta,gamma").exit_code == 0
    assert cli("users", "grant", "ann", "--matters", "beta").exit_code == 2  # analysts get no matters
    users = {row["name"]: row for row in json.loads(cli("users", "list", "--json").stdout)}
    assert users["carol"] == {"name": "carol", "role": "lawyer", "matters": ["alpha", "beta", "gamma"]}
    created = cli("tokens", "create", "carol")
    assert created.exit_code == 0
    token = created.stdout.strip()
    token_id = token.split(".")[0]
    assert cli("tokens", "create", "nobody").exit_code == 2
    assert cli("tokens", "revoke", token_id).exit_code == 0
    assert cli("tokens", "revoke", token_id).exit_code == 2
    cli("search", "termination", "--as", "carol")
    lines = [json.loads(line) for line in cli("audit", "export").stdout.splitlines()]
    assert any(e["actor"] == "carol" and e["action"] == "search" and e["client"] == "cli" for e in lines)
    out = tmp_path / "audit.csv"
    assert cli("audit", "export", "--format", "csv", "--out", str(out)).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert {"audit_export", "search"} <= {row["action"] for row in rows}
    assert cli("audit", "export", "--format", "xml").exit_code == 2


def test_hold_refuses_purge_with_exit_2_and_release_allows_it(search_home):
    assert cli("hold", "--matter", "beta").exit_code == 0
    refused = cli("purge", "--matter", "beta")
    assert refused.exit_code == 2 and "legal hold" in refused.stderr
    assert cli("hold", "--matter", "beta", "--release").exit_code == 0
    done = cli("purge", "--matter", "beta", "--json")
    assert done.exit_code == 0, done.output
    assert len(json.loads(done.stdout)["documents"]) == 3
    assert json.loads(cli("search", "agreement", "--as", "bob", "--json").stdout) == []
    assert cli("purge", "--matter", "beta").exit_code == 2  # nothing left by that name
    assert cli("purge").exit_code == 2
    assert cli("hold", "--matter", "nowhere").exit_code == 2


def test_reindex_rebuilds_from_the_database_and_blobs(search_home):
    result = cli("reindex", "--matter", "alpha", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["documents"] == {
        "new": 0,
        "updated": 2,
        "skipped": 0,
        "partial": 0,
        "failed": 0,
    }
    hits = json.loads(cli("search", "Harbor Textiles Colorado", "--as", "alice", "--json").stdout)
    assert hits and hits[0]["matter"] == "alpha"


def _run(home: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ABSTRACTOR), *args], env=env, capture_output=True, text=True, timeout=600, check=False
    )


@pytest.mark.slow
def test_server_and_ingest_at_once_and_new_pages_become_searchable(
    search_home, tmp_path, free_port, ocr_cache_dir, start_server
):
    port = free_port()
    env = {
        **os.environ,
        "ABSTRACTOR_DATA_HOME": str(search_home),
        "ABSTRACTOR_OCR_CACHE_DIR": str(ocr_cache_dir),
        "ABSTRACTOR_SERVER__OUTBOX_INTERVAL_S": "0.5",
        "ABSTRACTOR_INGEST__WORKERS": "2",
    }
    command = [str(ABSTRACTOR), "serve", "--port", str(port)]
    healthz = f"http://127.0.0.1:{port}/healthz"
    with start_server(command, healthz, tmp_path / "serve.log", env=env, timeout_s=120) as server:
        assert (search_home / "server.json").exists()  # how the CLI finds the server
        assert httpx.get(healthz).json() == {"status": "ok"}
        inbox = tmp_path / "inbox" / "gamma"
        inbox.mkdir(parents=True)
        (inbox / "nda-0077.pdf").symlink_to(GOLDSET / "nda-0077.pdf")
        # The ingest run is another process than the server: the plain functions, in this test process
        # (the Prefect wrapper adds only its start-up time). It must not fail because the server holds
        # the index; it leaves its updates in the outbox.
        settings = Settings()
        job = ingest_job(settings, [str(tmp_path / "inbox")], None).model_copy(update={"workers": 2})
        context = build_context(job)
        try:
            tally = run_ingest(context, job)
        finally:
            context.close()
            context.db.dispose()
        assert tally.documents["new"] == 1 and tally.documents["failed"] == 0, tally.failures
        assert server.poll() is None  # the server kept the index; the run left its updates in the outbox
        deadline = time.monotonic() + 30
        while True:  # the CLI finds the server through server.json and searches through it
            found = _run(
                search_home,
                "search",
                "Oakmont Partners",
                "--as",
                "root",
                "--where",
                "matter=gamma",
                "--json",
                env=env,
            )
            assert found.returncode == 0, found.stderr
            if json.loads(found.stdout):
                break
            assert time.monotonic() < deadline, "the server never applied the outbox"
            time.sleep(0.5)
        audit = [
            json.loads(line) for line in _run(search_home, "audit", "export", env=env).stdout.splitlines()
        ]
        assert any(e["action"] == "search" and e["client"].startswith("127.0.0.1 (cli)") for e in audit)
    assert not (search_home / "server.json").exists()
