"""The search-quality run: a golden set's split indexed the production way, its query set asked, scored.

The split's documents go through the real ingest (render, OCR, index) into a data home of their own,
with extraction off: search is scored on what the pages say, not on what an engine extracted. Every
query is then asked through `search_pages` as a lawyer of the golden matter, once with all channels
(fused) and once per channel alone, and the rankings are scored (goldset.search_metrics). The run is
stored with its trend and regression gate, as extraction runs are.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select

from goldset.labels import GoldDocument
from goldset.queries import SearchQuery, load_queries, page_item, queries_hash, queries_path
from goldset.search_metrics import RankedResult, SearchMetrics, regressed_metrics, score_rankings
from goldset.search_report import write_search_report
from goldset.sets import Variant
from pipeline.golden_ingest import GOLDEN_MATTER, golden_ingest_job, golden_split, in_flight
from pipeline.ingest import run_ingest
from pipeline.ingest_setup import IngestJob, build_context
from retrieval.encoder import PageEncoder
from retrieval.index import IndexConfig
from retrieval.index.base import CHANNELS, VISUAL
from retrieval.owner import IndexOwner
from retrieval.relevance import Ranked, load_calibration
from retrieval.search import SearchResult, search_pages
from storage.db import Database, SearchEvalRun, open_database
from storage.db.access import add_user, principal

FUSED = "fused"
DEPTH = 10  # documents asked per query: nDCG@10 and recall@10 need ten
_EVALUATOR = "search-eval"  # the lawyer of the golden matter the queries are asked as


class SearchEvalJob(BaseModel):
    goldset_dir: Path
    goldset_name: str
    split: str | None = "test"
    variant: Variant = "scanned"
    out_dir: Path
    work_dir: Path  # the run's own data home (database, blobs, index); emptied at the start
    scans_cache_dir: Path
    scan_seed: int = 0
    results_database_url: str  # where search eval runs are recorded: the trend and the baseline
    accept: bool = False
    ingest: IngestJob  # render, OCR and embedder settings: the production ones (extraction is turned off)


@dataclass(frozen=True)
class SearchEvalOutcome:
    run_id: int
    metrics: dict[str, SearchMetrics]  # fused, then each channel alone
    regressed: list[str]
    report_html: Path
    metrics_json: Path
    failed_documents: list[dict[str, str]]
    # Per query, (best passage cosine, relevant?) of each document the fused search returned, in order:
    # what retrieval.relevance.fit_calibration fits on (dev split only).
    cosine_rankings: list[Ranked]
    text_version: str  # the text encoder the cosines come from: the calibration is fitted for it


def _ranked(result: SearchResult, names: Mapping[str, str]) -> RankedResult:
    """The result in the query set's names: a scanned copy (`x.tif`) answers for its document (`x.pdf`)."""

    def name(file: str) -> str:
        return names.get(Path(file).stem, file)

    files = [name(document["file"]) for document in result.documents]
    pages = [page_item(name(d["file"]), p["page"]) for d in result.documents for p in d["pages"]]
    top = result.documents[0]["relevance"] if result.documents else None
    return RankedResult(documents=files, pages=pages, answered=result.answered is not False, top_score=top)


def _cosine_ranking(result: SearchResult, query: SearchQuery) -> Ranked:
    relevant = {Path(r.document).stem for r in query.relevant}
    return [
        (cosine, Path(document["file"]).stem in relevant)
        for document, cosine in zip(result.documents, result.cosines, strict=True)
        if cosine is not None
    ]


def _in_corpus(queries: list[SearchQuery], gold: list[GoldDocument]) -> list[SearchQuery]:
    """The queries with relevance narrowed to the indexed documents (an external set may hold fewer),
    matched by file stem as labels are (a scanned copy keeps its document's stem). A query whose
    relevant documents are all outside the corpus is dropped: it must not turn into an unanswerable one."""
    stems = {Path(document.document).stem for document in gold}
    kept = []
    for query in queries:
        inside = [r for r in query.relevant if Path(r.document).stem in stems]
        if inside or not query.relevant:
            kept.append(query.model_copy(update={"relevant": inside}))
    return kept


