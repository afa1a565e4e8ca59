"""Read-side queries shared by the CLI, the web app and the JSON API (one copy of each question)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from storage.db.engine import Database
from storage.db.models import Document, Extraction, Matter


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _summary(document: Document) -> dict[str, Any]:
    return {
        "id": document.id,
        "matter": document.matter.name,
        "filename": document.filename,
        "sha256": document.sha256,
        "status": document.status,
        "pages": document.page_count,
        "error": document.error,
        "updated_at": _iso(document.updated_at),
    }


def list_documents(db: Database, matters: list[str] | None = None) -> list[dict[str, Any]]:
    """Every document (or those of the given matters), newest first."""
    with db.session() as session:
        query = select(Document).options(selectinload(Document.matter)).order_by(Document.id.desc())
        if matters is not None:
            query = query.join(Matter).where(Matter.name.in_(matters))
        return [_summary(document) for document in session.scalars(query)]


def document_detail(db: Database, document_id: int) -> dict[str, Any] | None:
    """One document with its sources, stage versions, pages and extracted fields."""
    with db.session() as session:
        document = session.get(Document, document_id)
        if document is None:
            return None
        extraction = session.scalar(
            select(Extraction).where(Extraction.document_id == document_id, Extraction.page_number.is_(None))
        )
        return {
            **_summary(document),
            "kind": document.kind,
            "size_bytes": document.size_bytes,
            "created_at": _iso(document.created_at),
            "sources": [source.uri for source in document.sources],
            "stages": {
                state.stage: {
                    "version": state.version,
                    "status": state.status,
                    "completed_at": _iso(state.completed_at),
                }
                for state in document.stages
            },
            "page_list": [
                {
                    "number": page.number,
                    "width": page.width,
                    "height": page.height,
                    "rotation_applied": page.rotation_applied,
                    "skew_corrected": page.skew_corrected,
                    "words": len(page.ocr_words or []),
                    "status": page.status,
                }
                for page in document.pages
            ],
            "extraction": None
            if extraction is None
            else {
                "engine": extraction.engine,
                "model": extraction.model,
                "version": extraction.version,
                "status": extraction.status,
                "confidence": extraction.confidence,
                "fields": extraction.fields,
            },
        }
