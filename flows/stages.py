"""Processing one document: each stage that is missing or out of date, and nothing else.

Every stage writes its blobs first and then, in ONE transaction, its rows together with its stage state.
A process killed at any moment therefore leaves either the old state or the new one: never a document
marked done with pages missing. Blob keys are deterministic, so a re-run overwrites what a dead run left.
"""

from __future__ import annotations

import hashlib
import tempfile
import threading
from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from PIL import Image
from sqlalchemy import delete, select

from extractors.engines.base import PageInput
from extractors.errors import BadDocument
from extractors.merge import merge_pages
from extractors.ocr import CachedPage, OcrCacheKey, engine_version, ocr_image_file
from extractors.orientation import apply_upright, make_upright
from extractors.render import encode_jpeg, probe, render_pages, thumbnail_jpeg
from flows.context import IngestContext
from flows.versions import STAGE_ORDER
from schemas.introspect import list_fields
from schemas.ocr import OcrWord, PageOcr
from schemas.results import DocumentExtraction
from storage.db import Document, Extraction, Page, StageState
from storage.db.models import DocumentStatus, Stage, utcnow


@dataclass(frozen=True)
class DocumentOutcome:
    document_id: int
    outcome: str  # new | updated | skipped | failed
    pages: int = 0
    error: str | None = None


@dataclass(frozen=True)
class PageRecord:
    number: int
    image_key: str
    thumbnail_key: str
    rotation: int
    skew: float
    ocr: PageOcr


def stages_to_run(
    states: dict[str, StageState], versions: dict[Stage, str], retry_requested: bool
) -> tuple[list[Stage], StageState | None]:
    """The stages to redo, from the first missing or stale one on; and a standing permanent failure."""
    for stage in STAGE_ORDER:
        if stage not in versions:
            continue
        state = states.get(stage)
        if state is not None and state.version == versions[stage]:
            if state.status == "failed":
                if retry_requested:
                    return [s for s in STAGE_ORDER[STAGE_ORDER.index(stage) :] if s in versions], None
                return [], state
            continue
        return [s for s in STAGE_ORDER[STAGE_ORDER.index(stage) :] if s in versions], None
    return [], None


def _page_keys(sha256: str, render_version: str, number: int) -> tuple[str, str]:
    digest = hashlib.sha256(render_version.encode()).hexdigest()[:12]
    return (
        f"pages/{sha256[:2]}/{sha256}/{digest}/{number:04d}.jpg",
        f"thumbnails/{sha256[:2]}/{sha256}/{digest}/{number:04d}.jpg",
    )


@contextmanager
def _as_file(ctx: IngestContext, key: str, suffix: str) -> Iterator[Path]:
    """A filesystem path for a blob: the blob itself when the store is local, else a temporary copy."""
    local = ctx.blobs.local_path(key)
    if local is not None:
        yield local
        return
    with tempfile.NamedTemporaryFile(suffix=suffix) as handle:
        handle.write(ctx.blobs.get(key))
        handle.flush()
        yield Path(handle.name)


@contextmanager
def _original_file(ctx: IngestContext, document: Document) -> Iterator[Path]:
    """The original under its own file name: the renderer names the type from it in its errors."""
    with tempfile.TemporaryDirectory(prefix="abstractor-original-") as folder:
        path = Path(folder) / PurePosixPath(document.filename).name
        local = ctx.blobs.local_path(document.original_key)
        if local is not None:
            path.symlink_to(local)
        else:
            path.write_bytes(ctx.blobs.get(document.original_key))
        yield path


def _ocr_key(ctx: IngestContext, sha256: str, number: int) -> OcrCacheKey:
    return OcrCacheKey(
        sha256=sha256,
        page=number,
        image_version=ctx.render.page_image_version,
        engine_version=engine_version(ctx.ocr),
    )


def _render_page(
    ctx: IngestContext, sha256: str, render_version: str, number: int, image: Image.Image
) -> PageRecord:
    """Upright, store and OCR one rendered page (runs in the CPU-stage pool)."""
    key = _ocr_key(ctx, sha256, number)
    cached = ctx.ocr_cache.get(key)
    if cached is not None:
        upright = apply_upright(image, cached.rotation, cached.skew)
        rotation, skew = cached.rotation, cached.skew
    else:
        upright, rotation, skew = make_upright(image)
    image_key, thumbnail_key = _page_keys(sha256, render_version, number)
    ctx.blobs.put(image_key, encode_jpeg(upright, ctx.render.jpeg_quality), "image/jpeg")
    ctx.blobs.put(
        thumbnail_key,
        thumbnail_jpeg(upright, ctx.render.thumbnail_width, ctx.render.jpeg_quality),
        "image/jpeg",
    )
    if cached is not None:
        ocr = cached.ocr
    else:
        with _as_file(ctx, image_key, ".jpg") as path:
            ocr = ocr_image_file(path, ctx.ocr)
        ctx.ocr_cache.put(key, CachedPage(rotation=rotation, skew=skew, ocr=ocr))
    ctx.progress("pages", 1)
    return PageRecord(number, image_key, thumbnail_key, rotation, skew, ocr)


