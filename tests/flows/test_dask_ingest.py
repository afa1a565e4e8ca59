"""The ingest flow on a local Dask cluster of two worker processes does what the default run does.

Documents travel to the workers as plain data and each worker process builds its own context; the result
is compared by content (not ids or timestamps) with a run on the default thread runner.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from distributed import LocalCluster
from sqlalchemy import select

from flows.ingest_flow import ingest
from pipeline.ingest_setup import IngestJob, TaskRunnerConfig
from retrieval.encoder import PageEncoder
from retrieval.index import IndexConfig, IndexFilter, open_index
from storage.db import Document, Extraction, Page, open_database

pytestmark = [pytest.mark.dask, pytest.mark.slow]


@pytest.fixture(scope="module")
def dask_address() -> Iterator[str]:
    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None) as cluster:
        yield cluster.scheduler_address


def _job(home: Path, inbox: Path, ocr_cache_dir: Path, runner: TaskRunnerConfig) -> IngestJob:
    return IngestJob(
        sources=[str(inbox)],
        database_url=f"sqlite:///{home / 'abstractor.db'}",
        blobs_url=str(home / "blobs"),
        ocr_cache_dir=ocr_cache_dir,
        workers=1,
        documents_in_flight=2,
        index=IndexConfig(path=home / "index"),
        task_runner=runner,
    )


def _content(job: IngestJob) -> dict:
    """Everything a run produced, keyed by content: documents, pages, extracted values, index hits."""
    db = open_database(job.database_url)
    with db.session() as session:
        documents = {doc.id: (doc.matter.name, doc.sha256) for doc in session.scalars(select(Document))}
        statuses = {
            documents[doc.id]: (doc.filename, doc.status, doc.page_count)
            for doc in session.scalars(select(Document))
        }
        pages = {
            (*documents[page.document_id], page.number): (
                page.width,
                page.height,
                page.rotation_applied,
                page.ocr_text,
            )
            for page in session.scalars(select(Page))
        }
        values = {
            (*documents[row.document_id], row.page_number): (row.engine, row.status, row.fields)
            for row in session.scalars(select(Extraction))
        }
    db.dispose()
    assert job.index is not None
    encoder = PageEncoder(job.embedders)
    matters = sorted({matter for matter, _ in documents.values()})
    with open_index(job.index) as index:
        # Which passages each query finds, per channel, at a depth past every point: not the scores' order
        # nor a top-k cut, since ties fall in insertion order and documents reach the index in a different
        # order on each runner.
        acl = IndexFilter(matters=matters)
        hits = {
            query: sorted(
                (name, hit.point_id, hit.page)
                for name, ranked in index.search(encoder.query(query), 10_000, acl).items()
                for hit in ranked
            )
            for query in ("governing law", "term of this agreement", "confidential information")
        }
        count = index.count()
    return {"documents": statuses, "pages": pages, "values": values, "hits": hits, "points": count}


def test_a_dask_run_equals_the_default_run(tmp_path, builders, ocr_cache_dir, dask_address):
    inbox = tmp_path / "inbox"
    (inbox / "acme").mkdir(parents=True)
    (inbox / "initech").mkdir()
    builders.write_image_pdf(inbox / "acme", "msa.pdf", pages=2)
    builders.write_png(inbox / "acme", "lease.png", rotate_cw=90)
    builders.write_image_pdf(inbox / "initech", "nda.pdf", pages=1)

    default = _job(tmp_path / "threads", inbox, ocr_cache_dir, TaskRunnerConfig())
    spread = _job(
        tmp_path / "dask", inbox, ocr_cache_dir, TaskRunnerConfig(kind="dask", dask_address=dask_address)
    )
    first, second = ingest(default), ingest(spread)

    assert (
        first["documents"]
        == second["documents"]
        == {"new": 3, "updated": 0, "skipped": 0, "partial": 0, "failed": 0}
    )
    assert first["pages"] == second["pages"] == 4
    expected, got = _content(default), _content(spread)
    assert got["points"] == expected["points"] > 0
    assert got == expected
