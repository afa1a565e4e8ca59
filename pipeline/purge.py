"""Removing a document or a whole matter: database rows, index points, and the blobs no one else uses.

Originals, page images, thumbnails and OCR cache records are keyed by the bytes' sha256, so the same file
in two matters shares them: they go only when no remaining document has that sha256. The rows and the
index update commit in one transaction (the outbox row, or a direct delete just before it), so no search
returns the pages once the purge has committed. The blobs go afterwards: a crash in between leaves bytes
that nothing references and no route can reach (pages are served by document id only).

A matter under legal hold refuses to be purged, as does a document an ingest run is working on now.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import selectinload

from retrieval.updates import IndexUpdates
from storage.blobs import BlobStore
from storage.db import Database, Document, Extraction, Matter, MatterGrant, RunItem
from storage.db.models import utcnow


class PurgeRefusedError(RuntimeError):
    """The purge may not happen: legal hold, a document being ingested, or nothing by that name."""


@dataclass(frozen=True)
class PurgeReport:
    documents: list[int]
    matter: str | None  # the matter removed, for a matter purge
    blobs_deleted: int
    shared_kept: int  # sha256s still used by a document of another matter


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)  # SQLite drops the zone


def set_hold(db: Database, matter: str, hold: bool) -> None:
    with db.session() as session:
        found = session.scalar(select(Matter).where(Matter.name == matter))
        if found is None:
            raise PurgeRefusedError(f"no matter {matter!r}")
        found.legal_hold = hold


def _targets(session, document_id: int | None, matter: str | None) -> tuple[Matter, list[Document]]:
    if document_id is not None:
        document = session.scalar(
            select(Document).where(Document.id == document_id).options(selectinload(Document.matter))
        )
        if document is None:
            raise PurgeRefusedError(f"no document {document_id}")
        return document.matter, [document]
    found = session.scalar(select(Matter).where(Matter.name == matter))
    if found is None:
        raise PurgeRefusedError(f"no matter {matter!r}")
    return found, list(session.scalars(select(Document).where(Document.matter_id == found.id)))


def _delete_blobs(blobs: BlobStore, sha256: str, ocr_cache: Path | None) -> int:
    fan = f"{sha256[:2]}/{sha256}"
    keys = [f"originals/{fan}", *blobs.list(f"pages/{fan}/"), *blobs.list(f"thumbnails/{fan}/")]
    for key in keys:
        blobs.delete(key)
    if ocr_cache is not None:
        for record in (ocr_cache / sha256[:2]).glob(f"{sha256}-p*"):
            record.unlink(missing_ok=True)
    return len(keys)


def purge(
    db: Database,
    blobs: BlobStore,
    updates: IndexUpdates,
    *,
    document_id: int | None = None,
    matter: str | None = None,
    ocr_cache: Path | None = None,
) -> PurgeReport:
    if (document_id is None) == (matter is None):
        raise ValueError("purge takes exactly one of document_id or matter")
    now = utcnow()
    with db.session() as session:
        owner, documents = _targets(session, document_id, matter)
        if owner.legal_hold:
            raise PurgeRefusedError(f"matter {owner.name!r} is under legal hold: release it first")
        busy = [
            d.id for d in documents if d.lease_expires_at is not None and _aware(d.lease_expires_at) > now
        ]
        if busy:
            raise PurgeRefusedError(f"documents {busy} are being ingested right now: try after the run")
        ids = [d.id for d in documents]
        hashes = {d.sha256 for d in documents}
        # Run items name the source file: they go with the document (the audit log keeps the id).
        session.execute(delete(RunItem).where(RunItem.document_id.in_(ids)))
        session.execute(delete(Extraction).where(Extraction.document_id.in_(ids)))
        for document in documents:
            session.delete(document)
        if matter is not None:
            session.execute(delete(MatterGrant).where(MatterGrant.matter == owner.name))
            session.delete(owner)
            updates.delete_matter(session, owner.name)
        else:
            updates.delete_document(session, str(document_id))
        session.flush()
        shared = set(session.scalars(select(Document.sha256).where(Document.sha256.in_(hashes))))
    deleted = sum(_delete_blobs(blobs, sha, ocr_cache) for sha in sorted(hashes - shared))
    updates.publish()
    return PurgeReport(ids, owner.name if matter is not None else None, deleted, len(shared))
