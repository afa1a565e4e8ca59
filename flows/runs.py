"""Run records, document leases and crash detection.

A run holds a lease on each document it works on, so two runs over the same sources never process one
document at once. A run killed mid-way leaves its leases and a `running` record behind; the next run on the
same host sees the process is gone (or, elsewhere, that the heartbeat stopped), marks the run `crashed`
and takes its documents over.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import threading
from dataclasses import dataclass, field

from sqlalchemy import func, or_, select, update

from storage.db import Database, Document, Extraction, Run, RunItem
from storage.db.models import RunStatus, utcnow

OUTCOMES = ("new", "updated", "skipped", "failed")


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by someone else
        return True
    return True


def start_run(db: Database, kind: str, sources: list[str]) -> int:
    with db.session() as session:
        run = Run(kind=kind, host=socket.gethostname(), pid=os.getpid(), sources=sources, counts={})
        session.add(run)
        session.flush()
        return run.id


def mark_crashed_runs(db: Database, stale_after: dt.timedelta) -> list[int]:
    """Mark as crashed the runs whose process is gone; release the documents they held."""
    now = utcnow()
    host = socket.gethostname()
    crashed: list[int] = []
    with db.session() as session:
        for run in session.scalars(select(Run).where(Run.status == RunStatus.running)):
            heartbeat = run.heartbeat_at.replace(tzinfo=run.heartbeat_at.tzinfo or dt.UTC)
            dead_here = run.host == host and run.pid != os.getpid() and not _process_alive(run.pid)
            if dead_here or now - heartbeat > stale_after:
                run.status = RunStatus.crashed
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


@dataclass
class RunTally:
    """What a run did, as the CLI prints it and the runs page shows it."""

    run_id: int
    documents: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    pages: int = 0
    failures: list[dict[str, str]] = field(default_factory=list)
    # Documents finish on several threads at once.
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, outcome: str, pages: int, failure: dict[str, str] | None) -> None:
        with self.lock:
            self.documents[outcome] += 1
            self.pages += pages
            if failure is not None:
                self.failures.append(failure)

    def as_dict(self) -> dict:
        return {"run": self.run_id, "documents": dict(self.documents), "pages": self.pages}


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


def record_item(
    db: Database,
    tally: RunTally,
    *,
    source_uri: str,
    outcome: str,
    document_id: int | None,
    error: str | None = None,
    pages: int = 0,
) -> None:
    tally.add(outcome, pages, {"source": source_uri, "error": error} if error else None)
    record_run_item(
        db, tally.run_id, source_uri=source_uri, outcome=outcome, document_id=document_id, error=error
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
        RunItem.run_id == run_id, RunItem.outcome.in_(("new", "updated"))
    )
    in_run = Extraction.document_id.in_(processed)
    with db.session() as session:
        pages = session.scalar(select(func.count()).where(in_run, Extraction.page_number.is_not(None)))
        escalated = session.scalar(
            select(func.count()).where(in_run, Extraction.page_number.is_not(None), Extraction.escalated)
        )
        review = session.scalar(
            select(func.count()).where(in_run, Extraction.page_number.is_(None), Extraction.needs_review)
        )
    return ExtractionStats(pages or 0, escalated or 0, review or 0)


def finish_run(db: Database, tally: RunTally, error: str | None = None) -> str:
    if error:
        status = RunStatus.failed
    elif tally.documents["failed"]:
        status = RunStatus.partial
    else:
        status = RunStatus.succeeded
    with db.session() as session:
        session.execute(
            update(Run)
            .where(Run.id == tally.run_id)
            .values(status=status, finished_at=utcnow(), counts=tally.as_dict(), error=error)
        )
    return status
