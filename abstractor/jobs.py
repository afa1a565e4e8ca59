"""From settings to the typed jobs the flows run: the one place where the two meet.

The scheduled runs' jobs are built here too, from the settings read in the worker when each run starts:
`scheduled_ingest_job` and `scheduled_eval_job` are registered under the entry-point group
`abstractor.jobs` (pyproject.toml), and `flows.scheduled` calls them when a deployment starts a flow
without a job.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from abstractor.settings import Settings
from extractors.engines.config import ExtractionConfig
from goldset.queries import QUERIES_FILE, queries_path
from goldset.sets import Variant, resolve_goldset
from pipeline.evaluation import EvalJob
from pipeline.ingest_setup import IngestJob, TaskRunnerConfig
from pipeline.search_evaluation import SearchEvalJob


def ingest_job(settings: Settings, sources: list[str], matter: str | None) -> IngestJob:
    return IngestJob(
        sources=sources,
        matter=matter,
        database_url=settings.resolved_database_url,
        blobs_url=settings.resolved_blobs_url,
        s3_endpoint_url=settings.blobs.s3_endpoint_url,
        s3_region=settings.blobs.s3_region,
        ocr_cache_dir=settings.resolved_ocr_cache_dir,
        follow_links=settings.ingest.follow_links,
        render=settings.render,
        ocr=settings.ocr,
        workers=settings.ingest.workers,
        documents_in_flight=settings.ingest.documents_in_flight,
        lease_seconds=settings.ingest.lease_seconds,
        max_failed_page_share=settings.ingest.max_failed_page_share,
        extraction=settings.extraction,
        index=settings.resolved_index if settings.ingest.index else None,
        embedders=settings.embedders,
        task_runner=TaskRunnerConfig(
            kind=settings.prefect.task_runner, dask_address=settings.prefect.dask_address
        ),
        requested_at=dt.datetime.now(dt.UTC),
    )


def eval_job(
    settings: Settings,
    *,
    goldset: str | Path | None,
    split: str | None,
    engine: str | None,
    out_dir: Path,
    accept: bool,
    variant: Variant | None = None,
) -> EvalJob:
    """`goldset` is a set's name (synthetic, cuad) or a folder; default the `goldset.dir` setting.

    Raises ValueError when it is neither.
    """
    chosen = resolve_goldset(goldset or settings.goldset.dir)
    extraction = settings.extraction
    if engine is not None:
        extraction = extraction.model_copy(update={"engine": engine})
    # index=None: golden documents are never indexed beside the lawyers' ones.
    ingest = ingest_job(settings, sources=[], matter=None).model_copy(
        update={"extraction": extraction, "index": None}
    )
    return EvalJob(
        goldset_dir=chosen.dir,
        goldset_name=chosen.name,
        # A shipped set's born-digital PDFs are scored as scans unless asked; an external set as it is.
        variant=variant or chosen.default_variant,
        split=split,
        out_dir=out_dir,
        work_dir=(settings.data_home / "eval" / "work").resolve(),
        scans_cache_dir=(settings.data_home / "cache" / "goldset-scans").resolve(),
        scan_seed=settings.goldset.scan_seed,
        results_database_url=settings.resolved_database_url,
        accept=accept,
        ingest=ingest,
    )


def search_eval_job(
    settings: Settings,
    *,
    goldset: str | Path | None,
    split: str | None,
    out_dir: Path,
    accept: bool,
    variant: Variant | None = None,
) -> SearchEvalJob:
    """The search-quality run of a golden set with a query set; ValueError when `goldset` is not one."""
    chosen = resolve_goldset(goldset or settings.goldset.dir)
    if queries_path(chosen.dir) is None:
        raise ValueError(f"the golden set {chosen.name} has no query set ({QUERIES_FILE} beside its labels)")
    return SearchEvalJob(
        goldset_dir=chosen.dir,
        goldset_name=chosen.name,
        variant=variant or chosen.default_variant,
        split=split,
        out_dir=out_dir,
        work_dir=(settings.data_home / "eval" / "search-work").resolve(),
        scans_cache_dir=(settings.data_home / "cache" / "goldset-scans").resolve(),
        scan_seed=settings.goldset.scan_seed,
        results_database_url=settings.resolved_database_url,
        accept=accept,
        ingest=ingest_job(settings, sources=[], matter=None),
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


def scheduled_ingest_job() -> IngestJob:
    settings = Settings()
    if not settings.ingest.sources:
        raise ValueError("the nightly ingest has no sources: set ingest.sources (ABSTRACTOR_INGEST__SOURCES)")
    return ingest_job(settings, settings.ingest.sources, None)


def scheduled_eval_job() -> list[EvalJob | SearchEvalJob]:
    """Per golden set of `goldset.nightly`, its test split scored into reports of their own: extraction,
    and search too where the set has a query set."""
    settings = Settings()
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    jobs: list[EvalJob | SearchEvalJob] = []
    for name in settings.goldset.nightly:
        reports = settings.data_home / "reports" / f"{stamp}-{Path(name).name}"
        jobs.append(
            eval_job(settings, goldset=name, split="test", engine=None, out_dir=reports, accept=False)
        )
        if queries_path(resolve_goldset(name).dir) is not None:
            jobs.append(
                search_eval_job(
                    settings, goldset=name, split="test", out_dir=reports / "search", accept=False
                )
            )
    return jobs
