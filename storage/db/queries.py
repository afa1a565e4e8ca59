"""Read-side queries shared by the CLI, the web app and the JSON API (one copy of each question)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from schemas.status import Status
from storage.db.audit import EXPORT_FIELDS
from storage.db.engine import Database
from storage.db.models import (
    ApiToken,
    AuditEntry,
    Document,
    EvalRun,
    Extraction,
    Matter,
    Run,
    RunItem,
    SearchEvalRun,
    User,
    utcnow,
)


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _summary(document: Document) -> dict[str, Any]:
    return {
        "id": document.id,
        "matter": document.matter.name,
        "filename": document.filename,
        "sha256": document.sha256,
        "status": document.status,
        "pages": document.page_count,
        "error": document.error,
        "failed_pages": list(document.failed_pages or []),
        "updated_at": _iso(document.updated_at),
    }


def list_documents(db: Database, matters: list[str] | None = None) -> list[dict[str, Any]]:
    """Every document (or those of the given matters), newest first."""
    with db.session() as session:
        query = select(Document).options(selectinload(Document.matter)).order_by(Document.id.desc())
        if matters is not None:
            query = query.join(Matter).where(Matter.name.in_(matters))
        return [_summary(document) for document in session.scalars(query)]


def document_detail(db: Database, document_id: int) -> dict[str, Any] | None:
    """One document with its sources, stage versions, pages and extracted fields."""
    with db.session() as session:
        document = session.get(Document, document_id)
        if document is None:
            return None
        extraction = session.scalar(
            select(Extraction).where(Extraction.document_id == document_id, Extraction.page_number.is_(None))
        )
        # Each page's extraction outcome: what a failed or partial document's listed pages say.
        page_results = {
            row.page_number: row
            for row in session.scalars(
                select(Extraction).where(
                    Extraction.document_id == document_id, Extraction.page_number.is_not(None)
                )
            )
        }
        return {
            **_summary(document),
            "kind": document.kind,
            "size_bytes": document.size_bytes,
            "created_at": _iso(document.created_at),
            "sources": [source.uri for source in document.sources],
            "stages": {
                state.stage: {
                    "version": state.version,
                    "status": state.status,
                    "failure": state.failure,
                    "completed_at": _iso(state.completed_at),
                }
                for state in document.stages
            },
            "page_list": [
                {
                    "number": page.number,
                    "width": page.width,
                    "height": page.height,
                    "rotation_applied": page.rotation_applied,
                    "skew_corrected": page.skew_corrected,
                    "words": len(page.ocr_words or []),
                    # What read the page: tesseract (and its settings) or the PDF's text layer.
                    "ocr_version": page.ocr_version,
                    "extraction": _page_outcome(page_results.get(page.number)),
                }
                for page in document.pages
            ],
            "extraction": None
            if extraction is None
            else {
                "engine": extraction.engine,
                "model": extraction.model,
                "version": extraction.version,
                "status": extraction.status,
                "confidence": extraction.confidence,
                "fields": extraction.fields,
            },
        }


def _page_outcome(row: Extraction | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {
        "status": row.status,
        "failure": row.failure,
        "model": row.model,
        "errors": row.errors,
        "escalated": row.escalated,
        "confidence": row.confidence,
    }


# --- the web pages' questions (sign-in sessions, search filters, reports, runs, audit) ---


def active_token_user(db: Database, token_id: str) -> str | None:
    """The user name of a token that is neither revoked nor expired (a signed-in session rests on it)."""
    with db.session() as session:
        row = session.execute(
            select(ApiToken.revoked_at, ApiToken.expires_at, User.name)
            .join(User, User.id == ApiToken.user_id)
            .where(ApiToken.token_id == token_id)
        ).first()
    if row is None or row.revoked_at is not None:
        return None
    expires = row.expires_at
    if expires is not None and (expires if expires.tzinfo else expires.replace(tzinfo=dt.UTC)) < utcnow():
        return None
    return row.name


def merged_fields(db: Database, document_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """The document-level extracted fields ({field: ExtractedField JSON}) of each document that has them."""
    ids = set(document_ids)
    if not ids:
        return {}
    with db.session() as session:
        rows = session.execute(
            select(Extraction.document_id, Extraction.fields).where(
                Extraction.document_id.in_(ids), Extraction.page_number.is_(None)
            )
        ).all()
    return {document_id: fields for document_id, fields in rows}


def document_names(db: Database, document_ids: Iterable[int]) -> dict[int, str]:
    ids = set(document_ids)
    with db.session() as session:
        rows = session.execute(select(Document.id, Document.filename).where(Document.id.in_(ids))).all()
    return {document_id: name for document_id, name in rows}


def page_extractions(db: Database, document_id: int) -> dict[int, dict[str, Any]]:
    """Per page: the engine, model and whether the page was escalated to the large model."""
    with db.session() as session:
        rows = session.scalars(
            select(Extraction).where(
                Extraction.document_id == document_id, Extraction.page_number.is_not(None)
            )
        )
        return {
            row.page_number: {
                "engine": row.engine,
                "model": row.model,
                "escalated": row.escalated,
                "escalation_reason": row.escalation_reason,
            }
            for row in rows
            if row.page_number is not None
        }


def filter_values(db: Database, matters: list[str]) -> dict[str, list[str]]:
    """The parties and governing laws extracted from the matters' documents: the search page's choices."""
    values: dict[str, set[str]] = {"parties": set(), "governing_law": set()}
    with db.session() as session:
        rows = session.scalars(
            select(Extraction.fields)
            .join(Document, Document.id == Extraction.document_id)
            .join(Matter)
            .where(Extraction.page_number.is_(None), Matter.name.in_(matters))
        )
        for fields in rows:
            for name, found in values.items():
                for item in (fields.get(name) or {}).get("items", []):
                    value = item.get("value")
                    text = value.get("name") if isinstance(value, dict) else value
                    if isinstance(text, str) and text:
                        found.add(text)
    return {name: sorted(found) for name, found in values.items()}


def eval_runs(db: Database) -> list[dict[str, Any]]:
    """Every stored accuracy run, oldest first, without its metrics (read those with `eval_run`)."""
    with db.session() as session:
        runs = session.scalars(select(EvalRun).order_by(EvalRun.id))
        return [
            {
                "id": run.id,
                "created_at": run.created_at,
                "engine": run.engine,
                "engine_version": run.engine_version,
                "split": run.split,
                # Runs from before golden sets had names scored the synthetic set.
                "goldset": run.goldset or "synthetic",
                "variant": run.variant,
                "documents": run.documents,
                "micro_f1": run.micro_f1,
                "macro_f1": run.macro_f1,
                "clause_macro_f1": run.clause_macro_f1,
                "accepted": run.accepted,
                "regressed_fields": run.regressed_fields,
                "has_report": run.report_dir is not None,
            }
            for run in runs
        ]


def _headline(metrics: dict[str, Any]) -> dict[str, dict[str, float | None]]:
    """Per channel set, the means the reports page shows (a level without graded queries is None)."""

    def mean(level: dict[str, Any] | None, figure: str) -> float | None:
        return None if level is None else level[figure]["mean"]

    return {
        name: {
            "ndcg_at_5": mean(found.get("documents"), "ndcg_at_5"),
            "ndcg_at_10": mean(found.get("documents"), "ndcg_at_10"),
            "recall_at_10": mean(found.get("documents"), "recall_at_10"),
            "mrr": mean(found.get("documents"), "mrr"),
            "page_ndcg_at_5": mean(found.get("pages"), "ndcg_at_5"),
            "correct_abstentions": found.get("correct_abstentions"),
        }
        for name, found in metrics.items()
    }


def search_eval_runs(db: Database) -> list[dict[str, Any]]:
    """Every stored search-quality run, oldest first, with each channel set's headline figures."""
    with db.session() as session:
        return [
            {
                "id": run.id,
                "created_at": run.created_at,
                "goldset": run.goldset,
                "split": run.split,
                "variant": run.variant,
                "queries": run.queries,
                "documents": run.documents,
                "ndcg_at_5": run.ndcg_at_5,
                "channels": _headline(run.metrics),
                "accepted": run.accepted,
                "regressed_metrics": run.regressed_metrics,
                "has_report": run.report_dir is not None,
            }
            for run in session.scalars(select(SearchEvalRun).order_by(SearchEvalRun.id))
        ]


