"""The extract stage: the engine reads the pages that need it, the pages merge into one record.

Pages already read at this version are kept, so a run after a transient failure (the model endpoint
down) asks the engine for exactly the pages that failed, and nothing else.
"""

from __future__ import annotations

from extractors.engines.base import PageInput
from extractors.merge import merge_pages
from pipeline.context import IngestContext
from pipeline.page_images import PageImages
from schemas.introspect import list_fields, presence_fields
from schemas.results import DocumentExtraction, PageExtraction
from storage.db.pages import StoredPage, load_page_results, store_extraction


def extract(
    ctx: IngestContext,
    document_id: int,
    pages: list[StoredPage],
    images: PageImages,
    version: str,
    *,
    keep_earlier: bool,
) -> DocumentExtraction:
    """Extract, merge and store. `keep_earlier`: reuse this version's page results that need no redo
    (false when the pages themselves were just rendered or read again, or a retry was asked for)."""
    assert ctx.engine is not None
    earlier = _reusable(load_page_results(ctx.db, document_id, version)) if keep_earlier else {}
    todo = [page for page in pages if page.number not in earlier]
    inputs = [
        PageInput(number=page.number, image_jpeg=images.jpeg(page.number), ocr=page.ocr) for page in todo
    ]
    fresh = ctx.run_async(ctx.engine.extract_pages(inputs)) if inputs else []
    results = sorted([*earlier.values(), *fresh], key=lambda result: result.page)
    merged = merge_pages(
        results, list_fields(ctx.schema), ctx.max_failed_page_share, presence_fields(ctx.schema)
    )
    store_extraction(ctx.db, document_id, merged, ctx.engine.name, version)
    return merged


def _reusable(results: dict[int, PageExtraction]) -> dict[int, PageExtraction]:
    return {number: result for number, result in results.items() if not result.redo}
