"""The contract table's question: every document of some matters with its merged extraction (reviewers'
corrections applied), if any."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, select

from storage.db.corrections import apply_corrections, corrections_by_document
from storage.db.engine import Database
from storage.db.models import Document, Extraction, Matter


@dataclass(frozen=True)
class ContractRecord:
    id: int
    matter: str
    filename: str
    status: str
    fields: dict[str, Any] | None  # the merged extraction ({field: ExtractedField JSON}); None: not read


def contract_records(db: Database, matters: list[str]) -> list[ContractRecord]:
    """The documents of `matters`, oldest first; a document not (yet) extracted is listed too, without
    fields, so a failed or pending contract still shows in the table."""
    if not matters:
        return []
    merged = and_(Extraction.document_id == Document.id, Extraction.page_number.is_(None))
    query = (
        select(Document.id, Matter.name, Document.filename, Document.status, Extraction.fields)
        .join(Matter, Matter.id == Document.matter_id)
        .outerjoin(Extraction, merged)
        .where(Matter.name.in_(matters))
        .order_by(Document.id)
    )
    with db.session() as session:
        rows = session.execute(query).all()
    # Reviewers' corrections win over the engine's values, in the table and in its filters and exports.
    corrections = corrections_by_document(db, [row[0] for row in rows])
    return [
        ContractRecord(
            i,
            matter,
            name,
            str(status),
            apply_corrections(fields, corrections[i]) if fields is not None and i in corrections else fields,
        )
        for i, matter, name, status, fields in rows
    ]