def search_eval_report_dir(db: Database, run_id: int) -> str | None:
    with db.session() as session:
        run = session.get(SearchEvalRun, run_id)
        return None if run is None else run.report_dir


def eval_run(db: Database, run_id: int) -> tuple[dict[str, Any], str | None] | None:
    """One accuracy run's metrics (goldset.metrics.Metrics JSON) and its report folder."""
    with db.session() as session:
        run = session.get(EvalRun, run_id)
        return None if run is None else (run.metrics, run.report_dir)


def runs(db: Database, limit: int = 50) -> list[dict[str, Any]]:
    """The newest runs (ingest, eval, reindex) with their counts and how long they took."""
    with db.session() as session:
        rows = session.scalars(select(Run).order_by(Run.id.desc()).limit(limit))
        return [
            {
                "id": run.id,
                "kind": run.kind,
                "status": run.status,
                "started_at": run.started_at,
                "finished_at": run.finished_at,
                "duration_s": max(0.0, (run.finished_at - run.started_at).total_seconds())
                if run.finished_at is not None
                else None,
                "host": run.host,
                "counts": run.counts,
                "error": run.error,
            }
            for run in rows
        ]


def failed_documents(db: Database) -> list[dict[str, Any]]:
    """Documents that failed or came through in part, with the reason, pages and the last run that said so."""
    with db.session() as session:
        documents = session.scalars(
            select(Document)
            .where(Document.status.in_((Status.failed, Status.partial)))
            .options(selectinload(Document.matter))
            .order_by(Document.id)
        )
        found = []
        for document in documents:
            last_run = session.scalar(
                select(func.max(RunItem.run_id)).where(
                    RunItem.document_id == document.id, RunItem.outcome.in_(("failed", "partial"))
                )
            )
            found.append(
                {
                    **_summary(document),
                    "retry_requested": document.retry_requested,
                    "last_failed_run": last_run,
                }
            )
        return found


