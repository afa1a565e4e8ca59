"""The page side of the stages: rendered pages with their OCR, and the extraction rows read from them.

Each write is one transaction together with its stage state, so a stage is either wholly recorded at its
new version or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select

from schemas.ocr import OcrWord, PageOcr
from schemas.results import DocumentExtraction, PageExtraction
from schemas.status import FailureKind, Status
from storage.db.documents import set_stage_state
from storage.db.engine import Database
from storage.db.models import Document, Extraction, Page, Stage


@dataclass(frozen=True)
class StoredPage:
    """One upright page image in the blob store, and its OCR."""

    number: int
    image_key: str
    thumbnail_key: str
    rotation: int
    skew: float
    ocr: PageOcr


def store_rendered_pages(
    db: Database,
    document_id: int,
    pages: list[StoredPage],
    kind: str | None,
    versions: tuple[str, str],
) -> None:
    """The render and OCR stages' result: every page replaced, both stage states (render, ocr) set."""
    render_version, ocr_version = versions
    with db.session() as session:
        document = session.get_one(Document, document_id)
        session.execute(delete(Page).where(Page.document_id == document_id))
        session.flush()
        session.add_all(_page_row(document_id, page) for page in pages)
        document.kind, document.page_count = kind, len(pages)
        set_stage_state(session, document_id, Stage.render, render_version)
        set_stage_state(session, document_id, Stage.ocr, ocr_version)


def store_ocr(db: Database, document_id: int, pages: list[StoredPage], ocr_version: str) -> None:
    """The OCR stage alone (a new tesseract over the same renderings)."""
    by_number = {page.number: page for page in pages}
    with db.session() as session:
        for row in session.scalars(select(Page).where(Page.document_id == document_id)):
            _set_ocr(row, by_number[row.number].ocr)
        set_stage_state(session, document_id, Stage.ocr, ocr_version)


def load_pages(db: Database, document_id: int) -> list[StoredPage]:
    with db.session() as session:
        rows = session.scalars(select(Page).where(Page.document_id == document_id).order_by(Page.number))
        return [
            StoredPage(
                number=row.number,
                image_key=row.image_key,
                thumbnail_key=row.thumbnail_key,
                rotation=row.rotation_applied,
                skew=row.skew_corrected,
                ocr=PageOcr(
                    width=row.width,
                    height=row.height,
                    engine_version=row.ocr_version or "",
                    words=[OcrWord.model_validate(word) for word in row.ocr_words or []],
                ),
            )
            for row in rows
        ]


def load_page_results(db: Database, document_id: int, version: str) -> dict[int, PageExtraction]:
    """The page results already recorded at this extraction version, by page number."""
    with db.session() as session:
        rows = session.scalars(
            select(Extraction).where(
                Extraction.document_id == document_id,
                Extraction.page_number.is_not(None),
                Extraction.version == version,
            )
        )
        return {row.page_number: _page_result(row) for row in rows if row.page_number is not None}


def store_extraction(
    db: Database, document_id: int, result: DocumentExtraction, engine: str, version: str
) -> None:
    """Every page's result and the merged record replace the old ones; the extract stage's state says
    how it ended (partial or failed, with the kind that decides whether the next run redoes it)."""
    with db.session() as session:
        session.execute(delete(Extraction).where(Extraction.document_id == document_id))
        session.add_all(_extraction_row(document_id, page, version) for page in result.pages)
        session.add(_merged_row(document_id, result, engine, version))
        set_stage_state(
            session, document_id, Stage.extract, version, _stage_status(result), _stage_failure(result)
        )
        document = session.get_one(Document, document_id)
        document.error, document.failed_pages = result.reason, result.failed_pages


def _stage_status(result: DocumentExtraction) -> Status:
    return result.status if result.status in (Status.partial, Status.failed) else Status.ok


def _stage_failure(result: DocumentExtraction) -> FailureKind | None:
    """Transient when any page is worth redoing; else the kind of the first failed page."""
    if result.redo_pages:
        return FailureKind.transient
    return next((page.failure for page in result.pages if page.status is Status.failed), None)


def _page_row(document_id: int, page: StoredPage) -> Page:
    row = Page(
        document_id=document_id,
        number=page.number,
        image_key=page.image_key,
        thumbnail_key=page.thumbnail_key,
        width=page.ocr.width,
        height=page.ocr.height,
        rotation_applied=page.rotation,
        skew_corrected=page.skew,
    )
    _set_ocr(row, page.ocr)
    return row


def _set_ocr(row: Page, ocr: PageOcr) -> None:
    row.ocr_words = [word.model_dump() for word in ocr.words]
    row.ocr_text = ocr.text
    row.ocr_version = ocr.engine_version


def _fields_json(fields: dict) -> dict:
    return {name: field.model_dump(mode="json") for name, field in fields.items()}


def _extraction_row(document_id: int, page: PageExtraction, version: str) -> Extraction:
    return Extraction(
        document_id=document_id,
        page_number=page.page,
        engine=page.engine,
        model=page.model,
        version=version,
        status=page.status,
        failure=page.failure,
        fields=_fields_json(page.fields),
        confidence=page.confidence,
        tokens_in=page.tokens_in,
        tokens_out=page.tokens_out,
        latency_s=page.latency_s,
        escalated=page.escalated,
        escalation_reason=page.escalation_reason,
        errors=page.errors,
        tries=[attempt.model_dump(mode="json") for attempt in page.tries],
    )


def _merged_row(document_id: int, result: DocumentExtraction, engine: str, version: str) -> Extraction:
    confidences = [field.confidence for field in result.fields.values()]
    # Unknown when a field's is: the lowest of the known ones would claim what nothing measured.
    unknown = any(confidence is None for confidence in confidences)
    return Extraction(
        document_id=document_id,
        page_number=None,
        engine=engine,
        model=",".join(sorted({page.model for page in result.pages})) or engine,
        version=version,
        status=result.status,
        fields=_fields_json(result.fields),
        confidence=None if unknown else min((c for c in confidences if c is not None), default=0.0),
        tokens_in=sum(page.tokens_in for page in result.pages),
        tokens_out=sum(page.tokens_out for page in result.pages),
        latency_s=sum(page.latency_s for page in result.pages),
        escalated=any(page.escalated for page in result.pages),
        errors=[result.reason] if result.reason else [],
    )


def _page_result(row: Extraction) -> PageExtraction:
    return PageExtraction.model_validate(
        {
            "page": row.page_number,
            "status": row.status,
            "failure": row.failure,
            "engine": row.engine,
            "model": row.model,
            "fields": row.fields,
            "confidence": row.confidence,
            "tokens_in": row.tokens_in,
            "tokens_out": row.tokens_out,
            "latency_s": row.latency_s,
            "escalated": row.escalated,
            "escalation_reason": row.escalation_reason,
            "errors": row.errors,
            "tries": row.tries or [],
        }
    )
