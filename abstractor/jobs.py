"""From settings to the typed jobs the flows run: the one place where the two meet."""

from __future__ import annotations

from abstractor.settings import Settings
from flows.job import IngestJob


def ingest_job(settings: Settings, sources: list[str], matter: str | None) -> IngestJob:
    return IngestJob(
        sources=sources,
        matter=matter,
        database_url=settings.resolved_database_url,
        blobs_url=settings.resolved_blobs_url,
        s3_endpoint_url=settings.blobs.s3_endpoint_url,
        s3_region=settings.blobs.s3_region,
        ocr_cache_dir=settings.resolved_ocr_cache_dir,
        render=settings.render,
        ocr=settings.ocr,
        workers=settings.ingest.workers,
        documents_in_flight=settings.ingest.documents_in_flight,
        lease_seconds=settings.ingest.lease_seconds,
    )
