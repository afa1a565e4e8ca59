"""Progress and logs: ingest's and eval's progress lines, eval reading only its split, serve's access log,
and no Prefect telemetry."""

from __future__ import annotations

import io
import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from rich.console import Console

from abstractor.cli.progress import RunProgress, duration
from abstractor.cli.serve import ACCESS_LOGGER, AccessLog, log_config
from abstractor.prefect_env import configure_prefect
from abstractor.settings import Settings
from goldset.labels import GoldDocument, load_goldset, write_labels
from pipeline.golden_ingest import golden_ingest_job, golden_split
from pipeline.ingest_setup import IngestJob, _face_progress

ABSTRACTOR = Path(sys.executable).with_name("abstractor")
REPO = Path(__file__).resolve().parents[2]
STAMP = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"


def _plain(label: str) -> tuple[RunProgress, io.StringIO, list[float]]:
    """A progress writing to a file (not a terminal), on a clock the test moves."""
    out = io.StringIO()
    now = [100.0]
    progress = RunProgress(
        label, console=Console(file=out, force_terminal=False), clock=lambda: now[0], stamp=lambda: "T"
    )
    return progress, out, now


def test_plain_progress_logs_each_document_with_totals_and_eta():
    progress, out, now = _plain("ingest")
    with progress:
        assert _face_progress.get() is progress  # contexts built inside report to it
        progress("discovered", 4)
        progress("pages", 3)
        now[0] += 60
        progress("documents", 1)
        progress("pages", 2)  # pages alone write no line
        now[0] += 60
        progress("documents", 3)
    assert _face_progress.get() is None
    assert out.getvalue().splitlines() == [
        "T ingest: 0/4 documents, 0 pages, elapsed 0s",
        "T ingest: 1/4 documents, 3 pages, elapsed 1m00s, ETA 3m00s",
        "T ingest: 4/4 documents, 5 pages, elapsed 2m00s",
    ]


def test_a_new_discovery_starts_the_count_again():
    progress, out, _now = _plain("eval")
    with progress:
        progress("discovered", 2)
        progress("documents", 2)
        progress("discovered", 3)  # eval --compare: the next engine
    assert out.getvalue().splitlines()[-1] == "T eval: 0/3 documents, 0 pages, elapsed 0s"


def test_terminal_progress_is_a_live_bar_not_log_lines():
    out = io.StringIO()
    with RunProgress("ingest", console=Console(file=out, force_terminal=True, width=120)) as progress:
        progress("discovered", 2)
        progress("documents", 1)
    assert not re.search(r"T\d\d:\d\d:\d\dZ ingest", out.getvalue())


@pytest.mark.parametrize(("seconds", "text"), [(45, "45s"), (130, "2m10s"), (3900, "1h05m")])
def test_durations(seconds, text):
    assert duration(seconds) == text


def _two_split_set(folder: Path) -> Path:
    """Two small documents of the committed set: one in test, one moved to dev."""
    gold = {doc.document: doc for doc in load_goldset(REPO / "goldset" / "data", split="test")}
    (folder / "documents").mkdir(parents=True)
    chosen = []
    for name, split in (("nda-0021.pdf", "test"), ("nda-0063.pdf", "dev")):
        document = gold[name]
        assert document.path is not None
        (folder / "documents" / name).symlink_to(document.path)
        chosen.append(GoldDocument(document=name, split=split, fields=document.fields))
    write_labels(folder, chosen)
    return folder


@pytest.mark.parametrize("variant", ["born-digital", "scanned"])
def test_eval_ingests_and_scans_only_its_split(tmp_path, variant):
    goldset = _two_split_set(tmp_path / "gold")
    gold = golden_split(goldset, variant, "test", tmp_path / "scans", 0)
    ingest = IngestJob(
        sources=[], database_url="sqlite://", blobs_url=str(tmp_path / "b"), ocr_cache_dir=tmp_path / "c"
    )
    job = golden_ingest_job(ingest, gold, tmp_path / "work")
    (folder,) = job.sources
    assert [path.name for path in Path(folder).iterdir()] == [gold[0].document]
    assert gold[0].document.startswith("nda-0021")
    if variant == "scanned":  # the dev document was not scanned either
        (scans,) = (tmp_path / "scans").iterdir()
        assert [path.name for path in (scans / "documents").glob("*.pdf")] == [gold[0].document]


