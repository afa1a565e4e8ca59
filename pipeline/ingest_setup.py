"""An ingest job: the typed configuration of one run, built by a face from the settings.

It is plain data (JSON-serialisable), so a Prefect deployment can carry it as the flow's parameter.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from extractors.engines.config import ExtractionConfig
from extractors.engines.registry import build_engine
from extractors.merge import DEFAULT_MAX_FAILED_SHARE
from extractors.ocr import OcrCache, OcrConfig
from extractors.render import RenderConfig
from pipeline.context import IngestContext, ProgressCallback
from pipeline.thresholds import apply_calibration
from retrieval.embedders import EmbedderConfig
from retrieval.encoder import PageEncoder
from retrieval.index import IndexConfig
from retrieval.indexer import Indexer
from retrieval.updates import open_updates
from schemas.introspect import load_schema
from storage.blobs import open_blob_store
from storage.db import open_database


class TaskRunnerConfig(BaseModel):
    kind: Literal["threads", "dask"] = "threads"
    # The scheduler of a running Dask cluster (tcp://host:8786). Without it a Dask run starts a local
    # cluster of its own, which spreads documents over this machine's processes only.
    dask_address: str | None = None

    @model_validator(mode="after")
    def _address_needs_dask(self) -> TaskRunnerConfig:
        if self.dask_address is not None and self.kind != "dask":
            raise ValueError("dask_address is set but the task runner is not 'dask'")
        return self


class IngestJob(BaseModel):
    sources: list[str]
    matter: str | None = None
    database_url: str
    blobs_url: str
    s3_endpoint_url: str | None = None
    s3_region: str | None = None
    ocr_cache_dir: Path
    # Follow symbolic links found under a source, those whose target stays under its root; off, every
    # link is a recorded failure (a link in an inbox could otherwise expose any file the service reads).
    follow_links: bool = False
    render: RenderConfig = Field(default_factory=RenderConfig)
    ocr: OcrConfig = Field(default_factory=OcrConfig)
    workers: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1)
    documents_in_flight: int = Field(default=2, ge=1)
    lease_seconds: int = Field(default=900, ge=30)
    # The error budget: a document with more than this share of its pages failed is failed, not partial.
    max_failed_page_share: float = Field(default=DEFAULT_MAX_FAILED_SHARE, ge=0.0, le=1.0)
    extraction: ExtractionConfig = Field(default_factory=ExtractionConfig)
    index: IndexConfig | None = None  # None: pages are not indexed (no search over this run's documents)
    embedders: EmbedderConfig = Field(default_factory=EmbedderConfig)
    task_runner: TaskRunnerConfig = Field(default_factory=TaskRunnerConfig)  # the flow's, not run_ingest's
    # When the run was asked for (the command started, the schedule fired): the run's recorded wall time
    # counts from here, so the set-up before the first document (Prefect, models) is in it too.
    requested_at: dt.datetime | None = None


# The face's progress display, for the contexts built under it: a flow's parameters are plain data (a
# deployment carries them), so the CLI cannot hand its callback to the flow it runs in its own process.
# A context built elsewhere (a Dask worker) reports to no one.
_face_progress: ContextVar[ProgressCallback | None] = ContextVar("face_progress", default=None)


@contextmanager
def reporting_progress(progress: ProgressCallback) -> Iterator[None]:
    """Contexts built inside (by `build_context` without a callback of its own) report to `progress`."""
    token = _face_progress.set(progress)
    try:
        yield
    finally:
        _face_progress.reset(token)


def build_context(job: IngestJob, progress: ProgressCallback | None = None) -> IngestContext:
    schema = load_schema(job.extraction.schema_name)
    db = open_database(job.database_url)
    engine = build_engine(job.extraction, schema)
    apply_calibration(engine, db, job.extraction.threshold_override)
    indexer = (
        Indexer(PageEncoder(job.embedders), open_updates(db, job.index)) if job.index is not None else None
    )
    context = IngestContext(
        db=db,
        blobs=open_blob_store(job.blobs_url, s3_endpoint_url=job.s3_endpoint_url, s3_region=job.s3_region),
        render=job.render,
        ocr=job.ocr,
        ocr_cache=OcrCache(job.ocr_cache_dir),
        pool=ThreadPoolExecutor(max_workers=job.workers, thread_name_prefix="cpu-stage"),
        schema=schema,
        engine=engine,
        indexer=indexer,
        lease=dt.timedelta(seconds=job.lease_seconds),
        max_failed_page_share=job.max_failed_page_share,
        s3_endpoint_url=job.s3_endpoint_url,
        s3_region=job.s3_region,
    )
    progress = progress or _face_progress.get()
    if progress is not None:
        context.progress = progress
    return context