def _render_and_ocr(ctx: IngestContext, document: Document, render_version: str) -> list[PageRecord]:
    """All pages, rendered in chunks and handed to the pool with a bound on pages held in memory."""
    in_memory = threading.BoundedSemaphore(ctx.pool._max_workers * 2)
    futures: list[Future[PageRecord]] = []
    with _original_file(ctx, document) as path:
        info = probe(path, ctx.render)
        document.kind, document.page_count = info.kind, info.page_count
        try:
            for number, image in render_pages(path, ctx.render):
                in_memory.acquire()
                future = ctx.pool.submit(_render_page, ctx, document.sha256, render_version, number, image)
                future.add_done_callback(lambda _done: in_memory.release())
                futures.append(future)
        finally:
            # Wait for every submitted page, even when rendering failed part-way, so no thread is
            # still writing blobs for this document when the caller records the failure.
            pages = [future.result() for future in futures]
    return pages


def _reocr(ctx: IngestContext, pages: list[Page]) -> list[PageRecord]:
    """OCR again from the stored upright images (a new tesseract; the rendering is still current)."""

    def one(page: Page) -> PageRecord:
        with _as_file(ctx, page.image_key, ".jpg") as path:
            ocr = ocr_image_file(path, ctx.ocr)
        ctx.progress("pages", 1)
        return PageRecord(
            page.number, page.image_key, page.thumbnail_key, page.rotation_applied, page.skew_corrected, ocr
        )

    return list(ctx.pool.map(one, pages))


def _set_state(session, document_id: int, stage: Stage, version: str, status: str = "done") -> None:
    state = session.scalar(
        select(StageState).where(StageState.document_id == document_id, StageState.stage == stage)
    )
    if state is None:
        session.add(StageState(document_id=document_id, stage=stage, version=version, status=status))
    else:
        state.version, state.status, state.completed_at = version, status, utcnow()


def _store_pages(
    ctx: IngestContext,
    document_id: int,
    records: list[PageRecord],
    versions: dict[Stage, str],
    *,
    rendered: bool,
    kind: str | None,
) -> None:
    with ctx.db.session() as session:
        document = session.get_one(Document, document_id)
        if rendered:
            session.execute(delete(Page).where(Page.document_id == document_id))
            session.flush()
            for record in records:
                session.add(
                    Page(
                        document_id=document_id,
                        number=record.number,
                        image_key=record.image_key,
                        thumbnail_key=record.thumbnail_key,
                        width=record.ocr.width,
                        height=record.ocr.height,
                        rotation_applied=record.rotation,
                        skew_corrected=record.skew,
                    )
                )
            session.flush()
            document.kind, document.page_count = kind, len(records)
            _set_state(session, document_id, Stage.render, versions[Stage.render])
        by_number = {
            page.number: page for page in session.scalars(select(Page).where(Page.document_id == document_id))
        }
        for record in records:
            page = by_number[record.number]
            page.ocr_words = [word.model_dump() for word in record.ocr.words]
            page.ocr_text = record.ocr.text
            page.ocr_version = record.ocr.engine_version
            page.status = "ocr_done"
        _set_state(session, document_id, Stage.ocr, versions[Stage.ocr])


def _page_inputs(ctx: IngestContext, pages: list[Page]) -> list[PageInput]:
    inputs = []
    for page in pages:
        ocr = PageOcr(
            width=page.width,
            height=page.height,
            engine_version=page.ocr_version or "",
            words=[OcrWord.model_validate(word) for word in page.ocr_words or []],
        )
        inputs.append(PageInput(number=page.number, image_jpeg=ctx.blobs.get(page.image_key), ocr=ocr))
    return inputs


