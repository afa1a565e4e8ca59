"""Bounds of the numbers in addresses: ids fit the database's 64-bit integers, page numbers a document.

Unbounded, `/api/documents/9223372036854775808` reached the database and ended in a 500 (SQLite refuses
an integer past 2**63 - 1); bounded here, it is a 422 naming the limit before anything is looked up.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

MAX_ROW_ID = 2**63 - 1  # the largest id a BIGINT / SQLite INTEGER holds
MAX_PAGE = 100_000  # far past any contract; keeps page arithmetic and lookups small

RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID, description="A document's or a run's id.")]
PageNumber = Annotated[int, Path(ge=1, le=MAX_PAGE, description="A page number, from 1.")]
OutcomeIndex = Annotated[int, Path(ge=0, le=MAX_ROW_ID, description="A scored document's place in a run.")]

# A question in words: the search page's box and the API take the same length, and the audit log keeps it.
MAX_QUERY_CHARS = 500
