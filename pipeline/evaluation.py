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

from extractors.engines.base import ExtractionEngine
from extractors.engines.config import ExtractionConfig
from extractors.vlm.cascade import CascadeEngine
from extractors.vlm.client import EndpointConfig
from extractors.vlm.cost import PriceBook, read_throughput
from extractors.vlm.engine import VlmEngine
from goldset.gate import regressed_fields
from goldset.labels import goldset_hash
from goldset.metrics import Metrics, RunSummary
from goldset.page_points import PagePoint
from goldset.report import collect_wrong_answers, write_report
from goldset.score import PageStats, Prediction, prediction_from_extracted, score
from goldset.sets import DEFAULT, Variant
from pipeline.golden_ingest import golden_ingest_job, golden_split, in_flight
from pipeline.ingest import run_ingest
from pipeline.ingest_setup import IngestJob, build_context
from pipeline.page_confidence import collect_page_points, page_calibration
from pipeline.thresholds import apply_calibration
from schemas.results import ExtractedField, PageTry
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
    # The production database's newest calibration (confidence maps, threshold) applied; calibration
    # itself turns it off, to fit on the small model's own scores under its uncalibrated version.
    apply_stored_calibration: bool = True


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
    page_points: list[PagePoint]  # the found page values, scored (goldset.page_points)
    pages_read: int  # the pages extracted, those that found nothing too


def _price_book(extraction: ExtractionConfig) -> PriceBook:
    """The price table and, when configured, the measured pages/hour of the self-hosted models."""
    throughput = read_throughput(extraction.throughput_file) if extraction.throughput_file else {}
    return PriceBook(prices=extraction.prices, throughput=throughput)


def _page_tries(row: Extraction, small: EndpointConfig | None) -> list[PageTry]:
    """The requests that read a page: its stored tries; for a row written before tries were stored (None),
    its summed tokens as one request to the small model (an escalated page's large call is then unknown)."""
    if row.tries is not None:
        return [PageTry.model_validate(attempt) for attempt in row.tries]
    model = small.model if small is not None else row.model
    spent = {"tokens_in": row.tokens_in, "tokens_out": row.tokens_out}
    return [PageTry(model=model, temperature=0.0, max_tokens=0, **spent)]


def _predictions(
    db: Database, blobs: BlobStore, label: str, extraction: ExtractionConfig
) -> tuple[dict[str, Prediction], dict[str, bytes]]:
    # A CPU engine calls no model: its cost is None and it names no unpriced model.
    book = _price_book(extraction) if extraction.resolved_engine == "vlm" else None
    predictions: dict[str, Prediction] = {}
    thumbnails: dict[str, bytes] = {}
    with db.session() as session:
        for document in session.scalars(select(Document)):
            rows = list(session.scalars(select(Extraction).where(Extraction.document_id == document.id)))
            merged = next((row for row in rows if row.page_number is None), None)
            if merged is None:
                continue
            pages = [row for row in rows if row.page_number is not None]
            # Every try is paid: retries, and both models' calls of an escalated page.
            cost = (
                book.page_cost(attempt for row in pages for attempt in _page_tries(row, extraction.small))
                if book is not None
                else None
            )
            stats = PageStats(
                pages=len(pages),
                escalated_pages=sum(row.escalated for row in pages),
                tokens_in=sum(row.tokens_in for row in pages),
                tokens_out=sum(row.tokens_out for row in pages),
                latency_s=sum(row.latency_s for row in pages),
                cost_usd=cost.usd if cost is not None else None,
                unpriced_models=sorted(cost.unpriced) if cost is not None else [],
                cost_estimated=cost is not None and cost.estimated,
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
        # The cascade production runs: the production database's newest calibration (build_context read
        # the eval's own, empty, database), so the scores are those of what runs.
        if job.apply_stored_calibration:
            production = open_database(job.results_database_url)
            try:
                apply_calibration(context.engine, production, job.ingest.extraction.threshold_override)
            finally:
                production.dispose()
        calibration = _calibration_version(context.engine)
        label, engine_version = job.label or context.engine.name, context.engine.version
        tally = run_ingest(context, ingest, in_flight(context, ingest.documents_in_flight))
        predictions, thumbnails = _predictions(context.db, context.blobs, label, ingest.extraction)
        points, pages_read = collect_page_points(context.db, gold)
    finally:
        context.close()
        context.db.dispose()

    metrics = score(predictions, gold, engine=label)
    metrics.goldset_hash = goldset_hash(job.goldset_dir)
    metrics.goldset, metrics.variant = job.goldset_name, job.variant
    metrics.engine_version = engine_version  # names the threshold the cascade ran with
    metrics.page_calibration = page_calibration(points, calibration)
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
    return EvalOutcome(
        run_id,
        label,
        engine_version,
        metrics,
        regressed,
        html,
        metrics_json,
        tally.failures,
        page_points=points,
        pages_read=pages_read,
    )


def _calibration_version(engine: ExtractionEngine) -> str | None:
    """The version of the confidence maps the engine's small model applies, if any."""
    small = engine.small if isinstance(engine, CascadeEngine) else engine
    calibration = small.calibration if isinstance(small, VlmEngine) else None
    return calibration.version if calibration is not None else None
