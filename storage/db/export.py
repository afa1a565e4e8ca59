"""Documents as export records: one per document, its merged fields with evidence (JSON-ready)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from storage.db.corrections import apply_corrections, corrected_documents, corrections_by_document
from storage.db.engine import Database
from storage.db.models import Document, Extraction


def _item(item: dict[str, Any]) -> dict[str, Any]:
    evidence = item.get("evidence") or {}
    bbox = evidence.get("bbox")
    return {
        "value": item["value"],
        "confidence": item["confidence"],
        "page": evidence.get("page"),
        "evidence": evidence.get("text"),
        "bbox": [bbox["x0"], bbox["y0"], bbox["x1"], bbox["y1"]] if bbox else None,
        "model": item["model"],
    }


def _field(field: dict[str, Any], is_list: bool) -> dict[str, Any]:
    items = [_item(item) for item in field["items"]]
    if is_list:  # the value is the list of elements; each element keeps its own evidence
        models = sorted({item["model"] for item in items})
        return {
            "value": [item["value"] for item in items],
            "confidence": field["confidence"],
            "items": items,
            "model": ",".join(models) or None,
        }
    if not items:
        return {
            "value": None,
            "confidence": field["confidence"],
            "page": None,
            "evidence": None,
            "bbox": None,
            "model": None,
        }
    return {**items[0], "confidence": field["confidence"]}


def export_records(db: Database, list_fields: set[str]) -> Iterator[dict[str, Any]]:
    """Every document in id order, with the fields of its document-level extraction (if any), reviewers'
    corrections winning over the engine's values."""
    # Read before the export's session: SQLite would make a second session wait for the first one's lock.
    corrections = corrections_by_document(db, corrected_documents(db))
    with db.session() as session:
        documents = session.scalars(
            select(Document)
            .options(selectinload(Document.sources), selectinload(Document.matter))
            .order_by(Document.id)
        )
        for document in documents:
            merged = session.scalar(
                select(Extraction).where(
                    Extraction.document_id == document.id, Extraction.page_number.is_(None)
                )
            )
            fields = apply_corrections(
                merged.fields if merged is not None else {}, corrections.get(document.id, {})
            )
            yield {
                "document": document.id,
                "source": document.sources[0].uri if document.sources else None,
                "sha256": document.sha256,
                "matter": document.matter.name,
                "status": document.status,
                # A partial document's fields come from the pages that were read; these were not.
                "failed_pages": list(document.failed_pages or []),
                "error": document.error,
                "fields": {name: _field(value, name in list_fields) for name, value in fields.items()},
            }
