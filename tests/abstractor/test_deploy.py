"""`abstractor deploy` + `abstractor worker` against a real Prefect server: both nightly deployments run to
completion in the worker, read their jobs from the settings there, and publish their artifacts."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from goldset.labels import GoldDocument, load_goldset, write_labels

pytestmark = [pytest.mark.prefect_server, pytest.mark.slow]

ABSTRACTOR = Path(sys.executable).with_name("abstractor")
REPO = Path(__file__).resolve().parents[2]
SMALL_TEST_DOCUMENTS = ("nda-0021.pdf", "nda-0063.pdf")  # 1 and 2 pages
FINAL_STATES = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}


def _prefect_env(home: Path, api_url: str | None = None) -> dict[str, str]:
    env = {
        **os.environ,
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_LOGGING_LEVEL": "WARNING",
    }
    if api_url is not None:
        env["PREFECT_API_URL"] = api_url
    return env


@pytest.fixture(scope="session")
def prefect_api(
    tmp_path_factory: pytest.TempPathFactory, free_port: Callable[[], int], start_server
) -> Iterator[str]:
    """A Prefect server on 127.0.0.1 with its own PREFECT_HOME, once per session (~9 s to start)."""
    work = tmp_path_factory.mktemp("prefect-server")
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    command = [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)]
    # Its own session: `prefect server start` runs the API in a child process that must stop with it.
    with start_server(
        command, f"{api}/health", work / "server.log", env=_prefect_env(work / "home"), new_session=True
    ):
        yield api


def _external_goldset(folder: Path) -> Path:
    gold = {doc.document: doc for doc in load_goldset(REPO / "goldset" / "data", split="test")}
    (folder / "documents").mkdir(parents=True)
    chosen = []
    for name in SMALL_TEST_DOCUMENTS:
        assert gold[name].path is not None
        (folder / "documents" / name).symlink_to(gold[name].path)
        chosen.append(GoldDocument(document=name, split="test", fields=gold[name].fields))
    write_labels(folder, chosen)
    return folder


def _run_deployment(api: str, name: str, timeout_s: float = 420) -> dict:
    """Start a run of the deployment now (as its schedule would) and wait for a final state."""
    deployment = httpx.get(f"{api}/deployments/name/{name}", timeout=10).raise_for_status().json()
    run = (
        httpx.post(f"{api}/deployments/{deployment['id']}/create_flow_run", json={}, timeout=10)
        .raise_for_status()
        .json()
    )
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        run = httpx.get(f"{api}/flow_runs/{run['id']}", timeout=10).raise_for_status().json()
        if run["state"]["type"] in FINAL_STATES:
            return run
        time.sleep(1)
    pytest.fail(f"{name} did not finish in {timeout_s} s: {run['state']}")


def _artifacts(api: str, flow_run_id: str) -> dict[str, dict]:
    found = httpx.post(
        f"{api}/artifacts/filter",
        json={"artifacts": {"flow_run_id": {"any_": [flow_run_id]}}},
        timeout=10,
    ).raise_for_status()
    return {item["key"]: item for item in found.json()}


def test_deploy_and_worker_run_both_nightly_flows(tmp_path, prefect_api, builders, ocr_cache_dir, stop):
    inbox = tmp_path / "inbox" / "acme"
    inbox.mkdir(parents=True)
    builders.write_png(inbox, "lease.png")
    builders.write_image_pdf(inbox, "nda.pdf", pages=1)
    pool = f"pool-{tmp_path.name[-8:]}".replace("_", "-")
    env = {
        **_prefect_env(tmp_path / "prefect-client", prefect_api),
        "ABSTRACTOR_DATA_HOME": str(tmp_path / "home"),
        "ABSTRACTOR_OCR_CACHE_DIR": str(ocr_cache_dir),
        "ABSTRACTOR_INGEST__SOURCES": f'["{tmp_path / "inbox"}"]',
        "ABSTRACTOR_INGEST__WORKERS": "2",
        "ABSTRACTOR_GOLDSET__NIGHTLY": f'["{_external_goldset(tmp_path / "gold")}"]',
        "ABSTRACTOR_PREFECT__API_URL": prefect_api,
        "PREFECT_WORKER_QUERY_SECONDS": "1",
    }
    deployed = subprocess.run(
        [str(ABSTRACTOR), "deploy", "--pool", pool],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert deployed.returncode == 0, deployed.stderr[-3000:]
    assert "ingest/nightly-ingest" in deployed.stdout and "nightly-eval/nightly-eval" in deployed.stdout

    for name, cron in (("ingest/nightly-ingest", "0 2 * * *"), ("nightly-eval/nightly-eval", "0 5 * * *")):
        deployment = httpx.get(f"{prefect_api}/deployments/name/{name}", timeout=10).json()
        assert deployment["work_pool_name"] == pool
        assert [s["schedule"]["cron"] for s in deployment["schedules"]] == [cron]
        assert deployment["parameters"] == {}  # the job is built in the worker, from the settings

    worker_log = tmp_path / "worker.log"
    with worker_log.open("wb") as sink:
        worker = subprocess.Popen(
            [str(ABSTRACTOR), "worker", "--pool", pool],
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        ingest_run = _run_deployment(prefect_api, "ingest/nightly-ingest")
        assert ingest_run["state"]["type"] == "COMPLETED", worker_log.read_text()[-5000:]
        summary = _artifacts(prefect_api, ingest_run["id"])["ingest-summary"]["data"]
        assert "| 2 | 0 | 0 | 0 | 0 | 2 |" in summary  # two new documents (none partial or failed), two pages
        assert "pages/s" in summary and "escalation rate" in summary

        eval_run = _run_deployment(prefect_api, "nightly-eval/nightly-eval")
        assert eval_run["state"]["type"] == "COMPLETED", worker_log.read_text()[-5000:]
        accuracy = _artifacts(prefect_api, eval_run["id"])["accuracy-summary"]["data"]
        assert "2 documents; micro F1" in accuracy
    finally:
        stop(worker, group=True)
