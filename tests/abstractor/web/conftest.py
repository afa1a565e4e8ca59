"""The web app's fixtures: the search corpus plus stored accuracy runs, a failed document and tokens."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from abstractor.settings import Settings
from abstractor.web.app import create_app
from goldset.labels import load_goldset
from goldset.report import write_report
from goldset.score import PageStats, Prediction, score
from schemas.status import Status
from storage.db import Database, Document, EvalRun, Matter, Run, RunItem, open_database
from storage.db.access import create_token

GOLDSET = Path(__file__).parents[3] / "goldset" / "data"
USERS = ("alice", "bob", "ann", "root")
FAILED_REASON = "the PDF is password-protected"


@dataclass
class Corpus:
    home: Path
    tokens: dict[str, str]  # user -> bearer token
    ids: dict[tuple[str, str], int]  # (matter, filename) -> document id
    failed_document: int
    eval_runs: dict[str, list[int]]  # engine label -> its runs, oldest first


def _predictions(night: int, unpriced: str | None = None) -> dict[str, Prediction]:
    """The golden labels with a few answers wrong, more of them on earlier nights (a rising trend);
    `unpriced` names a model the run's pages used without a price."""
    gold = load_goldset(GOLDSET, split="test")
    found = {}
    for index, document in enumerate(gold):
        fields = document.fields.model_copy()
        if index % (night + 2) == 0:
            fields.governing_law = "Atlantis"
        if index % (night + 3) == 0:
            fields.effective_date = None
        confidences = {
            "governing_law": 0.55 if index % 3 == 0 else 0.93,
            "effective_date": 0.8,
            "title": 0.97,
        }
        stats = PageStats(pages=2, escalated_pages=index % 2, tokens_in=900, tokens_out=60, latency_s=1.2,
                          cost_usd=None if unpriced else 0.002,
                          unpriced_models=[unpriced] if unpriced else [])  # fmt: skip
        found[document.document] = Prediction(fields=fields, confidences=confidences, stats=stats)
    return found


def _store_eval_runs(db: Database, reports: Path) -> dict[str, list[int]]:
    gold = load_goldset(GOLDSET, split="test")
    ids: dict[str, list[int]] = {}
    plan = [("rules", 0), ("rules", 1), ("vlm-small", 1), ("rules", 3)]
    start = dt.datetime(2026, 3, 1, 2, 0, tzinfo=dt.UTC)
    for night, (engine, quality) in enumerate(plan):
        unpriced = "Qwen/Qwen2.5-VL-7B-Instruct-AWQ" if engine == "vlm-small" else None
        metrics = score(_predictions(quality, unpriced), gold, engine=engine)
        metrics.goldset_hash = "0" * 64
        out = reports / f"night-{night}"
        write_report(metrics, out, engine=engine)
        with db.session() as session:
            run = EvalRun(
                created_at=start + dt.timedelta(days=night),
                engine=engine,
                engine_version=f"{engine}-1",
                split="test",
                goldset_hash=metrics.goldset_hash,
                documents=metrics.documents,
                micro_f1=metrics.micro_f1,
                macro_f1=metrics.macro_f1,
                metrics=metrics.model_dump(mode="json"),
                report_dir=str(out),
                accepted=night == 0,
            )
            session.add(run)
            session.flush()
            ids.setdefault(engine, []).append(run.id)
    return ids


def _store_failure(db: Database) -> int:
    with db.session() as session:
        matter = session.scalar(select(Matter).where(Matter.name == "alpha"))
        assert matter is not None
        document = Document(
            matter_id=matter.id,
            sha256="f" * 64,
            filename="locked.pdf",
            size_bytes=1234,
            original_key="originals/ff/locked",
            status=Status.failed,
            error=FAILED_REASON,
        )
        run = Run(
            kind="ingest",
            status=Status.partial,
            host="nightly",
            pid=1,
            counts={
                "documents": {"new": 0, "updated": 0, "skipped": 5, "partial": 0, "failed": 1},
                "pages": 0,
            },
            finished_at=dt.datetime.now(dt.UTC),
        )
        session.add_all([document, run])
        session.flush()
        session.add(
            RunItem(
                run_id=run.id,
                document_id=document.id,
                source_uri="/in/alpha/locked.pdf",
                outcome="failed",
                error=FAILED_REASON,
            )
        )
        return document.id


@pytest.fixture
def corpus(search_home: Path, tmp_path: Path) -> Corpus:
    db = open_database(Settings().resolved_database_url)
    try:
        tokens = {name: create_token(db, name, label=f"{name}'s laptop")[1] for name in USERS}
        with db.session() as session:
            ids = {
                (m, f): i
                for m, f, i in session.execute(
                    select(Matter.name, Document.filename, Document.id).join(Matter)
                )
            }
        runs = _store_eval_runs(db, tmp_path / "reports")
        failed = _store_failure(db)
    finally:
        db.dispose()
    return Corpus(search_home, tokens, ids, failed, runs)


@pytest.fixture
def client(corpus: Corpus) -> Iterator[TestClient]:
    with TestClient(create_app(Settings()), follow_redirects=False) as test_client:
        yield test_client


CSRF_FIELD = re.compile(r'name="csrf" value="([^"]+)"')


def _csrf_of(html: str) -> str:
    found = CSRF_FIELD.search(html)
    assert found is not None, "no CSRF field on the page"
    return found.group(1)


@pytest.fixture
def csrf_of() -> Callable[[str], str]:
    """The CSRF secret in a page's form."""
    return _csrf_of


@pytest.fixture
def sign_in(corpus: Corpus) -> Callable[[TestClient, str], TestClient]:
    """Sign a client in as a user through the form, as a browser does; the client keeps the cookie."""

    def signed_in(client: TestClient, user: str) -> TestClient:
        form = client.get("/signin")
        data = {"token": corpus.tokens[user], "csrf": _csrf_of(form.text), "next": "/"}
        response = client.post("/signin", data=data)
        assert response.status_code == 303, response.text
        return client

    return signed_in
