"""The accuracy run: the golden set through the production ingest path, scored, stored and reported.

Golden documents are ingested into a data home of their own, made fresh for every run: they never
enter the lawyers' database or index, and no result from an earlier run (or engine) is ever reused.
Only the OCR cache is shared, because OCR does not depend on the engine being scored. Only the split
being scored is scanned and ingested, `documents_in_flight` documents at a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel
from sqlalchemy import select

from extractors.engines.config import ExtractionConfig
from extractors.vlm.client import EndpointConfig
from goldset.gate import regressed_fields
from goldset.labels import goldset_hash
from goldset.metrics import Metrics, RunSummary
from goldset.report import collect_wrong_answers, write_report
from goldset.score import PageStats, Prediction, prediction_from_extracted, score
from goldset.sets import DEFAULT, Variant
from pipeline.golden_ingest import golden_ingest_job, golden_split, in_flight
from pipeline.ingest import run_ingest
from pipeline.ingest_setup import IngestJob, build_context
from pipeline.thresholds import apply_threshold
from schemas.results import ExtractedField
from storage.blobs import BlobStore
from storage.db import Database, Document, EvalRun, Extraction, Page, open_database


class EvalJob(BaseModel):
    goldset_dir: Path
    goldset_name: str = DEFAULT  # what the report, metrics.json and the trend call the set
    split: str | None = "test"
    out_dir: Path
    work_dir: Path  # the run's own data home; emptied at the start of every run
    scans_cache_dir: Path
    scan_seed: int = 0
    # scanned: the documents degraded into scans first (goldset.scan); born-digital: as they are.
    variant: Variant = "scanned"
    results_database_url: str  # where eval runs are recorded: the trend and the regression baseline
    accept: bool = False
    # What the run is called in the trend and the baseline; default the engine's name (rules, vlm, ...).
    label: str | None = None
    ingest: IngestJob  # render, OCR and extraction settings: the production ones


@dataclass(frozen=True)
class EvalOutcome:
    run_id: int
    label: str
    engine_version: str
    metrics: Metrics
    regressed: list[str]
    report_html: Path
    metrics_json: Path
    failed_documents: list[dict[str, str]]


def _page_price(extraction: ExtractionConfig, endpoint: EndpointConfig | None) -> float | None:
    """Dollars per page on a model server, from the price table; None for CPU-only or unpriced engines."""
    price = extraction.prices.get(endpoint.model) if endpoint is not None else None
    return price.gpu_hour_price / price.pages_per_hour if price is not None else None


def _predictions(
    db: Database, blobs: BlobStore, label: str, extraction: ExtractionConfig
) -> tuple[dict[str, Prediction], dict[str, bytes]]:
    uses_models = extraction.resolved_engine == "vlm"
    small_price = _page_price(extraction, extraction.small) if uses_models else None
    large_price = _page_price(extraction, extraction.large) if uses_models else None
    predictions: dict[str, Prediction] = {}
    thumbnails: dict[str, bytes] = {}
    with db.session() as session:
        for document in session.scalars(select(Document)):
            rows = list(session.scalars(select(Extraction).where(Extraction.document_id == document.id)))
            merged = next((row for row in rows if row.page_number is None), None)
            if merged is None:
                continue
            pages = [row for row in rows if row.page_number is not None]
            escalated = sum(row.escalated for row in pages)
            # Every page pays the small model; escalated pages pay the large one too.
            cost = (
                None if small_price is None else len(pages) * small_price + escalated * (large_price or 0.0)
            )
            stats = PageStats(
                pages=len(pages),
                escalated_pages=escalated,
                tokens_in=sum(row.tokens_in for row in pages),
                tokens_out=sum(row.tokens_out for row in pages),
                latency_s=sum(row.latency_s for row in pages),
                cost_usd=cost,
            )
            fields = {name: ExtractedField.model_validate(value) for name, value in merged.fields.items()}
            predictions[document.filename] = prediction_from_extracted(fields, engine=label, stats=stats)
            first_page = session.scalar(select(Page).where(Page.document_id == document.id, Page.number == 1))
            if first_page is not None:
                thumbnails[document.filename] = blobs.get(first_page.thumbnail_key)
    return predictions, thumbnails


def _history_and_baseline(
    results: Database, engine: str, split: str, goldset: str, variant: Variant
) -> tuple[list[RunSummary], Metrics | None]:
    """Past runs of this engine on the same split of the same golden set and variant, and the baseline."""
    with results.session() as session:
        rows = session.scalars(
            select(EvalRun).where(EvalRun.engine == engine, EvalRun.split == split).order_by(EvalRun.id)
        )
        runs = [(row.created_at, row.accepted, Metrics.model_validate(row.metrics)) for row in rows]
    # A run recorded before golden sets had names (goldset None) is compared as it always was.
    same = [
        (created, accepted, metrics)
        for created, accepted, metrics in runs
        if metrics.goldset is None or (metrics.goldset, metrics.variant) == (goldset, variant)
    ]
    history = [metrics.summary(created.strftime("%Y-%m-%d %H:%M")) for created, _, metrics in same]
    accepted = [metrics for _, was_accepted, metrics in same if was_accepted]
    return history, accepted[-1] if accepted else None


def run_eval(job: EvalJob) -> EvalOutcome:
    gold = golden_split(job.goldset_dir, job.variant, job.split, job.scans_cache_dir, job.scan_seed)
    ingest = golden_ingest_job(job.ingest, gold, job.work_dir)
    context = build_context(ingest)
    try:
        if context.engine is None:
            raise ValueError("extraction is switched off (extraction.engine = none): nothing to score")
        # The cascade production runs: its threshold from the production database's newest calibration
        # (build_context read the eval's own, empty, database), so the scores are those of what runs.
        production = open_database(job.results_database_url)
        try:
            apply_threshold(context.engine, production, job.ingest.extraction.threshold_override)
        finally:
            production.dispose()
        label, engine_version = job.label or context.engine.name, context.engine.version
        tally = run_ingest(context, ingest, in_flight(context, ingest.documents_in_flight))
        predictions, thumbnails = _predictions(context.db, context.blobs, label, ingest.extraction)
    finally:
        context.close()
        context.db.dispose()

    metrics = score(predictions, gold, engine=label)
    metrics.goldset_hash = goldset_hash(job.goldset_dir)
    metrics.goldset, metrics.variant = job.goldset_name, job.variant
    metrics.engine_version = engine_version  # names the threshold the cascade ran with
    split = job.split or "all"
    results = open_database(job.results_database_url)
    try:
        history, baseline = _history_and_baseline(results, label, split, job.goldset_name, job.variant)
        regressed = regressed_fields(metrics, baseline) if baseline is not None else []
        with results.session() as session:
            run = EvalRun(
                engine=label,
                engine_version=engine_version,
                split=split,
                goldset=job.goldset_name,
                variant=job.variant,
                goldset_hash=metrics.goldset_hash,
                documents=metrics.documents,
                micro_f1=metrics.micro_f1,
                macro_f1=metrics.macro_f1,
                clause_macro_f1=metrics.clause_macro_f1,
                metrics=metrics.model_dump(mode="json"),
                report_dir=str(job.out_dir.resolve()),
                accepted=job.accept,
                regressed_fields=regressed,
            )
            session.add(run)
            session.flush()
            run_id = run.id
    finally:
        results.dispose()
    html, metrics_json = write_report(
        metrics,
        job.out_dir,
        history=history,
        wrong_answers=collect_wrong_answers(metrics, thumbnails),
        goldset_hash=metrics.goldset_hash,
        engine=label,
    )
    return EvalOutcome(run_id, label, engine_version, metrics, regressed, html, metrics_json, tally.failures)
