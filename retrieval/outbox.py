"""The index outbox: index updates as database rows, applied by whichever process owns the index.

The embedded index opens in one process at a time, but every ingest run and purge must update it. They
write rows here instead (in the same transaction as their own state, so an update is never lost or made
twice), and the owner applies them in id order. Every row is idempotent (upserts overwrite by point id,
deletes of missing points are no-ops), so a crash between applying and deleting a row is harmless.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import numpy as np
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from retrieval.index.base import PageIndex, PagePoint, SparseVector
from storage.db import Database, IndexOutbox

UPSERT, DELETE_DOCUMENT, DELETE_MATTER = "upsert", "delete_document", "delete_matter"
_ARRAYS = ("multivector", "pooled", "dense_text")


def _pack(point: PagePoint) -> bytes:
    arrays = {name: getattr(point, name) for name in _ARRAYS if getattr(point, name) is not None}
    if point.sparse_text is not None:
        arrays["sparse_indices"] = np.asarray(point.sparse_text.indices, dtype=np.int64)
        arrays["sparse_values"] = np.asarray(point.sparse_text.values, dtype=np.float32)
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)  # exact float32, no pickle
    return buffer.getvalue()


def _unpack(row: IndexOutbox) -> PagePoint:
    assert row.point_id is not None and row.vectors is not None and row.payload is not None
    with np.load(io.BytesIO(row.vectors), allow_pickle=False) as arrays:
        vectors = {name: arrays[name] for name in _ARRAYS if name in arrays}
        sparse = (
            SparseVector(indices=arrays["sparse_indices"].tolist(), values=arrays["sparse_values"].tolist())
            if "sparse_indices" in arrays
            else None
        )
    return PagePoint(id=row.point_id, sparse_text=sparse, payload=row.payload, **vectors)


def enqueue_upserts(session: Session, points: Sequence[PagePoint]) -> None:
    for point in points:
        session.add(IndexOutbox(op=UPSERT, point_id=point.id, payload=point.payload, vectors=_pack(point)))


def enqueue_delete(session: Session, *, document_id: str | None = None, matter: str | None = None) -> None:
    if (document_id is None) == (matter is None):
        raise ValueError("enqueue_delete takes exactly one of document_id or matter")
    op, target = (DELETE_DOCUMENT, document_id) if document_id is not None else (DELETE_MATTER, matter)
    session.add(IndexOutbox(op=op, target=target))


def pending(db: Database) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(IndexOutbox)) or 0


def apply_outbox(db: Database, index: PageIndex, batch: int = 64) -> int:
    """Apply every waiting row to `index` (which the caller owns); the number applied."""
    applied = 0
    while True:
        with db.session() as session:
            rows = list(session.scalars(select(IndexOutbox).order_by(IndexOutbox.id).limit(batch)))
        if not rows:
            return applied
        upserts: list[PagePoint] = []
        for row in rows:  # consecutive upserts go in one call; a delete flushes them first to keep the order
            if row.op == UPSERT:
                upserts.append(_unpack(row))
                continue
            index.upsert(upserts)
            upserts = []
            if row.op == DELETE_DOCUMENT:
                index.delete_where(document_id=row.target)
            elif row.op == DELETE_MATTER:
                index.delete_where(matter=row.target)
        index.upsert(upserts)
        with db.session() as session:
            session.execute(delete(IndexOutbox).where(IndexOutbox.id.in_([row.id for row in rows])))
        applied += len(rows)
