"""The results database: SQLAlchemy models, sessions and Alembic migrations."""

from storage.db.engine import Database, open_database
from storage.db.models import (
    Calibration,
    Document,
    DocumentSource,
    EvalRun,
    Extraction,
    Matter,
    Page,
    Run,
    RunItem,
    StageState,
)

__all__ = [
    "Calibration",
    "Database",
    "Document",
    "DocumentSource",
    "EvalRun",
    "Extraction",
    "Matter",
    "Page",
    "Run",
    "RunItem",
    "StageState",
    "open_database",
]
