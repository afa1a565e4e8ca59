"""Rebuilding the index from the database and the blobs: every OCR'd document's pages embedded again."""

from __future__ import annotations

from sqlalchemy import select

from pipeline.context import IngestContext
from pipeline.document import indexable_from_store
from pipeline.ingest import current_versions
from pipeline.runs import RunTally, finish, record_item
from pipeline.stages.index import index_document
from schemas.status import Status
from storage.db import Document, Matter, StageState
from storage.db.models import Stage
from storage.db.runs import claim_document, release_document, start_run


def _documents(ctx: IngestContext, matter: str | None) -> list[tuple[int, str, str]]:
    """(id, matter, first source) of every document whose OCR is done, the only input the index needs."""
    with ctx.db.session() as session:
        query = (
            select(Document.id, Matter.name, Document.filename)
            .join(Matter)
            .join(StageState, (StageState.document_id == Document.id) & (StageState.stage == Stage.ocr))
            .where(StageState.status == Status.ok)
            .order_by(Document.id)
        )
        if matter is not None:
            query = query.where(Matter.name == matter)
        return [tuple(row) for row in session.execute(query)]  # type: ignore[misc]


def reindex(ctx: IngestContext, matter: str | None = None) -> RunTally:
    """Index every document again, each replacing its own points (recorded as a `reindex` run).

    Documents are replaced one by one rather than the index cleared first: searches keep working during
    the rebuild, and a document an ingest run holds right now (skipped here) keeps its points.
    """
    if ctx.indexer is None:
        raise ValueError("reindex needs an index configured")
    versions = current_versions(ctx)
    tally = RunTally(start_run(ctx.db, "reindex", [matter or "*"]))
    documents = _documents(ctx, matter)
    for document_id, name, filename in documents:
        source = f"{name}/{filename}"
        if not claim_document(ctx.db, document_id, tally.run_id, ctx.lease):
            record_item(ctx.db, tally, source_uri=source, outcome="skipped", document_id=document_id)
            continue
        try:
            index_document(ctx, indexable_from_store(ctx, document_id), versions[Stage.index])
            record_item(ctx.db, tally, source_uri=source, outcome="updated", document_id=document_id)
        except Exception as error:
            reason = f"index failed: {type(error).__name__}: {error}"
            record_item(
                ctx.db, tally, source_uri=source, outcome="failed", document_id=document_id, error=reason
            )
        finally:
            release_document(ctx.db, document_id, tally.run_id)
    ctx.indexer.publish()
    finish(ctx.db, tally)
    return tally
