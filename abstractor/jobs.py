"""From settings to the typed jobs the flows run: the one place where the two meet."""

from __future__ import annotations

from pathlib import Path

from abstractor.settings import Settings
from extractors.engines.config import ExtractionConfig
from flows.evaluate import EvalJob
from flows.job import IngestJob
from flows.runners import TaskRunnerConfig


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
        index=settings.resolved_index if settings.ingest.index else None,
        embedders=settings.embedders,
        task_runner=TaskRunnerConfig(
            kind=settings.prefect.task_runner, dask_address=settings.prefect.dask_address
        ),
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
    # index=None: golden documents are never indexed beside the lawyers' ones.
    ingest = ingest_job(settings, sources=[], matter=None).model_copy(
        update={"extraction": extraction, "index": None}
    )
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


def compare_candidates(settings: Settings, names: list[str]) -> dict[str, ExtractionConfig]:
    """Engine configurations by name: rules, small, large, cascade, or one of extraction.candidates."""
    extraction = settings.extraction
    endpoints = {"small": extraction.small, "large": extraction.large, **extraction.candidates}
    candidates: dict[str, ExtractionConfig] = {}
    for name in names:
        if name == "rules":
            candidates[name] = extraction.model_copy(update={"engine": "rules"})
        elif name == "cascade":
            if extraction.small is None or extraction.large is None:
                raise ValueError("'cascade' needs both extraction.small and extraction.large")
            candidates[name] = extraction.model_copy(update={"engine": "vlm"})
        elif endpoints.get(name) is not None:
            candidates[name] = extraction.model_copy(
                update={"engine": "vlm", "small": endpoints[name], "large": None}
            )
        else:
            known = ["rules", "cascade", *(key for key, value in endpoints.items() if value is not None)]
            raise ValueError(f"unknown engine {name!r} to compare; known: {', '.join(known)}")
    return candidates
