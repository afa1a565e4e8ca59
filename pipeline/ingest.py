"""The ingest run as plain functions: discover, then each document's missing or stale stages.

`flows.ingest_flow` wraps these in a Prefect flow; tests call them directly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from pipeline.context import IngestContext
from pipeline.discovery import DiscoveredDocument, discover_documents
from pipeline.document import DocumentOutcome, process_document
from pipeline.ingest_setup import IngestJob
from pipeline.runs import RunTally, finish, record_item
from pipeline.versions import chain, own_versions
from storage.db.models import Stage
from storage.db.runs import (
    claim_document,
    heartbeat,
    mark_crashed_runs,
    record_run_item,
    release_document,
    start_run,
)

# How documents are spread: (run id, stage versions, documents) -> their outcomes, in any order. Plain
# data only, so the Prefect flow can send documents to other processes (Dask); plain runs go one by one.
DocumentMapper = Callable[[int, dict[Stage, str], Sequence[DiscoveredDocument]], Iterable[DocumentOutcome]]


def current_versions(ctx: IngestContext) -> dict[Stage, str]:
    engine_version = ctx.engine.version if ctx.engine is not None else None
    index_version = ctx.indexer.version if ctx.indexer is not None else None
    return chain(own_versions(ctx.render, ctx.ocr, engine_version, index_version=index_version))


def _unique(found: Sequence[DiscoveredDocument]) -> list[DiscoveredDocument]:
    """One entry per document: the same bytes under two names in one matter are processed once."""
    seen: dict[int, DiscoveredDocument] = {}
    for item in found:
        seen.setdefault(item.document_id, item)
    return list(seen.values())


def handle_document(
    ctx: IngestContext, run_id: int, versions: dict[Stage, str], item: DiscoveredDocument
) -> DocumentOutcome:
    """Claim, process, release and record one document (the run's tally counts the returned outcome)."""
    if not claim_document(ctx.db, item.document_id, run_id, ctx.lease):
        # Another live run is working on it right now; it will record the result.
        outcome = DocumentOutcome(item.document_id, "skipped")
    else:
        try:
            outcome = process_document(ctx, item.document_id, versions)
        finally:
            release_document(ctx.db, item.document_id, run_id)
    record_run_item(
        ctx.db,
        run_id,
        source_uri=item.source_uri,
        outcome=outcome.outcome,
        document_id=item.document_id,
        error=outcome.error,
    )
    heartbeat(ctx.db, run_id)
    ctx.progress("documents", 1)
    return outcome


def run_ingest(ctx: IngestContext, job: IngestJob, map_documents: DocumentMapper | None = None) -> RunTally:
    mark_crashed_runs(ctx.db, stale_after=ctx.lease)
    tally = RunTally(start_run(ctx.db, "ingest", job.sources, job.requested_at))
    try:
        found, failures = discover_documents(
            ctx.db,
            ctx.blobs,
            job.sources,
            matter=job.matter,
            s3_endpoint_url=ctx.s3_endpoint_url,
            s3_region=ctx.s3_region,
            follow_links=job.follow_links,
        )
        for failure in failures:
            record_item(
                ctx.db,
                tally,
                source_uri=failure.source_uri,
                outcome="failed",
                document_id=None,
                error=failure.reason,
            )
        documents = _unique(found)
        ctx.progress("discovered", len(documents))
        versions = current_versions(ctx)

        def sequential(
            run_id: int, versions: dict[Stage, str], items: Sequence[DiscoveredDocument]
        ) -> list[DocumentOutcome]:
            return [handle_document(ctx, run_id, versions, item) for item in items]

        sources = {item.document_id: item.source_uri for item in documents}
        for outcome in (map_documents or sequential)(tally.run_id, versions, documents):
            tally.add(outcome.outcome, outcome.pages, _failure(sources[outcome.document_id], outcome))
        if ctx.indexer is not None:
            ctx.indexer.publish()  # take the index and apply the run's updates, unless the server holds it
    except BaseException as error:
        finish(ctx.db, tally, error=f"{type(error).__name__}: {error}")
        raise
    finish(ctx.db, tally)
    return tally


def _failure(source: str, outcome: DocumentOutcome) -> dict[str, object] | None:
    """The summary's entry for a document that did not come through whole: why, and which pages."""
    if outcome.outcome not in ("failed", "partial"):
        return None
    entry: dict[str, object] = {
        "source": source,
        "document": outcome.document_id,
        "status": outcome.outcome,
        "error": outcome.error or "no reason recorded",
    }
    if outcome.failed_pages:
        entry["pages"] = outcome.failed_pages
    return entry
