"""People's answers over the engine's: a field confirmed as read, or corrected, by a reviewer.

A correction is keyed by (document, field path), never by extraction row, so it survives re-extraction;
the newest one of a field is the answer. Every reader of merged fields ({field: ExtractedField JSON})
applies them with one call, `apply_corrections`, and so shows, exports and scores the person's value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from schemas.results import ExtractedField, ExtractedValue
from storage.db.engine import Database
from storage.db.models import Document, Extraction, FieldCorrection, Matter

REVIEW_ENGINE = "review"  # the engine name a corrected value carries, its model the reviewer's name


@dataclass(frozen=True)
class Correction:
    """One stored correction, detached from its session."""

    document_id: int
    field: str
    value: Any  # the schema's JSON form; None: nothing is there
    confirmed: bool  # True: the engine's value was confirmed as is
    old_value: Any
    old_confidence: float | None
    actor: str
    created_at: dt.datetime


def _correction(row: FieldCorrection) -> Correction:
    return Correction(
        row.document_id,
        row.field,
        row.value,
        row.confirmed,
        row.old_value,
        row.old_confidence,
        row.actor,
        row.created_at,
    )


def engine_value(field: Mapping[str, Any] | None, is_list: bool) -> Any:
    """What the engine's merged field says, in the schema's JSON form (a list field: its elements)."""
    items = (field or {}).get("items") or []
    values = [item.get("value") for item in items if item.get("value") is not None]
    if is_list:
        return values
    return values[0] if values else None


def record_correction(
    db: Database,
    *,
    document_id: int,
    field: str,
    value: Any,
    confirmed: bool,
    old_value: Any,
    old_confidence: float | None,
    actor: str,
) -> Correction:
    with db.session() as session:
        row = FieldCorrection(
            document_id=document_id,
            field=field,
            value=value,
            confirmed=confirmed,
            old_value=old_value,
            old_confidence=old_confidence,
            actor=actor,
        )
        session.add(row)
        session.flush()
        return _correction(row)


def corrections_by_document(db: Database, document_ids: Iterable[int]) -> dict[int, dict[str, Correction]]:
    """Per document, the newest correction of each corrected field."""
    ids = set(document_ids)
    if not ids:
        return {}
    found: dict[int, dict[str, Correction]] = {}
    with db.session() as session:
        rows = session.scalars(
            select(FieldCorrection)
            .where(FieldCorrection.document_id.in_(ids))
            .order_by(FieldCorrection.created_at, FieldCorrection.id)
        )
        for row in rows:  # oldest first: a later row of the same field replaces an earlier one
            found.setdefault(row.document_id, {})[row.field] = _correction(row)
    return found


def corrections_for(db: Database, document_id: int) -> dict[str, Correction]:
    return corrections_by_document(db, [document_id]).get(document_id, {})


def corrected_documents(db: Database, matters: list[str] | None = None) -> list[int]:
    """The ids of the documents (of the given matters, or all) with at least one correction, in id order."""
    with db.session() as session:
        query = select(FieldCorrection.document_id).distinct().order_by(FieldCorrection.document_id)
        if matters is not None:
            query = (
                query.join(Document, Document.id == FieldCorrection.document_id)
                .join(Matter)
                .where(Matter.name.in_(matters))
            )
        return list(session.scalars(query))


def _corrected_field(correction: Correction, engine_field: Mapping[str, Any] | None) -> dict[str, Any]:
    """The person's value as an ExtractedField JSON: sure (1.0), from the review, by the reviewer.

    An element equal to one the engine read keeps that item's evidence, so the viewer still boxes it.
    """
    evidence = {
        repr(item.get("value")): item.get("evidence") for item in (engine_field or {}).get("items") or []
    }
    value = correction.value
    elements = value if isinstance(value, list) else [] if value is None else [value]
    items = [
        ExtractedValue(
            value=element,
            confidence=1.0,
            evidence=evidence.get(repr(element)),
            engine=REVIEW_ENGINE,
            model=correction.actor,
        )
        for element in elements
    ]
    return ExtractedField(items=items, confidence=1.0).model_dump(mode="json")


def apply_corrections(fields: Mapping[str, Any], corrections: Mapping[str, Correction]) -> dict[str, Any]:
    """Merged fields ({field: ExtractedField JSON}), each corrected field replaced by the person's value."""
    merged = dict(fields)
    for path, correction in corrections.items():
        merged[path] = _corrected_field(correction, fields.get(path))
    return merged


@dataclass(frozen=True)
class ReviewDocument:
    """A document as the review queue weighs it: its status and its merged fields, corrections applied."""

    id: int
    matter: str
    filename: str
    status: str
    fields: dict[str, Any]
    corrections: dict[str, Correction]


def review_documents(db: Database, matters: list[str]) -> list[ReviewDocument]:
    """The documents of `matters` that have merged fields, newest first, their corrections applied."""
    with db.session() as session:
        rows = session.execute(
            select(Document, Extraction.fields)
            .join(Extraction, Extraction.document_id == Document.id)
            .join(Matter)
            .where(Extraction.page_number.is_(None), Matter.name.in_(matters))
            .options(selectinload(Document.matter))
            .order_by(Document.id.desc())
        ).all()
        found = [(d.id, d.matter.name, d.filename, d.status, fields) for d, fields in rows]
    corrections = corrections_by_document(db, [row[0] for row in found])
    reviewed = []
    for document_id, matter, filename, status, fields in found:
        mine = corrections.get(document_id, {})
        reviewed.append(
            ReviewDocument(document_id, matter, filename, status, apply_corrections(fields, mine), mine)
        )
    return reviewed
