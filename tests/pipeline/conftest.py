"""Ingest jobs over small scanned documents, in temp folders, against SQLite or PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pipeline.context import IngestContext
from pipeline.ingest import run_ingest
from pipeline.ingest_setup import IngestJob, build_context
from pipeline.runs import RunTally

RunJob = Callable[..., RunTally]


@pytest.fixture
def make_job(tmp_path: Path, database_url: str, ocr_cache_dir: Path) -> Callable[..., IngestJob]:
    def make(sources: list[Path | str], **overrides: object) -> IngestJob:
        values: dict[str, object] = {
            "sources": [str(source) for source in sources],
            "database_url": database_url,
            "blobs_url": str(tmp_path / "blobs"),
            "ocr_cache_dir": ocr_cache_dir,
            "workers": 2,
        }
        values.update(overrides)
        return IngestJob.model_validate(values)

    return make


@pytest.fixture
def run_job() -> Iterator[RunJob]:
    """Runs a job to completion with the plain functions (no Prefect), closing its context after."""
    contexts: list[IngestContext] = []

    def run(job: IngestJob) -> RunTally:
        context = build_context(job)
        contexts.append(context)
        return run_ingest(context, job)

    yield run
    for context in contexts:
        context.close()
        context.db.dispose()