@dataclass(frozen=True)
class AuditFilter:
    actor: str | None = None
    action: str | None = None
    since: dt.date | None = None  # inclusive, UTC days
    until: dt.date | None = None  # inclusive


def audit_entries(
    db: Database, flt: AuditFilter, *, newest_first: bool = True, batch: int = 500
) -> Iterator[dict[str, Any]]:
    """The audit entries matching `flt`, in the export shape of storage.db.audit, read in batches."""
    clauses = []
    if flt.actor:
        clauses.append(AuditEntry.actor == flt.actor)
    if flt.action:
        clauses.append(AuditEntry.action == flt.action)
    if flt.since is not None:
        clauses.append(AuditEntry.at >= dt.datetime.combine(flt.since, dt.time(), dt.UTC))
    if flt.until is not None:
        next_day = flt.until + dt.timedelta(days=1)
        clauses.append(AuditEntry.at < dt.datetime.combine(next_day, dt.time(), dt.UTC))
    order = AuditEntry.id.desc() if newest_first else AuditEntry.id
    last: int | None = None
    while True:
        query = select(AuditEntry).where(*clauses).order_by(order).limit(batch)
        if last is not None:
            query = query.where(AuditEntry.id < last if newest_first else AuditEntry.id > last)
        with db.session() as session:
            found = [{name: getattr(row, name) for name in EXPORT_FIELDS} for row in session.scalars(query)]
        if not found:
            return
        for entry in found:
            yield {**entry, "at": entry["at"].isoformat()}
        last = found[-1]["id"]


def audit_actions(db: Database) -> list[str]:
    with db.session() as session:
        return list(session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)))


def accuracy_runs(db: Database, limit: int = 50) -> list[dict[str, Any]]:
    """The newest accuracy runs, extraction and search together, newest first, with their headline figure.

    They are not ingest runs (each scores the golden set in a data home of its own), so the runs page lists
    them apart; each links to its report.
    """
    with db.session() as session:
        extraction = [
            {
                "kind": "extraction",
                "id": run.id,
                "created_at": run.created_at,
                "subject": run.engine,
                "goldset": run.goldset,
                "variant": run.variant,
                "split": run.split,
                "documents": run.documents,
                "headline": ("micro F1", run.micro_f1),
                "accepted": run.accepted,
                "regressed": run.regressed_fields,
                "report": f"/reports/{run.id}/report.html",
            }
            for run in session.scalars(select(EvalRun).order_by(EvalRun.id.desc()).limit(limit))
        ]
        search = [
            {
                "kind": "search",
                "id": run.id,
                "created_at": run.created_at,
                "subject": run.encoder_version,
                "goldset": run.goldset,
                "variant": run.variant,
                "split": run.split,
                "documents": run.documents,
                "headline": ("nDCG@5", run.ndcg_at_5),
                "accepted": run.accepted,
                "regressed": run.regressed_metrics,
                "report": f"/reports/search/{run.id}/report.html",
            }
            for run in session.scalars(select(SearchEvalRun).order_by(SearchEvalRun.id.desc()).limit(limit))
        ]
    return sorted(extraction + search, key=lambda run: run["created_at"], reverse=True)[:limit]
