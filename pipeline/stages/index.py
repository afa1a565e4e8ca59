"""The index stage: the document's pages embedded and put in the index, from what the run holds."""

from __future__ import annotations

from pipeline.context import IngestContext
from retrieval.indexer import IndexableDocument
from storage.db.documents import set_stage_state
from storage.db.models import Stage


def index_document(ctx: IngestContext, document: IndexableDocument, version: str) -> None:
    """Embed the pages (outside any transaction), then the index update and the stage state in one."""
    assert ctx.indexer is not None
    points = ctx.indexer.points(document)
    with ctx.db.session() as session:
        ctx.indexer.updates.replace_document(session, str(document.id), points)
        set_stage_state(session, document.id, Stage.index, version)
