"""The search, users, tokens, audit, purge and hold verbs; and (slow) a real server with an ingest run."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
import uvicorn
from typer.testing import CliRunner

from abstractor.cli import app
from abstractor.cli.search import show
from abstractor.jobs import ingest_job
from abstractor.settings import Settings
from abstractor.web.app import create_app
from pipeline.ingest import run_ingest
from pipeline.ingest_setup import build_context

ABSTRACTOR = Path(sys.executable).with_name("abstractor")
GOLDSET = Path(__file__).parents[2] / "goldset" / "data" / "documents"


def cli(*args: str):
    return CliRunner().invoke(app, list(args))


DOCUMENT_LINE = re.compile(r"^(\d+)\. (\S+) \(matter (\w+), document (\d+)\)(  relevance \d\.\d\d)?$")
PAGE_LINE = re.compile(r"^   p\.(\d+)  (.+)$")
BOLD_UNDERLINED = re.compile(r"\x1b\[1m\x1b\[4m(.+?)\x1b\[0m")


def test_search_prints_the_result_as_json_and_says_visual_search_is_off(search_home):
    result = cli("search", "Horizon Biotech Massachusetts", "--as", "alice", "--json", "--limit", "3")
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert set(found) == {"documents", "answered", "visual", "facets"} and found["visual"] == "off"
    documents = found["documents"]
    assert 1 <= len(documents) <= 3 and {d["matter"] for d in documents} == {"alpha"}
    assert documents[0]["file"] == "nda-0021.pdf" and documents[0]["pages"][0]["snippet"]
    assert set(documents[0]) == {
        "document",
        "file",
        "matter",
        "relevance",
        "status",
        "failed_pages",
        "fields",
        "pages",
    }
    assert "visual search is off" in result.stderr


def test_search_prints_documents_once_each_with_their_pages_and_snippets(search_home):
    args = ("search", "Horizon Biotech Massachusetts", "--as", "root", "--limit", "20")
    found = json.loads(cli(*args, "--json").stdout)
    printed = cli(*args)
    assert printed.exit_code == 0, printed.output
    lines = printed.stdout.splitlines()
    heads = [m for m in map(DOCUMENT_LINE.match, lines) if m]
    assert [(m[2], m[3], int(m[4])) for m in heads] == [
        (d["file"], d["matter"], d["document"]) for d in found["documents"]
    ]
    assert [int(m[1]) for m in heads] == list(range(1, len(heads) + 1))
    # No calibration, no number: relevance is printed only when the search knows it.
    assert [bool(m[5]) for m in heads] == [d["relevance"] is not None for d in found["documents"]]
    pages = [m for m in map(PAGE_LINE.match, lines) if m]
    assert [int(m[1]) for m in pages] == [p["page"] for d in found["documents"] for p in d["pages"]]
    assert pages[0][2] == found["documents"][0]["pages"][0]["snippet"]  # a pipe gets the plain text
    assert "Horizon Biotech" in pages[0][2] and "\x1b[" not in printed.stdout
    assert lines.index(heads[1][0]) > lines.index(pages[0][0])  # a document's pages stand under it
    table = cli("search", "statement of work", "--as", "root", "--where", "governing_law=Colorado")
    assert (
        table.exit_code == 0 and "Colorado" in table.stdout and "sow-0023.pdf (matter alpha" in table.stdout
    )


def test_on_a_terminal_the_highlighted_words_are_bold_and_underlined(search_home):
    found = json.loads(cli("search", "Horizon Biotech", "--as", "alice", "--json").stdout)
    best = found["documents"][0]["pages"][0]
    coloured = CliRunner().invoke(app, ["search", "Horizon Biotech", "--as", "alice"], color=True)
    assert coloured.exit_code == 0, coloured.output
    line = next(line for line in coloured.stdout.splitlines() if line.startswith("   p."))
    assert BOLD_UNDERLINED.findall(line) == [best["snippet"][s:e] for s, e in best["highlights"]]
    assert {"Horizon", "Biotech"} <= set(BOLD_UNDERLINED.findall(line))
    assert BOLD_UNDERLINED.sub(r"\1", line) == f"   p.{best['page']}  {best['snippet']}"


def test_the_printer_says_when_no_page_answers_well_and_shows_known_relevance_only(capsys):
    found = {
        "documents": [
            {
                "document": 12,
                "file": "nda-0021.pdf",
                "matter": "alpha",
                "relevance": 0.834,
                "status": "partial",
                "failed_pages": [4],
                "fields": {"governing_law": "Delaware", "parties": []},
                "pages": [
                    {
                        "page": 3,
                        "channels": ["dense", "sparse"],
                        "thumbnail": "/t",
                        "snippet": "either party may terminate",
                        "highlights": [[19, 28]],
                        "boxes": [],
                    },
                    {
                        "page": 5,
                        "channels": ["visual"],
                        "thumbnail": "/t",
                        "snippet": None,
                        "highlights": [],
                        "boxes": [],
                    },
                ],
            },
            {
                "document": 7,
                "file": "sow-0001.pdf",
                "matter": "beta",
                "relevance": None,
                "status": "ok",
                "failed_pages": [],
                "fields": {},
                "pages": [],
            },
        ],
        "answered": False,
        "visual": "on",
        "facets": {"anti_assignment": 2, "termination_for_convenience": 4, "change_of_control": 0},
    }
    show(found)
    assert capsys.readouterr().out.splitlines() == [
        "No page answers this well; closest:",
        "1. nda-0021.pdf (matter alpha, document 12)  relevance 0.83",
        "   terms: governing_law=Delaware",
        "   partial: pages 4 not read; the terms come from the others",
        "   p.3  either party may terminate",
        "   p.5  (found by visual; no text passage)",
        "2. sow-0001.pdf (matter beta, document 7)",
        "clauses: termination_for_convenience 4 · anti_assignment 2",
    ]
    show({**found, "answered": True, "documents": found["documents"][1:], "facets": {}})
    assert capsys.readouterr().out.splitlines() == ["1. sow-0001.pdf (matter beta, document 7)"]


def test_search_refusals_exit_2(search_home):
    assert cli("search", "x", "--as", "mallory").exit_code == 2
    analyst = cli("search", "salary", "--as", "ann")
    assert analyst.exit_code == 2 and "analyst" in analyst.stderr
    assert cli("search", "x", "--as", "alice", "--where", "effective_date>=soon").exit_code == 2
    crafted = cli("search", "agreement", "--as", "alice", "--where", "matter=beta", "--json")
    assert crafted.exit_code == 0 and json.loads(crafted.stdout)["documents"] == []
    empty = cli("search", "agreement", "--as", "alice", "--where", "matter=beta")
    assert empty.exit_code == 0 and empty.stdout == "" and "no documents found" in empty.stderr


def _documents_found(*where: str) -> set[int]:
    args = [arg for clause in where for arg in ("--where", clause)]
    result = cli("search", "agreement", "--as", "root", *args, "--json", "--limit", "100")
    assert result.exit_code == 0, result.output
    return {document["document"] for document in json.loads(result.stdout)["documents"]}


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


def test_search_prints_the_clause_facets_of_the_filtered_documents(stored_clauses):
    every = cli("search", "agreement", "--as", "root")
    assert every.stdout.splitlines()[-1] == "clauses: anti_assignment 1 · termination_for_convenience 1"
    narrowed = cli("search", "agreement", "--as", "root", "--where", "clause.anti_assignment=true")
    assert narrowed.stdout.splitlines()[-1] == "clauses: anti_assignment 1"
    mine = cli("search", "agreement", "--as", "alice")
    assert mine.stdout.splitlines()[-1] == "clauses: termination_for_convenience 1"  # alpha's only
    where = ("--where", "matter=alpha", "--where", "clause.anti_assignment=true")
    assert "clauses:" not in cli("search", "agreement", "--as", "root", *where).stdout


def test_through_a_running_server_the_search_prints_what_it_prints_in_process(
    stored_clauses, free_port, monkeypatch
):
    queries = [
        ("search", "Horizon Biotech Massachusetts", "--as", "root"),
        ("search", '"statement of work"', "--as", "alice"),
        ("search", "agreement", "--as", "bob", "--where", "clause.anti_assignment=true", "--limit", "2"),
    ]
    queries += [(*args, "--json") for args in queries]
    in_process = [cli(*args) for args in queries]
    assert all(result.exit_code == 0 for result in in_process), [r.output for r in in_process]
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(Settings()), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 120
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
            time.sleep(0.1)
        monkeypatch.setenv("ABSTRACTOR_SERVER__URL", f"http://127.0.0.1:{port}")
        through = [cli(*args) for args in queries]
    finally:
        server.should_exit = True
        thread.join(timeout=60)
    for args, local, remote in zip(queries, in_process, through, strict=True):
        assert remote.exit_code == 0, remote.output
        assert remote.stdout == local.stdout, args
    # They did go through the server: its audit rows carry the address the CLI called from.
    lines = [json.loads(line) for line in cli("audit", "export").stdout.splitlines()]
    served = [e for e in lines if e["action"] == "search" and e["client"].startswith("127.0.0.1")]
    assert len(served) == len(queries)


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
    assert json.loads(cli("search", "agreement", "--as", "bob", "--json").stdout)["documents"] == []
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
    found = json.loads(cli("search", "Harbor Textiles Colorado", "--as", "alice", "--json").stdout)
    assert found["documents"] and found["documents"][0]["matter"] == "alpha"


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
        shutil.copyfile(GOLDSET / "nda-0077.pdf", inbox / "nda-0077.pdf")
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
            if json.loads(found.stdout)["documents"]:
                break
            assert time.monotonic() < deadline, "the server never applied the outbox"
            time.sleep(0.5)
        audit = [
            json.loads(line) for line in _run(search_home, "audit", "export", env=env).stdout.splitlines()
        ]
        assert any(e["action"] == "search" and e["client"].startswith("127.0.0.1 (cli)") for e in audit)
    assert not (search_home / "server.json").exists()
