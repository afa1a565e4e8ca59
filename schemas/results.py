"""What an engine returns: each value with its confidence, its evidence on the page and who produced it.

Failures are data: a page result carries a status and its errors instead of raising across stages.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field


class BoundingBox(BaseModel):
    """Pixel box (x0, y0, x1, y1) on the upright page image whose size is given beside it."""

    x0: int
    y0: int
    x1: int
    y1: int

    def as_list(self) -> list[int]:
        return [self.x0, self.y0, self.x1, self.y1]


class Evidence(BaseModel):
    page: int = Field(ge=1)
    text: str
    bbox: BoundingBox | None = None
    page_width: int | None = None
    page_height: int | None = None


class ExtractedValue(BaseModel):
    """One value of a field. For list fields (parties, signatories) one of these per element.

    `value` is the JSON form of the schema's value (an ISO string for a date, an object for a party);
    `None` means the engine found nothing, and `confidence` is then its confidence that nothing is there.
    """

    value: Any = None
    confidence: float = Field(ge=0.0, le=1.0)
    evidence: Evidence | None = None
    engine: str
    model: str


class ExtractedField(BaseModel):
    """A field of the schema as read from a page or merged over a document.

    Scalar fields have at most one item; list fields one item per element. `confidence` is the field's
    confidence as a whole (the lowest of its items, or the confidence of "nothing here" when empty).
    """

    items: list[ExtractedValue] = Field(default_factory=list)
    confidence: float = Field(ge=0.0, le=1.0)
    conflicts: list[ExtractedValue] = Field(default_factory=list)


class PageStatus(StrEnum):
    ok = "ok"
    invalid = "invalid"  # the engine answered, but not with valid output for the schema
    failed = "failed"  # the engine could not answer (server down, timeout)


class PageExtraction(BaseModel):
    page: int = Field(ge=1)
    status: PageStatus
    engine: str
    model: str
    fields: dict[str, ExtractedField] = Field(default_factory=dict)
    confidence: float = Field(ge=0.0, le=1.0)  # lowest over the page's fields; 0 when invalid
    tokens_in: int = 0
    tokens_out: int = 0
    latency_s: float = 0.0
    escalated: bool = False
    escalation_reason: str | None = None
    needs_review: bool = False
    errors: list[str] = Field(default_factory=list)


class DocumentExtraction(BaseModel):
    """Page results merged into one record for the document."""

    fields: dict[str, ExtractedField]
    pages: list[PageExtraction]
    needs_review: bool = False
