"""Where a process sends its index updates: the outbox (embedded index) or straight to a Qdrant server.

Callers pass the database session of the transaction that records their own state: an outbox row then
commits (or rolls back) with it. A Qdrant server has no single-owner limit, so updates go straight
through, before that transaction commits; a crash in between leaves points that the re-run overwrites.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Sequence

from sqlalchemy.orm import Session

from retrieval.index import IndexConfig, PageIndex, PagePoint, open_index
from retrieval.outbox import enqueue_delete, enqueue_upserts
from retrieval.owner import IndexOwner
from storage.db import Database

log = logging.getLogger(__name__)


class IndexUpdates(ABC):
    @abstractmethod
    def replace_document(self, session: Session, document_id: str, points: Sequence[PagePoint]) -> None:
        """The document's pages become exactly `points` (pages it no longer has are removed)."""

    @abstractmethod
    def delete_document(self, session: Session, document_id: str) -> None: ...

    @abstractmethod
    def delete_matter(self, session: Session, matter: str) -> None: ...

    @abstractmethod
    def publish(self) -> None:
        """Make committed updates searchable now, when this process can."""

    @abstractmethod
    def close(self) -> None:
        """Release what the updates hold."""


class OutboxUpdates(IndexUpdates):
    def __init__(self, db: Database, config: IndexConfig) -> None:
        self.db, self.config = db, config

    def replace_document(self, session: Session, document_id: str, points: Sequence[PagePoint]) -> None:
        enqueue_delete(session, document_id=document_id)
        enqueue_upserts(session, points)

    def delete_document(self, session: Session, document_id: str) -> None:
        enqueue_delete(session, document_id=document_id)

    def delete_matter(self, session: Session, matter: str) -> None:
        enqueue_delete(session, matter=matter)

    def publish(self) -> None:
        """Take the index briefly and apply the outbox; if another process holds it, that one will."""
        with IndexOwner(self.db, self.config) as owner:
            if not owner.try_take():
                log.info("the index is held by another process (the server?): it applies the outbox")

    def close(self) -> None:
        pass  # holds nothing between calls


class DirectUpdates(IndexUpdates):
    def __init__(self, index: PageIndex) -> None:
        self.index = index

    def replace_document(self, session: Session, document_id: str, points: Sequence[PagePoint]) -> None:
        self.index.delete_where(document_id=document_id)
        self.index.upsert(points)

    def delete_document(self, session: Session, document_id: str) -> None:
        self.index.delete_where(document_id=document_id)

    def delete_matter(self, session: Session, matter: str) -> None:
        self.index.delete_where(matter=matter)

    def publish(self) -> None:
        pass  # every update was written through already

    def close(self) -> None:
        self.index.close()


def open_updates(db: Database, config: IndexConfig) -> IndexUpdates:
    if config.backend == "embedded":
        return OutboxUpdates(db, config)
    return DirectUpdates(open_index(config))
