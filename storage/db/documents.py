"""The document side of the stages: what a document needs done, and how its stages and itself ended.

Each function is one transaction. A stage's rows and its stage state are written together (see
`storage.db.pages`), so a process killed at any moment leaves either the old state or the new one.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from schemas.status import FailureKind, Status
from storage.db.engine import Database
from storage.db.models import Document, DocumentSource, Extraction, Matter, Stage, StageState, utcnow


@dataclass(frozen=True)
class StageRecord:
    version: str
    status: Status
    failure: FailureKind | None

    @property
    def standing_failure(self) -> bool:
        """Failed for a reason a re-run at this version does not cure: it waits for a retry."""
        return self.status is Status.failed and self.failure is not FailureKind.transient

    @property
    def redo(self) -> bool:
        """Some of it failed for a transient reason: the next run redoes it without being asked."""
        return self.failure is FailureKind.transient


@dataclass(frozen=True)
class DocumentWork:
    """What the stages need to know of a document before they start."""

    id: int
    matter: str
    sha256: str
    filename: str
    original_key: str
    page_count: int
    retry_requested: bool
    error: str | None
    failed_pages: list[int]
    status: str  # a Status once processed, else Lifecycle.pending
    stages: dict[Stage, StageRecord]

    @property
    def processed_before(self) -> bool:
        return any(record.status is not Status.failed for record in self.stages.values())


def load_work(db: Database, document_id: int) -> DocumentWork:
    with db.session() as session:
        document = session.get_one(Document, document_id)
        return DocumentWork(
            id=document.id,
            matter=document.matter.name,
            sha256=document.sha256,
            filename=document.filename,
            original_key=document.original_key,
            page_count=document.page_count or 0,
            retry_requested=document.retry_requested,
            error=document.error,
            failed_pages=list(document.failed_pages or []),
            status=document.status,
            stages={
                Stage(state.stage): StageRecord(
                    state.version,
                    Status(state.status),
                    FailureKind(state.failure) if state.failure else None,
                )
                for state in document.stages
            },
        )


def set_stage_state(
    session: Session,
    document_id: int,
    stage: Stage,
    version: str,
    status: Status = Status.ok,
    failure: FailureKind | None = None,
) -> None:
    """Inside the stage's own transaction: the stage ran at `version` and ended `status`."""
    state = session.scalar(
        select(StageState).where(StageState.document_id == document_id, StageState.stage == stage)
    )
    if state is None:
        session.add(
            StageState(document_id=document_id, stage=stage, version=version, status=status, failure=failure)
        )
    else:
        state.version, state.status, state.failure = version, status, failure
        state.completed_at = utcnow()


def record_failure(
    db: Database,
    document_id: int,
    reason: str,
    *,
    permanent_at: tuple[Stage, str] | None = None,
) -> None:
    """The document failed as a whole. With `permanent_at` (stage, version) the failure stands at that
    version until retried; without, the stages stay as they were and the next run takes them up again."""
    with db.session() as session:
        document = session.get_one(Document, document_id)
        document.status = Status.failed
        document.error = reason
        document.failed_pages = []
        document.retry_requested = False
        if permanent_at is not None:
            stage, version = permanent_at
            set_stage_state(session, document_id, stage, version, Status.failed, FailureKind.permanent)


def finish_document(db: Database, document_id: int) -> Status:
    """The document's status after its stages ran: that of its merged extraction, else ok."""
    with db.session() as session:
        document = session.get_one(Document, document_id)
        merged = session.scalar(
            select(Extraction).where(Extraction.document_id == document_id, Extraction.page_number.is_(None))
        )
        status = Status(merged.status) if merged is not None else Status.ok
        if merged is None or status in (Status.ok, Status.needs_review):
            document.error, document.failed_pages = None, []
        document.status = status
        document.retry_requested = False
        return status


def request_retries(db: Database) -> int:
    """Mark every failed or partial document for the next run (`ingest --retry`); how many were."""
    with db.session() as session:
        result = session.execute(
            update(Document)
            .where(Document.status.in_((Status.failed, Status.partial)))
            .values(retry_requested=True)
        )
        return result.rowcount


def _matter_id(db: Database, name: str) -> int:
    for _ in range(2):  # a concurrent run may insert the same matter between our select and insert
        try:
            with db.session() as session:
                found = session.scalar(select(Matter.id).where(Matter.name == name))
                if found is not None:
                    return found
                matter = Matter(name=name)
                session.add(matter)
                session.flush()
                return matter.id
        except IntegrityError:
            continue
    raise RuntimeError(f"could not create matter {name!r}")


def register_source(
    db: Database,
    *,
    matter: str,
    sha256: str,
    filename: str,
    size_bytes: int,
    original_key: str,
    uri: str,
) -> tuple[int, bool]:
    """The document (matter, sha256) with `uri` among its sources: (its id, whether it is new)."""
    matter_id = _matter_id(db, matter)
    for _ in range(2):  # the same race, for documents found by two runs at once
        try:
            with db.session() as session:
                document = session.scalar(
                    select(Document).where(Document.matter_id == matter_id, Document.sha256 == sha256)
                )
                created = document is None
                if document is None:
                    document = Document(
                        matter_id=matter_id,
                        sha256=sha256,
                        filename=filename,
                        size_bytes=size_bytes,
                        original_key=original_key,
                    )
                    session.add(document)
                    session.flush()
                known = session.scalar(
                    select(DocumentSource).where(
                        DocumentSource.document_id == document.id, DocumentSource.uri == uri
                    )
                )
                if known is None:
                    session.add(DocumentSource(document_id=document.id, uri=uri))
                else:
                    known.last_seen_at = utcnow()
                return document.id, created
        except IntegrityError:
            continue
    raise RuntimeError(f"could not register {uri}")
