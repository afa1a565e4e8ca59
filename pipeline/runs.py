"""A run's tally: what it did with each document, as the CLI prints it and the runs page shows it."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from schemas.status import Status
from storage.db import Database
from storage.db.runs import finish_run, record_run_item

# A document's outcome in one run. `partial` and `failed` win over `new` and `updated`: the document was
# processed, but some of it (the listed pages) or all of it did not come through.
OUTCOMES = ("new", "updated", "skipped", "partial", "failed")


@dataclass
class RunTally:
    """What a run did, as the CLI prints it and the runs page shows it."""

    run_id: int
    documents: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    pages: int = 0
    failures: list[dict[str, object]] = field(default_factory=list)
    # Documents finish on several threads at once.
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, outcome: str, pages: int, failure: dict[str, object] | None) -> None:
        with self.lock:
            self.documents[outcome] += 1
            self.pages += pages
            if failure is not None:
                self.failures.append(failure)

    def as_dict(self) -> dict:
        return {"run": self.run_id, "documents": dict(self.documents), "pages": self.pages}

    @property
    def status(self) -> Status:
        """ok, or partial when any document ended failed or partial (the run itself finished)."""
        return Status.partial if self.documents["failed"] or self.documents["partial"] else Status.ok


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
    tally.add(outcome, pages, {"source": source_uri, "status": outcome, "error": error} if error else None)
    record_run_item(
        db, tally.run_id, source_uri=source_uri, outcome=outcome, document_id=document_id, error=error
    )


def finish(db: Database, tally: RunTally, error: str | None = None) -> Status:
    """Record how the run ended: failed when the run itself broke off, else the tally's status."""
    status = Status.failed if error else tally.status
    finish_run(db, tally.run_id, status, tally.as_dict(), error)
    return status
