"""The results database: SQLAlchemy models, sessions and Alembic migrations."""

from storage.db.engine import Database, open_database
from storage.db.models import (
    ApiToken,
    AuditEntry,
    Calibration,
    Document,
    DocumentSource,
    EvalRun,
    Extraction,
    IndexOutbox,
    Matter,
    MatterGrant,
    Page,
    Role,
    Run,
    RunItem,
    SearchEvalRun,
    StageState,
    User,
)

__all__ = [
    "ApiToken",
    "AuditEntry",
    "Calibration",
    "Database",
    "Document",
    "DocumentSource",
    "EvalRun",
    "Extraction",
    "IndexOutbox",
    "Matter",
    "MatterGrant",
    "Page",
    "Role",
    "Run",
    "RunItem",
    "SearchEvalRun",
    "StageState",
    "User",
    "open_database",
]
