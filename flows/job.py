"""An ingest job: the typed configuration of one run, built by a face from the settings.

It is plain data (JSON-serialisable), so a Prefect deployment can carry it as the flow's parameter.
"""

from __future__ import annotations

import datetime as dt
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pydantic import BaseModel, Field

from extractors.engines.config import ExtractionConfig
from extractors.engines.registry import build_engine
from extractors.ocr import OcrCache, OcrConfig
from extractors.render import RenderConfig
from flows.context import IngestContext, ProgressCallback
from flows.runners import TaskRunnerConfig
from flows.thresholds import apply_threshold
from retrieval.embedders import EmbedderConfig
from retrieval.encoder import PageEncoder
from retrieval.index import IndexConfig
from retrieval.indexer import Indexer
from retrieval.updates import open_updates
from schemas.introspect import load_schema
from storage.blobs import open_blob_store
from storage.db import open_database


class IngestJob(BaseModel):
    sources: list[str]
    matter: str | None = None
    database_url: str
    blobs_url: str
    s3_endpoint_url: str | None = None
    s3_region: str | None = None
    ocr_cache_dir: Path
    render: RenderConfig = Field(default_factory=RenderConfig)
    ocr: OcrConfig = Field(default_factory=OcrConfig)
    workers: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1)
    documents_in_flight: int = Field(default=2, ge=1)
    lease_seconds: int = Field(default=900, ge=30)
    extraction: ExtractionConfig = Field(default_factory=ExtractionConfig)
    index: IndexConfig | None = None  # None: pages are not indexed (no search over this run's documents)
    embedders: EmbedderConfig = Field(default_factory=EmbedderConfig)
    task_runner: TaskRunnerConfig = Field(default_factory=TaskRunnerConfig)  # the flow's, not run_ingest's


def build_context(job: IngestJob, progress: ProgressCallback | None = None) -> IngestContext:
    schema = load_schema(job.extraction.schema_name)
    db = open_database(job.database_url)
    engine = build_engine(job.extraction, schema)
    apply_threshold(engine, db, job.extraction.threshold_override)
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
        s3_endpoint_url=job.s3_endpoint_url,
        s3_region=job.s3_region,
    )
    if progress is not None:
        context.progress = progress
    return context
