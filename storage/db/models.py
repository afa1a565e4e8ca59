"""Tables of the results database.

A document is one file's bytes in one matter: its identity is (matter, sha256). Each processing stage
records the version that produced it in `stage_states`, so a re-run redoes exactly what is missing or stale.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from schemas.status import Lifecycle, Status


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    type_annotation_map = {  # noqa: RUF012 - SQLAlchemy reads this class attribute
        dt.datetime: DateTime(timezone=True),
        dict[str, Any]: JSON,
        list[Any]: JSON,
    }


class Stage(StrEnum):
    render = "render"
    ocr = "ocr"
    extract = "extract"
    index = "index"


class Matter(Base):
    __tablename__ = "matters"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    legal_hold: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Document(Base):
    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("matter_id", "sha256", name="uq_documents_matter_sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id", ondelete="CASCADE"), index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    filename: Mapped[str] = mapped_column(String(500))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str | None] = mapped_column(String(16))  # pdf | tiff | image, once probed
    original_key: Mapped[str] = mapped_column(String(300))
    # pending until first processed, then a Status: ok | partial | failed | needs_review
    status: Mapped[str] = mapped_column(String(16), default=Lifecycle.pending, index=True)
    error: Mapped[str | None] = mapped_column(Text)  # why it is failed or partial
    failed_pages: Mapped[list[Any]] = mapped_column(JSON, default=list)  # page numbers, when partial/failed
    page_count: Mapped[int | None] = mapped_column(Integer)
    # Set when a failed document is marked for the next run, or a stage needs to be redone by hand.
    retry_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    # The run working on the document: two runs over the same sources never process it twice at once.
    lease_run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id", ondelete="SET NULL"))
    lease_expires_at: Mapped[dt.datetime | None] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    matter: Mapped[Matter] = relationship()
    sources: Mapped[list[DocumentSource]] = relationship(
        back_populates="document", cascade="all, delete-orphan", order_by="DocumentSource.id"
    )
    pages: Mapped[list[Page]] = relationship(
        back_populates="document", cascade="all, delete-orphan", order_by="Page.number"
    )
    stages: Mapped[list[StageState]] = relationship(cascade="all, delete-orphan")


class DocumentSource(Base):
    """Where a document's bytes were found. The same bytes under two names: one document, two sources."""

    __tablename__ = "document_sources"
    __table_args__ = (UniqueConstraint("document_id", "uri", name="uq_sources_document_uri"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    uri: Mapped[str] = mapped_column(String(1000))
    first_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    document: Mapped[Document] = relationship(back_populates="sources")


class Page(Base):
    __tablename__ = "pages"
    __table_args__ = (UniqueConstraint("document_id", "number", name="uq_pages_document_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)  # 1-based
    image_key: Mapped[str] = mapped_column(String(300))
    thumbnail_key: Mapped[str] = mapped_column(String(300))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    rotation_applied: Mapped[int] = mapped_column(Integer, default=0)  # degrees clockwise
    skew_corrected: Mapped[float] = mapped_column(Float, default=0.0)  # degrees
    # tesseract words: [{"text", "left", "top", "width", "height", "confidence", "block", ...}]
    ocr_words: Mapped[list[Any] | None] = mapped_column(JSON)
    ocr_text: Mapped[str | None] = mapped_column(Text)
    ocr_version: Mapped[str | None] = mapped_column(String(100))

    document: Mapped[Document] = relationship(back_populates="pages")


class StageState(Base):
    """The version of each stage that last ran for a document, and how it ended.

    `status` ok | partial | failed; `failure` the kind of the failures behind partial or failed. A
    transient failure makes the stage not done: the next run redoes it (exactly its failed pages) without
    being asked. A permanent one stands at this version until someone marks the document for retry.
    """

    __tablename__ = "stage_states"
    __table_args__ = (UniqueConstraint("document_id", "stage", name="uq_stage_states_document_stage"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    stage: Mapped[str] = mapped_column(String(16))
    version: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=Status.ok)
    failure: Mapped[str | None] = mapped_column(String(16))
    completed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Extraction(Base):
    """Extracted fields: one row per page (page_number set) and one per document (page_number null)."""

    __tablename__ = "extractions"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    page_number: Mapped[int | None] = mapped_column(Integer)
    engine: Mapped[str] = mapped_column(String(100))
    model: Mapped[str] = mapped_column(String(200))
    version: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(16))  # a Status
    failure: Mapped[str | None] = mapped_column(String(16))  # a FailureKind, when a page failed
    fields: Mapped[dict[str, Any]] = mapped_column(JSON)  # {field: ExtractedField JSON}
    confidence: Mapped[float | None] = mapped_column(Float)  # None: unknown (nothing measured it)
    tokens_in: Mapped[int] = mapped_column(Integer, default=0)
    tokens_out: Mapped[int] = mapped_column(Integer, default=0)
    latency_s: Mapped[float] = mapped_column(Float, default=0.0)
    escalated: Mapped[bool] = mapped_column(Boolean, default=False)
    escalation_reason: Mapped[str | None] = mapped_column(Text)
    errors: Mapped[list[Any]] = mapped_column(JSON, default=list)
    tries: Mapped[list[Any] | None] = mapped_column(JSON)  # a page's PageTry JSON; None before 0008
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Run(Base):
    __tablename__ = "runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # ingest | eval | reindex
    # running, or crashed (a later run found its process gone), else how it ended: ok | partial | failed
    status: Mapped[str] = mapped_column(String(16), default=Lifecycle.running)
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column()
    heartbeat_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    host: Mapped[str] = mapped_column(String(200))
    pid: Mapped[int] = mapped_column(Integer)
    sources: Mapped[list[Any]] = mapped_column(JSON, default=list)
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    error: Mapped[str | None] = mapped_column(Text)


class RunItem(Base):
    """What a run did with each document it saw: new, updated, skipped or failed (with the reason)."""

    __tablename__ = "run_items"
    __table_args__ = (UniqueConstraint("run_id", "document_id", name="uq_run_items_run_document"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), index=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="SET NULL"))
    source_uri: Mapped[str] = mapped_column(String(1000))
    outcome: Mapped[str] = mapped_column(String(16))
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class EvalRun(Base):
    """One scoring of an engine on the golden set; the accuracy trend and the regression baseline."""

    __tablename__ = "eval_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    engine: Mapped[str] = mapped_column(String(100))
    engine_version: Mapped[str] = mapped_column(Text)
    split: Mapped[str] = mapped_column(String(16))
    # The golden set's name (synthetic, cuad, or an external set's folder) and the variant scored; null
    # for runs from before sets had names. Each set's runs are a trend of their own.
    goldset: Mapped[str | None] = mapped_column(String(1000))
    variant: Mapped[str | None] = mapped_column(String(16))
    goldset_hash: Mapped[str] = mapped_column(String(64))
    documents: Mapped[int] = mapped_column(Integer)
    micro_f1: Mapped[float | None] = mapped_column(Float)
    macro_f1: Mapped[float | None] = mapped_column(Float)
    clause_macro_f1: Mapped[float | None] = mapped_column(Float)
    metrics: Mapped[dict[str, Any]] = mapped_column(JSON)  # goldset.metrics.Metrics as JSON
    report_dir: Mapped[str | None] = mapped_column(String(1000))
    # The last accepted run of an engine and split is the regression gate's baseline.
    accepted: Mapped[bool] = mapped_column(Boolean, default=False)
    regressed_fields: Mapped[list[Any]] = mapped_column(JSON, default=list)


class SearchEvalRun(Base):
    """One scoring of search on a golden set's query set; the search-quality trend and its baseline."""

    __tablename__ = "search_eval_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    goldset: Mapped[str] = mapped_column(String(1000))
    split: Mapped[str] = mapped_column(String(16))
    variant: Mapped[str] = mapped_column(String(16))
    encoder_version: Mapped[str] = mapped_column(Text)  # what embedded the passages and pages
    queries_hash: Mapped[str] = mapped_column(String(64))
    queries: Mapped[int] = mapped_column(Integer)
    documents: Mapped[int] = mapped_column(Integer)
    ndcg_at_5: Mapped[float | None] = mapped_column(Float)  # fused, document level: the headline
    metrics: Mapped[dict[str, Any]] = mapped_column(JSON)  # {channel set: goldset SearchMetrics JSON}
    report_dir: Mapped[str | None] = mapped_column(String(1000))
    # The last accepted run of a golden set, split and variant is the regression gate's baseline.
    accepted: Mapped[bool] = mapped_column(Boolean, default=False)
    regressed_metrics: Mapped[list[Any]] = mapped_column(JSON, default=list)


class Calibration(Base):
    """Confidence maps and an escalation threshold fitted on the golden set's dev split, for one small
    model; ingestion and eval apply the newest one (pipeline.thresholds)."""

    __tablename__ = "calibrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    engine_version: Mapped[str] = mapped_column(Text)  # the small model's engine version it was measured on
    split: Mapped[str] = mapped_column(String(16))
    goldset_hash: Mapped[str] = mapped_column(String(64))
    target_accuracy: Mapped[float] = mapped_column(Float)
    threshold: Mapped[float] = mapped_column(Float)
    accuracy: Mapped[float | None] = mapped_column(Float)  # of the answers kept at this threshold
    escalation_rate: Mapped[float] = mapped_column(Float)
    curve: Mapped[list[Any]] = mapped_column(JSON, default=list)  # [{threshold, accuracy, escalation_rate}]
    # The small model's per-field confidence maps (extractors.vlm.calibration) and their version; None in
    # records made before confidence was calibrated (their threshold is on raw scores).
    confidence_map: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    map_version: Mapped[str | None] = mapped_column(String(16))
    points: Mapped[int | None] = mapped_column(Integer)  # found page values fitted on
    # Reliability of those values before and after (cross-fitted): [{lower, upper, count, ...}]
    reliability_raw: Mapped[list[Any] | None] = mapped_column(JSON)
    reliability_calibrated: Mapped[list[Any] | None] = mapped_column(JSON)


class Role(StrEnum):
    lawyer = "lawyer"  # searches and reads the documents of the matters granted to them
    analyst = "analyst"  # accuracy reports and golden-set material; no client documents
    admin = "admin"  # runs, users, audit, every matter


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    grants: Mapped[list[MatterGrant]] = relationship(
        cascade="all, delete-orphan", order_by="MatterGrant.matter"
    )


class MatterGrant(Base):
    """A lawyer may see one matter. By name, so access can be granted before the matter's first ingest."""

    __tablename__ = "matter_grants"
    __table_args__ = (UniqueConstraint("user_id", "matter", name="uq_matter_grants_user_matter"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    matter: Mapped[str] = mapped_column(String(200))
    granted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ApiToken(Base):
    """A bearer token `<token_id>.<secret>`: the id finds the row, only the secret's sha256 is kept."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_id: Mapped[str] = mapped_column(String(32), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    secret_sha256: Mapped[str] = mapped_column(String(64))
    label: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime | None] = mapped_column()
    revoked_at: Mapped[dt.datetime | None] = mapped_column()
    last_used_at: Mapped[dt.datetime | None] = mapped_column()


class AuditEntry(Base):
    """Who searched, viewed or downloaded what, when, and from where. Written, never updated."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(200), index=True)  # user name: entries outlive their users
    action: Mapped[str] = mapped_column(String(32))  # search | view | page | thumbnail | download | purge ...
    client: Mapped[str] = mapped_column(String(200))  # "cli" or the HTTP client's address
    outcome: Mapped[str] = mapped_column(String(16))  # ok | denied | not_found
    document_id: Mapped[int | None] = mapped_column(Integer)  # no FK: a purged document keeps its trail
    matter: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class IndexOutbox(Base):
    """Index updates waiting for the process that owns the embedded index.

    `op` is upsert (one point: `payload` + `vectors`, an .npz of its arrays), or delete_document /
    delete_matter (`target`). Rows are applied in id order, and each is idempotent, so applying one twice
    after a crash changes nothing.
    """

    __tablename__ = "index_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    op: Mapped[str] = mapped_column(String(16))
    point_id: Mapped[str | None] = mapped_column(String(36))
    target: Mapped[str | None] = mapped_column(String(200))
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    vectors: Mapped[bytes | None] = mapped_column(LargeBinary)


class FieldCorrection(Base):
    """A person's answer for one field of one document: the engine's value confirmed, or a corrected one.

    Keyed by document and field path, not by extraction row, so it outlives re-extraction; the newest row
    of a (document, field) is the answer, and the older ones stay as its history. `value` is the schema's
    JSON form (None: "nothing is there"); `old_value` and `old_confidence` are what the engine said then.
    """

    __tablename__ = "field_corrections"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    field: Mapped[str] = mapped_column(String(200))  # "governing_law", "clauses.anti_assignment"
    value: Mapped[Any] = mapped_column(JSON, nullable=True)
    confirmed: Mapped[bool] = mapped_column(Boolean, default=False)  # True: the engine's value, as is
    old_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    old_confidence: Mapped[float | None] = mapped_column(Float)
    actor: Mapped[str] = mapped_column(String(200))  # user name: corrections outlive their users
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
