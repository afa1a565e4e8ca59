"""From settings to the typed jobs the flows run: the one place where the two meet."""

from __future__ import annotations

from pathlib import Path

from abstractor.settings import Settings
from flows.evaluate import EvalJob
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
        extraction=settings.extraction,
    )


def eval_job(
    settings: Settings,
    *,
    goldset: Path | None,
    split: str | None,
    engine: str | None,
    out_dir: Path,
    accept: bool,
) -> EvalJob:
    goldset_dir = (goldset or settings.goldset.dir).resolve()
    extraction = settings.extraction
    if engine is not None:
        extraction = extraction.model_copy(update={"engine": engine})
    ingest = ingest_job(settings, sources=[], matter=None).model_copy(update={"extraction": extraction})
    return EvalJob(
        goldset_dir=goldset_dir,
        split=split,
        out_dir=out_dir,
        work_dir=(settings.data_home / "eval" / "work").resolve(),
        scans_cache_dir=(settings.data_home / "cache" / "goldset-scans").resolve(),
        scan_seed=settings.goldset.scan_seed,
        # The built-in set holds clean PDFs that are degraded into scans; another set is used as it is.
        degrade=goldset_dir == settings.goldset.dir.resolve(),
        results_database_url=settings.resolved_database_url,
        accept=accept,
        ingest=ingest,
    )
