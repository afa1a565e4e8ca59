"""The audit log: every search, document view and download, with who, when, what and from where."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import select

from storage.db.engine import Database
from storage.db.models import AuditEntry

EXPORT_FIELDS = ("id", "at", "actor", "action", "client", "outcome", "document_id", "matter", "detail")


def record(
    db: Database,
    *,
    actor: str,
    action: str,
    client: str,
    outcome: str = "ok",
    document_id: int | None = None,
    matter: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    with db.session() as session:
        session.add(
            AuditEntry(
                actor=actor,
                action=action,
                client=client,
                outcome=outcome,
                document_id=document_id,
                matter=matter,
                detail=detail or {},
            )
        )


def entries(db: Database, batch: int = 1000) -> Iterator[dict[str, Any]]:
    """Every entry, oldest first, read in batches so a long log never sits in memory at once."""
    last = 0
    while True:
        with db.session() as session:
            rows = list(
                session.scalars(
                    select(AuditEntry).where(AuditEntry.id > last).order_by(AuditEntry.id).limit(batch)
                )
            )
            found = [{name: getattr(row, name) for name in EXPORT_FIELDS} for row in rows]
        if not found:
            return
        for entry in found:
            entry["at"] = entry["at"].isoformat()
            yield entry
        last = found[-1]["id"]
