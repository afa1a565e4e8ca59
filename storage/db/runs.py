"""Run records, document leases and crash detection: the runs' side of the results database.

A run holds a lease on each document it works on, so two runs over the same sources never process one
document at once. A run killed mid-way leaves its leases and a `running` record behind; the next run on the
same host sees the process is gone (or, elsewhere, that the heartbeat stopped), marks the run `crashed`
and takes its documents over.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
from dataclasses import dataclass

from sqlalchemy import func, or_, select, update

from schemas.status import Lifecycle, Status
from storage.db.engine import Database
from storage.db.models import Document, Extraction, Run, RunItem, utcnow


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by someone else
        return True
    return True


def start_run(db: Database, kind: str, sources: list[str], started_at: dt.datetime | None = None) -> int:
    """A new run, started `started_at` (default now): when it was asked for, if that was earlier."""
    with db.session() as session:
        run = Run(
            kind=kind,
            host=socket.gethostname(),
            pid=os.getpid(),
            sources=sources,
            counts={},
            started_at=started_at or utcnow(),
        )
        session.add(run)
        session.flush()
        return run.id


def mark_crashed_runs(db: Database, stale_after: dt.timedelta) -> list[int]:
    """Mark as crashed the runs whose process is gone; release the documents they held."""
    now = utcnow()
    host = socket.gethostname()
    crashed: list[int] = []
    with db.session() as session:
        for run in session.scalars(select(Run).where(Run.status == Lifecycle.running)):
            heartbeat = run.heartbeat_at.replace(tzinfo=run.heartbeat_at.tzinfo or dt.UTC)
            dead_here = run.host == host and run.pid != os.getpid() and not _process_alive(run.pid)
            if dead_here or now - heartbeat > stale_after:
                run.status = Lifecycle.crashed
                run.finished_at = now
                run.error = "the run's process stopped before it finished"
                crashed.append(run.id)
        if crashed:
            session.execute(
                update(Document)
                .where(Document.lease_run_id.in_(crashed))
                .values(lease_run_id=None, lease_expires_at=None)
            )
    return crashed


def heartbeat(db: Database, run_id: int) -> None:
    with db.session() as session:
        session.execute(update(Run).where(Run.id == run_id).values(heartbeat_at=utcnow()))


def claim_document(db: Database, document_id: int, run_id: int, lease: dt.timedelta) -> bool:
    """Take the document for this run unless another live run holds it. Atomic: one UPDATE."""
    now = utcnow()
    with db.session() as session:
        result = session.execute(
            update(Document)
            .where(
                Document.id == document_id,
                or_(
                    Document.lease_run_id.is_(None),
                    Document.lease_run_id == run_id,
                    Document.lease_expires_at < now,
                ),
            )
            .values(lease_run_id=run_id, lease_expires_at=now + lease)
        )
        return result.rowcount == 1


def release_document(db: Database, document_id: int, run_id: int) -> None:
    with db.session() as session:
        session.execute(
            update(Document)
            .where(Document.id == document_id, Document.lease_run_id == run_id)
            .values(lease_run_id=None, lease_expires_at=None)
        )


def record_run_item(
    db: Database,
    run_id: int,
    *,
    source_uri: str,
    outcome: str,
    document_id: int | None,
    error: str | None = None,
) -> None:
    """The run's record of one document. Idempotent: a retried document task does not record it twice."""
    with db.session() as session:
        if document_id is not None and session.scalar(
            select(RunItem.id).where(RunItem.run_id == run_id, RunItem.document_id == document_id)
        ):
            return
        session.add(
            RunItem(
                run_id=run_id, document_id=document_id, source_uri=source_uri, outcome=outcome, error=error
            )
        )


@dataclass(frozen=True)
class ExtractionStats:
    """What extraction did for the documents a run processed: the cascade's cost and review load."""

    pages: int  # pages extracted
    escalated_pages: int
    needs_review_documents: int

    @property
    def escalation_rate(self) -> float | None:
        return self.escalated_pages / self.pages if self.pages else None


def extraction_stats(db: Database, run_id: int) -> ExtractionStats:
    processed = select(RunItem.document_id).where(
        RunItem.run_id == run_id, RunItem.outcome.in_(("new", "updated", "partial"))
    )
    in_run = Extraction.document_id.in_(processed)
    with db.session() as session:
        pages = session.scalar(select(func.count()).where(in_run, Extraction.page_number.is_not(None)))
        escalated = session.scalar(
            select(func.count()).where(in_run, Extraction.page_number.is_not(None), Extraction.escalated)
        )
        review = session.scalar(
            select(func.count()).where(
                in_run, Extraction.page_number.is_(None), Extraction.status == Status.needs_review
            )
        )
    return ExtractionStats(pages or 0, escalated or 0, review or 0)


def finish_run(db: Database, run_id: int, status: str, counts: dict, error: str | None = None) -> None:
    with db.session() as session:
        session.execute(
            update(Run)
            .where(Run.id == run_id)
            .values(status=status, finished_at=utcnow(), counts=counts, error=error)
        )
