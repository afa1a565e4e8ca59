"""What an engine returns: each value with its confidence, its evidence on the page and who produced it.

Failures are data: a page result carries a status and its errors instead of raising across stages.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from schemas.status import FailureKind, Status


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
    `confidence` None: unknown (nothing measured it, e.g. a model endpoint that returns no logprobs).
    """

    value: Any = None
    confidence: float | None = Field(ge=0.0, le=1.0)
    # The model's own score before calibration (extractors.vlm.calibration); None: not calibrated.
    raw_confidence: float | None = Field(default=None, ge=0.0, le=1.0)
    evidence: Evidence | None = None
    engine: str
    model: str


class ExtractedField(BaseModel):
    """A field of the schema as read from a page or merged over a document.

    Scalar fields have at most one item; list fields one item per element. `confidence` is the field's
    confidence as a whole (the lowest of its items, or the confidence of "nothing here" when empty);
    None when unknown (any of its items' is).
    """

    items: list[ExtractedValue] = Field(default_factory=list)
    confidence: float | None = Field(ge=0.0, le=1.0)
    raw_confidence: float | None = Field(default=None, ge=0.0, le=1.0)  # before calibration, if calibrated
    conflicts: list[ExtractedValue] = Field(default_factory=list)


class PageTry(BaseModel):
    """One request for one page to one model: the engine retries an unusable answer (cut off, not JSON,
    not the schema) on the same model at a higher temperature, and each try is paid for."""

    model: str
    temperature: float
    max_tokens: int
    tokens_in: int = 0
    tokens_out: int = 0
    latency_s: float = 0.0
    error: str | None = None  # why the answer was not usable; None for the answer kept


class PageExtraction(BaseModel):
    """One page as an engine read it.

    `status` is `ok`, `needs_review` (read, but a person must look: e.g. the large model was down and the
    small model's answer was kept) or `failed` (nothing usable); `failure` says what kind of failure it
    was, and is also set on a `needs_review` page whose missing part is worth redoing (transient).
    """

    page: int = Field(ge=1)
    status: Status
    failure: FailureKind | None = None
    engine: str
    model: str
    fields: dict[str, ExtractedField] = Field(default_factory=dict)
    # Lowest over the page's fields; None when one of them is unknown; 0 when failed.
    confidence: float | None = Field(ge=0.0, le=1.0)
    tokens_in: int = 0  # summed over `tries`
    tokens_out: int = 0
    latency_s: float = 0.0
    tries: list[PageTry] = Field(default_factory=list)  # every request, both models' when escalated
    escalated: bool = False
    escalation_reason: str | None = None
    errors: list[str] = Field(default_factory=list)

    @property
    def usable(self) -> bool:
        return self.status is not Status.failed

    @property
    def redo(self) -> bool:
        """Whether the next run should read this page again without being asked."""
        return self.failure is FailureKind.transient


class DocumentExtraction(BaseModel):
    """Page results merged into one record for the document, with the document's status.

    `status`: `failed` when more than the error budget's share of pages failed, `partial` when some did
    (`failed_pages`), else `needs_review` when a page needs a person, else `ok`.
    """

    fields: dict[str, ExtractedField]
    pages: list[PageExtraction]
    status: Status
    failed_pages: list[int] = Field(default_factory=list)
    reason: str | None = None  # why the document is failed or partial, for people

    @property
    def redo_pages(self) -> list[int]:
        return [page.page for page in self.pages if page.redo]
