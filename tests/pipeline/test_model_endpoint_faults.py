"""Ingest against a model endpoint that is down, or dies half-way: nothing is lost, exactly the failed
pages are redone by the next run, and the run says so (exit 3, pages and reasons listed)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from schemas.contract import ContractFields
from schemas.introspect import list_fields
from storage.db import Document, Extraction, StageState, open_database
from storage.db.export import export_records
from storage.db.models import Stage
from storage.db.queries import document_detail

ABSTRACTOR = Path(sys.executable).with_name("abstractor")
ANSWER = ContractFields(title="Master Services Agreement", termination_notice_days=30).model_dump_json()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _vlm(port: int) -> dict[str, object]:
    """The small model at `port`, one page at a time (so "half-way" is a page boundary), no retries."""
    return {
        "engine": "vlm",
        "small": {
            "base_url": f"http://127.0.0.1:{port}/v1",
            "model": "small",
            "max_retries": 0,
            "max_in_flight": 1,
            "breaker_cooldown_s": 0,
        },
    }


def _extraction_rows(database_url: str) -> tuple[Document, StageState, list[Extraction]]:
    db = open_database(database_url)
    with db.session() as session:
        document = session.scalars(select(Document)).one()
        state = session.scalars(select(StageState).where(StageState.stage == Stage.extract)).one()
        rows = list(
            session.scalars(
                select(Extraction).where(Extraction.page_number.is_not(None)).order_by(Extraction.page_number)
            )
        )
        session.expunge_all()
    db.dispose()
    return document, state, rows


@pytest.mark.slow
def test_a_run_with_the_endpoint_down_exits_3_and_the_next_run_redoes_exactly_those_pages(
    tmp_path, builders, ocr_cache_dir, fake_openai_factory
):
    inbox = tmp_path / "inbox" / "acme"
    inbox.mkdir(parents=True)
    builders.write_image_pdf(inbox, "msa.pdf", pages=2)
    port = _free_port()
    env = {
        **os.environ,
        "ABSTRACTOR_DATA_HOME": str(tmp_path / "home"),
        "ABSTRACTOR_OCR_CACHE_DIR": str(ocr_cache_dir),
        "ABSTRACTOR_INGEST__INDEX": "false",
        "ABSTRACTOR_EXTRACTION__ENGINE": "vlm",
        "ABSTRACTOR_EXTRACTION__SMALL": json.dumps(_vlm(port)["small"]),
    }

    def ingest() -> subprocess.CompletedProcess[str]:
        command = [str(ABSTRACTOR), "ingest", str(tmp_path / "inbox"), "--json"]
        return subprocess.run(command, env=env, capture_output=True, text=True, timeout=600, check=False)

    down = ingest()  # nothing listens on the port
    assert down.returncode == 3, down.stderr[-3000:]
    summary = json.loads(down.stdout)
    assert summary["documents"]["failed"] == 1 and summary["documents"]["new"] == 0
    (failure,) = summary["failures"]
    assert failure["status"] == "failed" and failure["pages"] == [1, 2]
    assert "2 of 2 pages failed" in failure["error"] and "connection" in failure["error"]

    server = fake_openai_factory(port)
    server.default = server.Reply(content=ANSWER)
    up = ingest()
    assert up.returncode == 0, up.stderr[-3000:]
    summary = json.loads(up.stdout)
    # Rendered and read in the first run: this one completes it.
    assert summary["documents"] == {"new": 0, "updated": 1, "skipped": 0, "partial": 0, "failed": 0}
    assert summary["failures"] == []
    assert len(server.requests) == 2  # the two failed pages, once each

    again = ingest()
    assert again.returncode == 0 and json.loads(again.stdout)["documents"]["skipped"] == 1
    assert len(server.requests) == 2  # a document that is ok is not read again


def test_an_endpoint_killed_half_way_leaves_the_document_partial_then_ok_on_the_next_run(
    tmp_path, builders, make_job, run_job, fake_openai_factory
):
    inbox = tmp_path / "inbox" / "acme"
    inbox.mkdir(parents=True)
    builders.write_image_pdf(inbox, "msa.pdf", pages=4)
    server = fake_openai_factory()
    server.default = server.Reply(content=ANSWER)
    server.stop_after = 2  # answers pages 1 and 2, then the process is gone
    port = server.port
    job = make_job([tmp_path / "inbox"], extraction=_vlm(port))

    first = run_job(job)
    assert first.documents["partial"] == 1 and first.documents["new"] == 0
    (failure,) = first.failures
    assert failure["status"] == "partial" and failure["pages"] == [3, 4]
    document, state, rows = _extraction_rows(job.database_url)
    assert document.status == "partial" and document.failed_pages == [3, 4]
    assert "2 of 4 pages failed (pages 3-4)" in (document.error or "")
    assert (state.status, state.failure) == ("partial", "transient")
    assert [(row.page_number, row.status, row.failure) for row in rows] == [
        (1, "ok", None),
        (2, "ok", None),
        (3, "failed", "transient"),
        (4, "failed", "transient"),
    ]

    db = open_database(job.database_url)
    (exported,) = export_records(db, list_fields(ContractFields))
    detail = document_detail(db, document.id)
    db.dispose()
    assert exported["status"] == "partial" and exported["failed_pages"] == [3, 4]
    assert exported["fields"]["title"]["value"] == "Master Services Agreement"  # from pages 1 and 2
    assert detail is not None and detail["failed_pages"] == [3, 4]
    assert [page["extraction"]["status"] for page in detail["page_list"]] == ["ok", "ok", "failed", "failed"]

    revived = fake_openai_factory(port)
    revived.default = revived.Reply(content=ANSWER)
    second = run_job(job)
    assert second.documents["updated"] == 1 and second.failures == []
    assert len(revived.requests) == 2  # pages 3 and 4 only: pages 1 and 2 were kept from the first run
    document, state, rows = _extraction_rows(job.database_url)
    assert document.status == "ok" and document.failed_pages == [] and document.error is None
    assert (state.status, state.failure) == ("ok", None)
    assert [row.status for row in rows] == ["ok"] * 4