def _cli(home: Path, ocr_cache_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ABSTRACTOR_DATA_HOME": str(home), "ABSTRACTOR_OCR_CACHE_DIR": str(ocr_cache_dir)}
    return subprocess.run(
        [str(ABSTRACTOR), *args], env=env, capture_output=True, text=True, timeout=900, check=False
    )


@pytest.mark.slow
def test_ingest_logs_timestamped_progress_on_stderr_and_keeps_json_on_stdout(
    tmp_path, builders, ocr_cache_dir
):
    inbox = tmp_path / "inbox" / "acme"
    inbox.mkdir(parents=True)
    builders.write_png(inbox, "lease.png")
    result = _cli(tmp_path / "home", ocr_cache_dir, "ingest", str(tmp_path / "inbox"), "--json")
    assert result.returncode == 0, result.stderr[-3000:]
    assert json.loads(result.stdout)["pages"] == 1
    assert re.search(rf"^{STAMP} ingest: 0/1 documents, 0 pages", result.stderr, re.MULTILINE)
    assert re.search(rf"^{STAMP} ingest: 1/1 documents, 1 pages, elapsed \d+s$", result.stderr, re.MULTILINE)
    assert "telemetry" not in result.stderr.lower()


@pytest.mark.slow
def test_eval_logs_progress_over_its_split_only(tmp_path, ocr_cache_dir):
    goldset = _two_split_set(tmp_path / "gold")
    result = _cli(
        tmp_path / "home",
        ocr_cache_dir,
        *("eval", "--engine", "rules", "--goldset", str(goldset), "--split", "test"),
        *("--out", str(tmp_path / "report"), "--json"),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert json.loads(result.stdout)["documents"] == 1
    assert re.search(rf"^{STAMP} eval: 0/1 documents", result.stderr, re.MULTILINE)
    assert re.search(rf"^{STAMP} eval: 1/1 documents, 1 pages", result.stderr, re.MULTILINE)


def test_access_log_has_method_path_status_and_time_but_no_query_or_cookie(caplog):
    app = FastAPI()

    @app.get("/search")
    def search() -> dict[str, str]:
        return {"ok": "yes"}

    with caplog.at_level(logging.INFO, logger=ACCESS_LOGGER), TestClient(AccessLog(app)) as client:
        client.cookies.set("abstractor_session", "s3cret")
        assert client.get("/search?q=Acme+indemnity").status_code == 200
        assert client.get("/nowhere").status_code == 404
    lines = [record.getMessage() for record in caplog.records if record.name == ACCESS_LOGGER]
    assert len(lines) == 2
    assert re.fullmatch(r"testclient GET /search 200 \d+ms", lines[0])
    assert re.fullmatch(r"testclient GET /nowhere 404 \d+ms", lines[1])
    assert not any("Acme" in line or "s3cret" in line for line in lines)


def test_access_log_goes_to_stderr_with_utc_stamps():
    config = log_config()
    assert config["loggers"][ACCESS_LOGGER]["handlers"] == ["abstractor_access"]
    assert config["handlers"]["abstractor_access"]["stream"] == "ext://sys.stderr"
    spec = config["formatters"]["abstractor_access"]
    formatter = spec["()"](fmt=spec["fmt"], datefmt=spec["datefmt"])
    record = logging.LogRecord(ACCESS_LOGGER, logging.INFO, __file__, 1, "GET / 200 1ms", None, None)
    record.created = 0.0
    assert formatter.format(record) == "1970-01-01T00:00:00Z GET / 200 1ms"
    assert "uvicorn.access" in config["loggers"]  # uvicorn's own logging kept (its access log is off)


TELEMETRY = (
    "DO_NOT_TRACK",
    "PREFECT_SERVER_ANALYTICS_ENABLED",
    "PREFECT_CLOUD_ENABLE_ORCHESTRATION_TELEMETRY",
)


def test_prefect_telemetry_off_unless_the_user_chose(monkeypatch, tmp_path):
    # A copy of the environment: configure_prefect sets variables this test must not leave behind.
    monkeypatch.setattr(os, "environ", {k: v for k, v in os.environ.items() if k not in TELEMETRY})
    monkeypatch.setitem(os.environ, "ABSTRACTOR_DATA_HOME", str(tmp_path))
    configure_prefect(Settings())
    assert os.environ["DO_NOT_TRACK"] == "1"
    assert os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] == "false"
    assert os.environ["PREFECT_CLOUD_ENABLE_ORCHESTRATION_TELEMETRY"] == "false"
    monkeypatch.setenv("DO_NOT_TRACK", "0")
    configure_prefect(Settings())
    assert os.environ["DO_NOT_TRACK"] == "0"