def _ask_all(
    db: Database, index: IndexConfig, encoder: PageEncoder, queries: list[SearchQuery]
) -> tuple[dict[str, dict[str, RankedResult]], list[Ranked]]:
    channels = [name for name in CHANNELS if name != VISUAL or encoder.visual]
    runs: dict[str, set[str]] = {FUSED: set(channels), **{name: {name} for name in channels}}
    add_user(db, _EVALUATOR, "lawyer", [GOLDEN_MATTER])
    who = principal(db, _EVALUATOR)
    rankings: dict[str, dict[str, RankedResult]] = {name: {} for name in runs}
    names = {Path(r.document).stem: r.document for query in queries for r in query.relevant}
    cosines: list[Ranked] = []
    calibration = load_calibration(encoder.text_version)  # the packaged one: the floor being scored
    with IndexOwner(db, index) as owner:
        owner.take(wait_s=30)
        for query in queries:
            for name, only in runs.items():
                result = search_pages(
                    db,
                    owner,
                    encoder,
                    who,
                    query.text,
                    limit=DEPTH,
                    client="search-eval",
                    channels=only,
                    calibration=calibration,
                )
                rankings[name][query.id] = _ranked(result, names)
                if name == FUSED:  # unanswerable queries too: their first document is the floor's negative
                    cosines.append(_cosine_ranking(result, query))
    return rankings, cosines


def _baseline(results: Database, job: SearchEvalJob, split: str) -> tuple[list[dict[str, Any]], Any]:
    with results.session() as session:
        rows = list(
            session.scalars(
                select(SearchEvalRun)
                .where(
                    SearchEvalRun.goldset == job.goldset_name,
                    SearchEvalRun.split == split,
                    SearchEvalRun.variant == job.variant,
                )
                .order_by(SearchEvalRun.id)
            )
        )
        history = [
            {"when": row.created_at.strftime("%Y-%m-%d %H:%M"), "ndcg_at_5": row.ndcg_at_5} for row in rows
        ]
        accepted = [row for row in rows if row.accepted]
        baseline = SearchMetrics.model_validate(accepted[-1].metrics[FUSED]) if accepted else None
    return history, baseline


def run_search_eval(job: SearchEvalJob) -> SearchEvalOutcome:
    found = queries_path(job.goldset_dir)
    if found is None:
        raise ValueError(f"the golden set at {job.goldset_dir} has no query set (queries.jsonl)")
    gold = golden_split(job.goldset_dir, job.variant, job.split, job.scans_cache_dir, job.scan_seed)
    queries = _in_corpus(load_queries(found, split=job.split), gold)
    if not queries:
        raise ValueError(f"the query set {found} has no queries in split {job.split!r}")
    ingest = golden_ingest_job(job.ingest, gold, job.work_dir)
    index = IndexConfig(backend="embedded", path=(job.work_dir / "index").resolve())
    ingest = ingest.model_copy(
        update={"index": index, "extraction": ingest.extraction.model_copy(update={"engine": "none"})}
    )
    context = build_context(ingest)
    try:
        tally = run_ingest(context, ingest, in_flight(context, ingest.documents_in_flight))
        assert context.indexer is not None  # the job names an index
        encoder = context.indexer.encoder
        rankings, cosines = _ask_all(context.db, index, encoder, queries)
    finally:
        context.close()
        context.db.dispose()
    metrics = {name: score_rankings(queries, ranked) for name, ranked in rankings.items()}
    fused = metrics[FUSED]
    split = job.split or "all"
    results = open_database(job.results_database_url)
    try:
        history, baseline = _baseline(results, job, split)
        regressed = regressed_metrics(fused, baseline) if baseline is not None else []
        with results.session() as session:
            run = SearchEvalRun(
                goldset=job.goldset_name,
                split=split,
                variant=job.variant,
                encoder_version=encoder.version,
                queries_hash=queries_hash(found),
                queries=len(queries),
                documents=len(gold),
                ndcg_at_5=fused.documents.ndcg_at_5.mean if fused.documents is not None else None,
                metrics={name: m.model_dump(mode="json") for name, m in metrics.items()},
                report_dir=str(job.out_dir.resolve()),
                accepted=job.accept,
                regressed_metrics=regressed,
            )
            session.add(run)
            session.flush()
            run_id = run.id
    finally:
        results.dispose()
    html, metrics_json = write_search_report(
        metrics,
        job.out_dir,
        goldset=job.goldset_name,
        split=split,
        variant=job.variant,
        encoder=encoder.version,
        history=history,
        regressed=regressed,
    )
    return SearchEvalOutcome(
        run_id, metrics, regressed, html, metrics_json, tally.failures, cosines, encoder.text_version
    )
