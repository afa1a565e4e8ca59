"""A bounded load of the search API on loopback: latency, errors, and whether any hit leaks a matter.

    .venv/bin/python bench/api_load.py                              # 16 documents, 2,000 requests a load
    .venv/bin/python bench/api_load.py --requests 500 --in-flight 8 32
    .venv/bin/python bench/api_load.py --home /tmp/bench-home       # keep (and reuse) the data home

1. Builds a data home as bench/search_request.py does (golden-set documents over matters alpha and beta,
   ingested by `abstractor ingest`), adds a lawyer who sees alpha only, and starts `abstractor serve`
   on a free port (a real uvicorn server; it owns the index).
2. For each `--in-flight` bound, sends `--requests` GET /api/search calls with that many open at once
   (httpx, one connection each), the lawyer's questions of bench/search_request.py, some with filters.
3. Does it again at the largest bound while `abstractor ingest` of more documents into alpha runs beside
   the server (its index updates reach the server through the outbox).
Every answer is checked: a status other than 200 is an error, and a hit in any matter but alpha is a
leak. Prints p50 / p95 / p99 latency, requests per second, errors and leaks per load. Target: no error,
no leak.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from search_request import GOLDSET, QUESTIONS, build_home, environment, run, serving

REPO = Path(__file__).resolve().parents[1]
ALPHA_LAWYER = "alma"  # sees matter alpha only: any beta hit in her answers is a leak


def alpha_token() -> str:
    from abstractor.settings import Settings
    from storage.db import open_database
    from storage.db.access import create_token

    db = open_database(Settings().resolved_database_url)
    try:
        return create_token(db, ALPHA_LAWYER, label="load bench")[1]
    finally:
        db.dispose()


async def load(url: str, token: str, requests: int, in_flight: int) -> tuple[list[float], int, int]:
    """`requests` searches, `in_flight` at a time: latencies (s), errors, leaked hits."""
    latencies: list[float] = []
    errors = leaks = 0
    questions = iter(range(requests))
    limits = httpx.Limits(max_connections=in_flight, max_keepalive_connections=in_flight)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=url, headers=headers, limits=limits, timeout=60) as client:

        async def worker() -> None:
            nonlocal errors, leaks
            for i in questions:
                question, where = QUESTIONS[i % len(QUESTIONS)]
                params = [("q", question), ("limit", "10"), *(("where", clause) for clause in where)]
                began = time.perf_counter()
                try:
                    response = await client.get("/api/search", params=params)
                except httpx.HTTPError:
                    errors += 1
                    continue
                latencies.append(time.perf_counter() - began)
                if response.status_code != 200:
                    errors += 1
                    continue
                leaks += sum(hit["matter"] != "alpha" for hit in response.json()["documents"])

        await asyncio.gather(*(worker() for _ in range(in_flight)))
    return latencies, errors, leaks


def report(label: str, latencies: list[float], errors: int, leaks: int, wall: float) -> None:
    p50, p95, p99 = np.percentile(latencies, [50, 95, 99]) * 1e3
    print(
        f"{label}: p50 {p50:.0f} ms, p95 {p95:.0f} ms, p99 {p99:.0f} ms, {len(latencies) / wall:.1f} req/s, "
        f"errors {errors}, leaked hits {leaks} (n={len(latencies) + errors})"
    )


def measure(url: str, token: str, requests: int, in_flight: int, label: str) -> None:
    began = time.perf_counter()
    latencies, errors, leaks = asyncio.run(load(url, token, requests, in_flight))
    report(label, latencies, errors, leaks, time.perf_counter() - began)


def ingest_beside(home: Path, env: dict[str, str], documents: int) -> subprocess.Popen[bytes]:
    """`abstractor ingest` of `documents` more golden-set files into alpha, started in the background."""
    inbox = home / "more" / "alpha"
    inbox.mkdir(parents=True, exist_ok=True)
    for name in sorted(p.name for p in GOLDSET.glob("*.pdf"))[-documents:]:
        shutil.copyfile(GOLDSET / name, inbox / name)
    cli = str(Path(sys.executable).parent / "abstractor")
    return subprocess.Popen([cli, "ingest", str(inbox.parent)], env=env, cwd=REPO, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--documents", type=int, default=16, help="golden-set documents to ingest first")
    parser.add_argument("--requests", type=int, default=2000, help="searches per load")
    parser.add_argument("--in-flight", type=int, nargs="+", default=[8, 32], help="requests open at once")
    parser.add_argument("--beside", type=int, default=8, help="documents the ingest beside the load reads")
    parser.add_argument("--home", type=Path, default=None, help="data home to build or reuse; default temp")
    parser.add_argument("--ocr-cache", type=Path, default=REPO / ".cache" / "bench-ocr")
    args = parser.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="abstractor-load-home-"))
    env = environment(home.resolve(), args.ocr_cache.resolve())
    os.environ.update({k: v for k, v in env.items() if k.startswith("ABSTRACTOR_")})  # for Settings()
    try:
        if not (home / "abstractor.db").exists():
            build_home(home, env, args.documents)
            run(["users", "add", ALPHA_LAWYER, "--role", "lawyer", "--matters", "alpha"], env)
        token = alpha_token()
        with serving(env, home) as _pid:
            url = json.loads((home / "server.json").read_text())["url"]
            for bound in args.in_flight:
                measure(url, token, args.requests, bound, f"{bound} in flight, alone")
            ingest = ingest_beside(home, env, args.beside)
            try:
                measure(url, token, args.requests, max(args.in_flight), f"{max(args.in_flight)} in flight, "
                        "with an ingest beside")  # fmt: skip
                print(f"ingest beside: {'still running' if ingest.poll() is None else 'done'} at the end")
            finally:
                ingest.wait()
    finally:
        if args.home is None:
            shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
