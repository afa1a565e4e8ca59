"""CascadeEngine: the small model reads every page; the large one re-reads only the pages that need it.

The escalation policy (`escalation_reason`):
- `failed: invalid`: the small model's answer was cut off, not JSON, or did not validate, on every one of
  its tries (the engine asks again at a rising temperature first);
- `failed: transient|permanent`: the small model's server gave no answer (the large one may still read
  the page);
- `low_confidence: f1, f2`: the small model FOUND a value (non-null, non-empty) whose confidence is below
  `threshold`;
- `unknown_confidence: f1, f2`: the small model found a value whose confidence nothing measured (an
  endpoint that returns no logprobs), when `on_unknown_confidence` is `escalate` (the default). With
  `review` such a page is not escalated but kept as `needs_review`: a person looks instead of the 72B.
A field the small model left empty does not escalate, however unsure that "nothing here" was, unless
`empty_threshold` is set and the "nothing here" confidence is below it. Most pages of a contract state no
key term at all; sending each one whose emptiness is not certain to the 70B model would escalate most of
the document. Recall on those pages is better measured on the golden set than bought page by page.

What the page keeps:
- the large model answered validly: its page replaces the small one's (every value records its model);
  `needs_review` when the large model's page would itself have escalated;
- the large model failed or answered invalidly, or no large model is configured: the small model's page is
  kept as `needs_review` (still `failed` if the small model failed too) with the large model's error
  appended: nothing is lost, a person looks. When the large model's failure was transient the page keeps
  that kind, so the next run asks the large model again.
`escalated` says the page was sent to the large model; tokens and latency add up both models' tries, and
`tries` lists them all.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, Field

from extractors.engines.base import ExtractionEngine, PageInput
from extractors.vlm.engine import VlmEngine, map_bounded
from schemas.results import ExtractedField, PageExtraction
from schemas.status import FailureKind, Status


class CascadeConfig(BaseModel):
    threshold: float = Field(default=0.5, ge=0.0, le=1.0)  # a found value below this escalates
    empty_threshold: float | None = Field(default=None, ge=0.0, le=1.0)  # None: empty fields never do
    # A value whose confidence is unknown (no logprobs): sent to the large model, or kept for a person.
    on_unknown_confidence: Literal["escalate", "review"] = "escalate"


class CascadeEngine(ExtractionEngine):
    def __init__(self, small: VlmEngine, large: VlmEngine | None, config: CascadeConfig) -> None:
        super().__init__(small.schema)
        self.small = small
        self.large = large
        self.config = config

    @property
    def name(self) -> str:
        return "cascade"

    @property
    def version(self) -> str:
        large = self.large.version if self.large else "none"
        config = self.config
        policy = f"t={config.threshold}|empty={config.empty_threshold}|unknown={config.on_unknown_confidence}"
        return f"cascade[{self.small.version}|{large}|{policy}]"

    async def extract_pages(self, pages: Sequence[PageInput]) -> list[PageExtraction]:
        # Pages waiting on the large model hold a worker: count its slots too, so the small stays busy.
        workers = self.small.client.config.max_in_flight
        if self.large is not None:
            workers += self.large.client.config.max_in_flight
        return await map_bounded(self._page, pages, workers)

    async def aclose(self) -> None:
        await self.small.aclose()
        if self.large is not None:
            await self.large.aclose()

    def escalation_reason(self, page: PageExtraction) -> str | None:
        """Why `page` should go to the large model, or None when it may stay (see the module docstring)."""
        if page.status is Status.failed:
            return f"failed: {page.failure}"
        low, unknown = self._doubts(page)
        reasons = [f"low_confidence: {', '.join(low)}"] if low else []
        if unknown and self.config.on_unknown_confidence == "escalate":
            reasons.append(f"unknown_confidence: {', '.join(unknown)}")
        return "; ".join(reasons) or None

    def _doubts(self, page: PageExtraction) -> tuple[list[str], list[str]]:
        """The fields of `page` that would escalate: those below their threshold, those unmeasured."""
        low, unknown = [], []
        for name, field in page.fields.items():
            threshold = self._threshold(field)
            if threshold is None:
                continue
            if field.confidence is None:
                unknown.append(name)
            elif field.confidence < threshold:
                low.append(name)
        return low, unknown

    def _threshold(self, field: ExtractedField) -> float | None:
        """The confidence `field` needs to stay, None when it stays whatever its confidence."""
        if any(item.value is not None for item in field.items):
            return self.config.threshold
        return self.config.empty_threshold

    def _needs_review(self, page: PageExtraction) -> bool:
        """A page read, but not sure enough to trust without a person (after the large model, if any)."""
        return self.escalation_reason(page) is not None or bool(self._doubts(page)[1])

    async def _page(self, page: PageInput) -> PageExtraction:
        first = await self.small.extract_page(page)
        reason = self.escalation_reason(first)
        if reason is None:
            if self._needs_review(first):  # unknown confidences, kept for a person by the setting
                unknown = ", ".join(self._doubts(first)[1])
                errors = [*first.errors, f"unknown confidence (no logprobs): {unknown}"]
                return first.model_copy(update={"status": Status.needs_review, "errors": errors})
            return first
        if self.large is None:
            return first.model_copy(
                update={
                    "escalation_reason": reason,
                    "status": _reviewed(first.status),
                    "errors": [*first.errors, "no large model"],
                }
            )
        second = await self.large.extract_page(page)
        spent = {
            "escalated": True,
            "escalation_reason": reason,
            "tokens_in": first.tokens_in + second.tokens_in,
            "tokens_out": first.tokens_out + second.tokens_out,
            "latency_s": first.latency_s + second.latency_s,
            "tries": [*first.tries, *second.tries],
        }
        if second.status is Status.ok:
            unsure = self._needs_review(second)
            return second.model_copy(update={**spent, "status": Status.needs_review if unsure else Status.ok})
        errors = [*first.errors, *(f"large model {second.model}: {error}" for error in second.errors)]
        # The small model's failure kind stands when it failed. Else the page was read, and keeps a kind only
        # when the large model's failure was transient: the next run asks it again. A refusal (4xx) or an
        # invalid answer would only repeat, and a read page is not a failed one (see PageExtraction).
        if first.status is Status.failed:
            failure = first.failure
        else:
            failure = second.failure if second.failure is FailureKind.transient else None
        return first.model_copy(
            update={**spent, "status": _reviewed(first.status), "failure": failure, "errors": errors}
        )


def _reviewed(status: Status) -> Status:
    """A page the large model could not settle: a person looks, unless nothing was read at all."""
    return Status.failed if status is Status.failed else Status.needs_review
