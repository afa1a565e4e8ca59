"""Whole-request search latency: the HTTP API end to end, and a cold `abstractor search` with and without
a running server.

    .venv/bin/python bench/search_request.py                      # 16 documents, 200 requests
    .venv/bin/python bench/search_request.py --documents 40 --requests 500
    .venv/bin/python bench/search_request.py --home /tmp/bench-home   # keep (and reuse) the data home
    .venv/bin/python bench/search_request.py --home /tmp/bench-home --torch-threads 1

1. Builds a data home with the project's own commands: `abstractor ingest` (a subprocess: render, OCR,
   the OCR-rules engine, the text index) of `--documents` golden-set documents spread over two matters,
   then `abstractor users add` for a lawyer who sees both. OCR results are cached in `--ocr-cache`
   (default <repo>/.cache/bench-ocr), so a second run ingests in a fraction of the time. With `--home`
   an existing data home is reused as it is. No ColPali weights exist on these machines, so the visual
   channel is off: the request runs the dense and BM25 text channels (bench/search.py measures the
   visual channel of the index on its own).
2. Times `--requests` GET /api/search calls of varied lawyer questions (some with `where` filters,
   some with "quoted phrases") through FastAPI's TestClient on the real `create_app(Settings())`, with a
   bearer token made as the API tests make one. Each call includes the token check, the query encoding,
   the index query, fusion, grouping per document, snippets, the database check of every hit and the
   audit write; the app is warmed first (its lifespan loads the text model, as `serve` does).
3. Times a cold `abstractor search ... --json` subprocess `--cli-runs` times without a server (it
   loads the text model and opens the index itself) and with `abstractor serve` running on a free port
   (it only asks the server). The audit log's `client` column says which path each took.

Prints, per part: p50 / p95 / max in ms, and the documents, pages, passages behind the figures.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
GOLDSET = REPO / "goldset" / "data" / "documents"
CLI = [str(Path(sys.executable).parent / "abstractor")]  # the installed console script
LAWYER = "lucy"
MATTERS = ("alpha", "beta")

# (question, where clauses): what a lawyer types, a third of them narrowed by extracted terms or clauses.
QUESTIONS: list[tuple[str, list[str]]] = [
    ("termination for convenience notice period", []),
    ("which party may terminate on thirty days notice", []),
    ("governing law and jurisdiction", []),
    ("governing law", ["contract_type=nda"]),
    ('"confidential information" definition', []),
    ("confidentiality obligations survive termination", ["contract_type=nda"]),
    ("limitation of liability cap", []),
    ('"limitation of liability"', ["clause.termination_for_convenience=true"]),
    ("indemnification of third party claims", []),
    ("assignment without prior written consent", []),
    ("assignment", ["clause.anti_assignment=true"]),
    ("non-compete after the employment ends", ["contract_type=employment"]),
    ("base salary and bonus", ["contract_type=employment"]),
    ("rent payment and security deposit", ["contract_type=lease"]),
    ("term of the lease and renewal options", []),
    ("license grant exclusive territory", ["contract_type=license"]),
    ("royalty payments and audit rights", ["clause.audit_rights=true"]),
    ("payment terms net thirty days invoice", []),
    ("statement of work deliverables and acceptance", ["contract_type=statement_of_work"]),
    ("service levels and service credits", ["contract_type=master_services"]),
    ("automatic renewal unless notice of non-renewal", []),
    ("force majeure events", []),
    ("insurance requirements", ["clause.insurance=true"]),
    ("warranties and disclaimer of implied warranties", []),
    ("minimum purchase quantity and forecasts", ["contract_type=supply"]),
    ("delivery and title and risk of loss", []),
    ("intellectual property ownership of work product", []),
    ("notices in writing to the addresses", []),
    ("effective date of this agreement", ["effective_date>=2015-01-01"]),
    ("contract value total fees", ["contract_value>=10000"]),
    ("dispute resolution arbitration", []),
    ('"entire agreement"', []),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def environment(home: Path, ocr_cache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ABSTRACTOR_")}
    env.update(
        ABSTRACTOR_DATA_HOME=str(home),
        ABSTRACTOR_OCR_CACHE_DIR=str(ocr_cache),
        ABSTRACTOR_CONFIG=str(home / "no-such-abstractor.toml"),  # the developer's settings stay out
    )
    return env


def run(args: list[str], env: dict[str, str], check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([*CLI, *args], env=env, cwd=REPO, capture_output=True, text=True, check=False)
    if check and done.returncode != 0:
        raise SystemExit(f"{' '.join(args[:2])} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done


def build_home(home: Path, env: dict[str, str], documents: int) -> None:
    """`--documents` golden-set files, every type, alternately in matters alpha and beta."""
    names = sorted(p.name for p in GOLDSET.glob("*.pdf"))
    by_type: dict[str, list[str]] = {}
    for name in names:
        by_type.setdefault(name.split("-")[0], []).append(name)
    picked = [n for group in zip(*by_type.values(), strict=False) for n in group][:documents]
    inbox = home / "inbox"
    for i, name in enumerate(picked):
        folder = inbox / MATTERS[i % 2]
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(GOLDSET / name, folder / name)
    started = time.perf_counter()
    done = run(["ingest", str(inbox)], env, check=False)
    if done.returncode not in (0, 3):  # 3: some page came through in part; still searchable
        raise SystemExit(f"ingest failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    print(f"ingest of {len(picked)} documents: {time.perf_counter() - started:.0f}s")
    run(["users", "add", LAWYER, "--role", "lawyer", "--matters", ",".join(MATTERS)], env)


def describe(home: Path) -> str:
    from sqlalchemy import func, select

    from abstractor.settings import Settings
    from retrieval.index import PAGE, PASSAGE, open_index
    from storage.db import Document, Page, open_database

    settings = Settings()
    db = open_database(settings.resolved_database_url)
    with db.session() as session:
        documents = session.scalar(select(func.count()).select_from(Document))
        pages = session.scalar(select(func.count()).select_from(Page))
    db.dispose()
    with open_index(settings.resolved_index) as index:
        passages, page_points = index.count(PASSAGE), index.count(PAGE)
    return f"{documents} documents, {pages} pages, {passages} passages, {page_points} visual page points"


def percentiles(seconds: list[float]) -> str:
    p50, p95 = np.percentile(seconds, [50, 95]) * 1e3
    return f"p50 {p50:.0f} ms, p95 {p95:.0f} ms, max {max(seconds) * 1e3:.0f} ms (n={len(seconds)})"


def time_api(requests: int, torch_threads: int | None) -> None:
    import torch
    from fastapi.testclient import TestClient

    from abstractor.settings import Settings
    from abstractor.web.app import create_app
    from storage.db import open_database
    from storage.db.access import create_token

    settings = Settings()
    db = open_database(settings.resolved_database_url)
    _, token = create_token(db, LAWYER, label="bench")
    db.dispose()
    headers = {"Authorization": f"Bearer {token}"}
    if torch_threads is not None:
        torch.set_num_threads(torch_threads)
    started = time.perf_counter()
    with TestClient(create_app(settings)) as client:
        print(f"app start (lifespan: text model, index): {time.perf_counter() - started:.1f}s")
        seconds, found, snippets = [], 0, 0
        for i in range(requests + 5):
            question, where = QUESTIONS[i % len(QUESTIONS)]
            params = [("q", question), ("limit", "10"), *(("where", clause) for clause in where)]
            began = time.perf_counter()
            response = client.get("/api/search", params=params, headers=headers)
            took = time.perf_counter() - began
            if response.status_code != 200:
                raise SystemExit(f"{question!r}: {response.status_code} {response.text[:300]}")
            if i >= 5:  # the first few warm the caches
                seconds.append(took)
                body = response.json()
                found += len(body["documents"])
                snippets += sum(bool(p["snippet"]) for d in body["documents"] for p in d["pages"])
    threads = f"{torch.get_num_threads()} torch threads"
    print(f"GET /api/search (TestClient, whole request, {threads}): {percentiles(seconds)}")
    print(f"  {found / len(seconds):.1f} documents and {snippets / len(seconds):.1f} snippets per answer")


@contextlib.contextmanager
def serving(env: dict[str, str], home: Path) -> Iterator[int]:
    """`abstractor serve` on a free port until the block ends; yields its pid once /healthz answers."""
    import httpx

    port = free_port()
    log = (home / "serve.log").open("w")
    server = subprocess.Popen(
        [*CLI, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        cwd=REPO,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 180
        while True:
            with contextlib.suppress(httpx.HTTPError):
                healthy = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200
                if healthy and (home / "server.json").exists():
                    break
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"serve did not start; see {home / 'serve.log'}")
            time.sleep(0.5)
        yield server.pid
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def last_search_client() -> str:
    from sqlalchemy import select

    from abstractor.settings import Settings
    from storage.db import AuditEntry, open_database

    db = open_database(Settings().resolved_database_url)
    with db.session() as session:
        client = session.scalar(
            select(AuditEntry.client).where(AuditEntry.action == "search").order_by(AuditEntry.id.desc())
        )
    db.dispose()
    return str(client)


def time_cli(env: dict[str, str], runs: int, label: str) -> None:
    seconds = []
    for i in range(runs):
        question, where = QUESTIONS[(7 * i) % len(QUESTIONS)]
        args = ["search", question, "--as", LAWYER, "--json", *(x for c in where for x in ("--where", c))]
        began = time.perf_counter()
        run(args, env)
        seconds.append(time.perf_counter() - began)
    print(f"cold `abstractor search` {label}: {percentiles(seconds)}; audit client {last_search_client()!r}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--documents", type=int, default=16, help="golden-set documents to ingest")
    parser.add_argument("--requests", type=int, default=200, help="timed API requests")
    parser.add_argument("--cli-runs", type=int, default=5, help="timed CLI searches per mode")
    parser.add_argument("--home", type=Path, default=None, help="data home to build or reuse; default temp")
    parser.add_argument("--ocr-cache", type=Path, default=REPO / ".cache" / "bench-ocr")
    parser.add_argument(
        "--torch-threads",
        type=int,
        default=None,
        help="torch intra-op threads for the query encoder (API and CLI); default: torch's own",
    )
    args = parser.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="abstractor-bench-home-"))
    env = environment(home.resolve(), args.ocr_cache.resolve())
    if args.torch_threads is not None:
        env["OMP_NUM_THREADS"] = str(args.torch_threads)  # what torch starts with in the subprocesses
    os.environ.update({k: v for k, v in env.items() if k.startswith("ABSTRACTOR_")})  # for Settings()
    try:
        if not (home / "abstractor.db").exists():
            build_home(home, env, args.documents)
        print(describe(home))
        time_api(args.requests, args.torch_threads)
        time_cli(env, args.cli_runs, "without a server (loads the model, opens the index)")
        with serving(env, home):
            time_cli(env, args.cli_runs, "with `abstractor serve` running (through the server)")
    finally:
        if args.home is None:
            shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