def _store_extraction(ctx: IngestContext, document_id: int, result: DocumentExtraction, version: str) -> None:
    engine = ctx.engine
    assert engine is not None
    with ctx.db.session() as session:
        session.execute(delete(Extraction).where(Extraction.document_id == document_id))
        for page in result.pages:
            session.add(
                Extraction(
                    document_id=document_id,
                    page_number=page.page,
                    engine=page.engine,
                    model=page.model,
                    version=version,
                    status=page.status,
                    fields={name: field.model_dump(mode="json") for name, field in page.fields.items()},
                    confidence=page.confidence,
                    tokens_in=page.tokens_in,
                    tokens_out=page.tokens_out,
                    latency_s=page.latency_s,
                    escalated=page.escalated,
                    escalation_reason=page.escalation_reason,
                    needs_review=page.needs_review,
                    errors=page.errors,
                )
            )
        confidences = [field.confidence for field in result.fields.values()]
        session.add(
            Extraction(
                document_id=document_id,
                page_number=None,
                engine=engine.name,
                model=",".join(sorted({page.model for page in result.pages})) or engine.name,
                version=version,
                status="needs_review" if result.needs_review else "ok",
                fields={name: field.model_dump(mode="json") for name, field in result.fields.items()},
                confidence=min(confidences, default=0.0),
                tokens_in=sum(page.tokens_in for page in result.pages),
                tokens_out=sum(page.tokens_out for page in result.pages),
                latency_s=sum(page.latency_s for page in result.pages),
                escalated=any(page.escalated for page in result.pages),
                needs_review=result.needs_review,
            )
        )
        _set_state(session, document_id, Stage.extract, version)
        document = session.get_one(Document, document_id)
        document.status = DocumentStatus.needs_review if result.needs_review else DocumentStatus.pending


def _extract(ctx: IngestContext, document_id: int, version: str) -> None:
    assert ctx.engine is not None
    with ctx.db.session() as session:
        query = select(Page).where(Page.document_id == document_id).order_by(Page.number)
        pages = list(session.scalars(query))
    inputs = _page_inputs(ctx, pages)
    page_results = ctx.run_async(ctx.engine.extract_pages(inputs))
    _store_extraction(ctx, document_id, merge_pages(page_results, list_fields(ctx.schema)), version)


def index_document(ctx: IngestContext, document_id: int, version: str) -> None:
    """Embed the pages (outside any transaction), then the index update and the stage state in one."""
    assert ctx.indexer is not None
    points = ctx.indexer.points(ctx.db, ctx.blobs, document_id)
    with ctx.db.session() as session:
        ctx.indexer.updates.replace_document(session, str(document_id), points)
        _set_state(session, document_id, Stage.index, version)


def _record_failure(
    ctx: IngestContext, document_id: int, reason: str, stage: Stage | None, version: str | None
) -> None:
    with ctx.db.session() as session:
        document = session.get_one(Document, document_id)
        document.status = DocumentStatus.failed
        document.error = reason
        document.retry_requested = False
        if stage is not None and version is not None:
            _set_state(session, document_id, stage, version, status="failed")


def _finish(ctx: IngestContext, document_id: int) -> None:
    with ctx.db.session() as session:
        document = session.get_one(Document, document_id)
        if document.status != DocumentStatus.needs_review:
            document.status = DocumentStatus.done
        document.error = None
        document.retry_requested = False


def process_document(ctx: IngestContext, document_id: int, versions: dict[Stage, str]) -> DocumentOutcome:
    """Run the missing or stale stages of one document. Failures are returned, never raised."""
    with ctx.db.session() as session:
        document = session.get_one(Document, document_id)
        states = {state.stage: state for state in document.stages}
        todo, standing_failure = stages_to_run(states, versions, document.retry_requested)
        done_before = any(state.status == "done" for state in states.values())
        page_count = document.page_count or 0
    if standing_failure is not None:
        return DocumentOutcome(document_id, "failed", error=document.error)
    if not todo:
        return DocumentOutcome(document_id, "skipped")
    outcome = "updated" if done_before else "new"
    current: Stage | None = None
    try:
        if Stage.render in todo:
            current = Stage.render
            records = _render_and_ocr(ctx, document, versions[Stage.render])
            _store_pages(ctx, document_id, records, versions, rendered=True, kind=document.kind)
            page_count = len(records)
        elif Stage.ocr in todo:
            current = Stage.ocr
            with ctx.db.session() as session:
                pages = list(session.scalars(select(Page).where(Page.document_id == document_id)))
            _store_pages(ctx, document_id, _reocr(ctx, pages), versions, rendered=False, kind=document.kind)
        if Stage.extract in todo:
            current = Stage.extract
            with ctx.extract_slot():
                _extract(ctx, document_id, versions[Stage.extract])
        if Stage.index in todo:
            current = Stage.index
            index_document(ctx, document_id, versions[Stage.index])
        _finish(ctx, document_id)
    except BadDocument as error:
        # The input itself is bad: recorded for good at this version, not retried every night.
        _record_failure(ctx, document_id, error.reason, current, versions.get(current) if current else None)
        return DocumentOutcome(document_id, "failed", error=error.reason)
    except Exception as error:
        reason = f"{current or 'processing'} failed: {type(error).__name__}: {error}"
        _record_failure(ctx, document_id, reason, None, None)
        return DocumentOutcome(document_id, "failed", error=reason)
    return DocumentOutcome(document_id, outcome, pages=page_count)
