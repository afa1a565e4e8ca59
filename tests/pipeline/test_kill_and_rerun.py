"""A real `abstractor ingest` process killed with SIGKILL at several moments, then run again.

Whatever the moment, the final state must have every document processed exactly once: no duplicate rows,
no document marked done with pages missing, no page whose image blob is missing.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from storage.blobs import open_blob_store
from storage.db import Database, Document, DocumentSource, Page, Run, RunItem, open_database

pytestmark = pytest.mark.slow

ABSTRACTOR = Path(sys.executable).with_name("abstractor")


def _start(inbox: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [str(ABSTRACTOR), "ingest", str(inbox), "--json"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        # Its own process group, so the kill takes the run's ephemeral Prefect server down with it,
        # as a machine that dies would.
        start_new_session=True,
    )


def _wait_until(
    condition: Callable[[], bool], process: subprocess.Popen[bytes], timeout_s: float = 120
) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"ingest ended before the kill point: {process.stderr.read().decode()[-2000:]}")
        try:
            if condition():
                return
        except Exception:
            pass
        time.sleep(0.05)
    pytest.fail("the kill point was never reached")


def _kill(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def _scalar(db_path: Path, query) -> int:
    db = open_database(f"sqlite:///{db_path}", run_migrations=False)
    try:
        with db.session() as session:
            return session.scalar(query) or 0
    finally:
        db.dispose()


def test_killed_runs_leave_every_document_processed_exactly_once(tmp_path, builders):
    inbox = tmp_path / "inbox" / "initech"
    inbox.mkdir(parents=True)
    for number in range(4):
        builders.write_image_pdf(inbox, f"contract-{number}.pdf", pages=2 + number % 2)
    builders.write_png(inbox, "extra.png", rotate_cw=90)
    (inbox / "copy.png").write_bytes((inbox / "extra.png").read_bytes())
    home = tmp_path / "home"
    db_path = home / "abstractor.db"
    env = {**os.environ, "ABSTRACTOR_DATA_HOME": str(home), "ABSTRACTOR_INGEST__WORKERS": "2"}

    kill_points: list[tuple[str, Callable[[], bool]]] = [
        ("during discovery", lambda: _scalar(db_path, select(func.count()).select_from(Run)) >= 1),
        ("while pages are written", lambda: any((home / "blobs" / "pages").rglob("*.jpg"))),
        (
            "after some documents finished",
            lambda: _scalar(db_path, select(func.count()).select_from(RunItem)) >= 3,
        ),
    ]
    for _name, reached in kill_points:
        process = _start(tmp_path / "inbox", env)
        _wait_until(reached, process)
        _kill(process)

    final = subprocess.run(
        [str(ABSTRACTOR), "ingest", str(tmp_path / "inbox"), "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert final.returncode == 0, final.stderr[-3000:]

    db = open_database(f"sqlite:///{db_path}")
    blobs = open_blob_store(str(home / "blobs"))
    _assert_processed_exactly_once(db, blobs, expected_documents=5, expected_pages=2 + 3 + 2 + 3 + 1)
    with db.session() as session:
        statuses = [run.status for run in session.scalars(select(Run).order_by(Run.id))]
    db.dispose()
    assert statuses[-1] == "ok"
    assert "crashed" in statuses  # the killed runs were found and marked


def _assert_processed_exactly_once(db: Database, blobs, expected_documents: int, expected_pages: int) -> None:
    with db.session() as session:
        documents = list(session.scalars(select(Document)))
        assert len(documents) == expected_documents
        assert {d.status for d in documents} == {"ok"}
        assert all(d.lease_run_id is None for d in documents)
        sources = session.scalar(select(func.count()).select_from(DocumentSource))
        assert sources == expected_documents + 1  # the copy is a second source of one document
        pages = list(session.scalars(select(Page)))
        assert len(pages) == expected_pages
        for document in documents:
            numbers = sorted(p.number for p in pages if p.document_id == document.id)
            assert numbers == list(range(1, (document.page_count or 0) + 1))
        for page in pages:
            assert page.ocr_words, f"page {page.number} of document {page.document_id} has no OCR"
            assert blobs.exists(page.image_key) and blobs.exists(page.thumbnail_key)
