"""Processing one document: each stage that is missing, stale or unfinished, and nothing else.

What one stage produces (page images, OCR words, the merged fields) is handed to the next in memory;
the database is read only for what an earlier run left.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from extractors.errors import BadDocument
from pipeline.context import IngestContext
from pipeline.page_images import PageImages
from pipeline.stages.extract import extract
from pipeline.stages.index import index_document
from pipeline.stages.plan import stages_to_run
from pipeline.stages.render import render_and_ocr, reocr
from retrieval.indexer import IndexableDocument, IndexablePage
from schemas.status import Status
from storage.db.documents import DocumentWork, finish_document, load_work, record_failure
from storage.db.models import Stage
from storage.db.pages import StoredPage, load_pages, store_ocr, store_rendered_pages
from storage.db.queries import merged_fields


@dataclass(frozen=True)
class DocumentOutcome:
    document_id: int
    outcome: str  # one of pipeline.runs.OUTCOMES: new | updated | skipped | partial | failed
    pages: int = 0
    error: str | None = None
    failed_pages: list[int] = field(default_factory=list)


def _outcome(before: DocumentWork, after: DocumentWork, pages: int) -> DocumentOutcome:
    if after.status in (Status.failed, Status.partial):
        return DocumentOutcome(before.id, after.status, pages, after.error, after.failed_pages)
    return DocumentOutcome(before.id, "updated" if before.processed_before else "new", pages)


def process_document(ctx: IngestContext, document_id: int, versions: dict[Stage, str]) -> DocumentOutcome:
    """Run the document's stages that need it. Failures are returned as outcomes, never raised."""
    work = load_work(ctx.db, document_id)
    todo, standing = stages_to_run(work.stages, versions, work.retry_requested)
    if standing is not None:
        outcome = "partial" if standing.status is Status.partial else "failed"
        return DocumentOutcome(document_id, outcome, error=work.error)
    if not todo:
        return DocumentOutcome(document_id, "skipped")
    current: Stage | None = None
    fields: dict | None = None  # the merged fields, once this run extracted them
    try:
        pages, images = _pages_for(ctx, work, todo)
        for current in todo:
            if current is Stage.render:
                rendering = render_and_ocr(ctx, work, versions[Stage.render], images)
                pages = rendering.pages
                store_rendered_pages(
                    ctx.db, document_id, pages, rendering.kind, (versions[Stage.render], versions[Stage.ocr])
                )
            elif current is Stage.ocr and Stage.render not in todo:
                pages = reocr(ctx, work, pages, images)
                store_ocr(ctx.db, document_id, pages, versions[Stage.ocr])
            elif current is Stage.extract:
                with ctx.extract_slot():
                    result = extract(
                        ctx,
                        document_id,
                        pages,
                        images,
                        versions[Stage.extract],
                        keep_earlier=Stage.ocr not in todo and not work.retry_requested,
                    )
                if result.status is Status.failed:
                    break  # over the error budget: nothing worth indexing; the reason is recorded
                fields = {name: value.model_dump(mode="json") for name, value in result.fields.items()}
            elif current is Stage.index:
                if fields is None:  # extracted by an earlier run
                    fields = merged_fields(ctx.db, [document_id]).get(document_id)
                index_document(ctx, _indexable(work, pages, fields, images), versions[Stage.index])
        finish_document(ctx.db, document_id)
    except BadDocument as error:
        # The input itself is bad: recorded for good at this version, not retried every night.
        at = (current, versions[current]) if current is not None else None
        record_failure(ctx.db, document_id, error.reason, permanent_at=at)
        return DocumentOutcome(document_id, "failed", error=error.reason)
    except Exception as error:
        # Anything else (a tesseract crash, the database, the index) leaves the stage as it was: the
        # next run takes it up again.
        reason = f"{current or 'processing'} failed: {type(error).__name__}: {error}"
        record_failure(ctx.db, document_id, reason)
        return DocumentOutcome(document_id, "failed", error=reason)
    return _outcome(work, load_work(ctx.db, document_id), len(pages))


def _pages_for(
    ctx: IngestContext, work: DocumentWork, todo: list[Stage]
) -> tuple[list[StoredPage], PageImages]:
    """The pages an earlier run stored, unless this run renders them anew."""
    pages = [] if Stage.render in todo else load_pages(ctx.db, work.id)
    return pages, PageImages(ctx.blobs, {page.number: page.image_key for page in pages})


def _indexable(
    work: DocumentWork, pages: list[StoredPage], fields: dict | None, images: PageImages
) -> IndexableDocument:
    return IndexableDocument(
        id=work.id,
        matter=work.matter,
        sha256=work.sha256,
        pages=[IndexablePage(page.number, page.ocr) for page in pages],
        fields=fields,
        image_jpeg=images.jpeg,
    )


def indexable_from_store(ctx: IngestContext, document_id: int) -> IndexableDocument:
    """A document as the index stage needs it, from what earlier runs stored (for a reindex)."""
    work = load_work(ctx.db, document_id)
    pages = load_pages(ctx.db, document_id)
    images = PageImages(ctx.blobs, {page.number: page.image_key for page in pages})
    return _indexable(work, pages, merged_fields(ctx.db, [document_id]).get(document_id), images)
