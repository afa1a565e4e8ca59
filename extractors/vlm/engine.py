"""VlmEngine: any pydantic schema, read page by page by a vision-language model over an OpenAI-compatible API.

Per page: prompt (prompt.py) -> guided JSON completion with logprobs (client.py) -> pydantic validation ->
per-field confidence (confidence.py) -> PageExtraction. A page whose answer is cut off, is not JSON or does
not validate is `failed` (kind `invalid`) with confidence 0; a page the server could not answer is
`failed` with the kind its call failure implies (transient unless the server refused our request).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

from extractors.engines.base import ExtractionEngine, PageInput
from extractors.vlm.client import ChatClient, Completion, Failure
from extractors.vlm.confidence import (
    ConfidenceMethod,
    FieldConfidence,
    TokenSpans,
    field_confidences,
    page_confidence,
    parse_spans,
)
from extractors.vlm.json_schema import GuidedSchema, SchemaBounds, guided_schema
from extractors.vlm.prompt import PROMPT_VERSION, PromptConfig, page_messages
from schemas.introspect import flatten_values, nested_fields
from schemas.ocr import PageOcr
from schemas.results import Evidence, ExtractedField, ExtractedValue, PageExtraction
from schemas.status import FailureKind, Status

ENGINE_NAME = "vlm"

# Grounding (tying a value to OCR boxes) belongs to another module; the engine only calls it if given one.
Grounder = Callable[[Any, PageOcr, int], Evidence | None]


async def map_bounded(
    work: Callable[[PageInput], Awaitable[PageExtraction]], pages: Sequence[PageInput], workers: int
) -> list[PageExtraction]:
    """`work` over `pages` by `workers` coroutines, results in page order.

    The client bounds requests in flight; this bounds the pages being prepared. Without it every page of a
    document would build its prompt (a base64 page image) up front: the first request would leave only
    after all of them, and memory would hold them all.
    """
    results: list[PageExtraction | None] = [None] * len(pages)
    queue = iter(enumerate(pages))  # shared: each worker takes the next page when it is free

    async def worker() -> None:
        for index, page in queue:
            results[index] = await work(page)

    await asyncio.gather(*(worker() for _ in range(min(workers, len(pages)))))
    return [result for result in results if result is not None]


class VlmEngine(ExtractionEngine):
    """Extraction of `schema` from page images by the model `client` talks to."""

    def __init__(
        self,
        schema: type[BaseModel],
        client: ChatClient,
        *,
        prompt: PromptConfig | None = None,
        confidence: ConfidenceMethod = ConfidenceMethod.joint,
        bounds: SchemaBounds | None = None,
        ground: Grounder | None = None,
    ) -> None:
        super().__init__(schema)
        self.client = client
        self.prompt = prompt or PromptConfig()
        self.confidence = confidence
        self.guided: GuidedSchema = guided_schema(schema, bounds)
        self._ground = ground

    @property
    def name(self) -> str:
        return ENGINE_NAME

    @property
    def model(self) -> str:
        return self.client.config.model

    @property
    def version(self) -> str:
        return (
            f"{ENGINE_NAME}:{self.model}:{PROMPT_VERSION}:{self.guided.version}"
            f":conf-{self.confidence}:chars-{self.prompt.max_text_chars}"
        )

    async def extract_pages(self, pages: Sequence[PageInput]) -> list[PageExtraction]:
        return await map_bounded(self.extract_page, pages, self.client.config.max_in_flight)

    async def extract_page(self, page: PageInput) -> PageExtraction:
        messages = page_messages(self.guided, page.image_jpeg, page.ocr.text, self.prompt)
        result = await self.client.chat_json(messages, self.guided.name, self.guided.schema)
        if isinstance(result, Failure):
            errors = [f"{result.kind}: {result.message}"]
            return self._failed(page, result.kind.pipeline_kind, errors, latency_s=result.latency_s)
        return self._read_answer(page, result)

    async def aclose(self) -> None:
        await self.client.aclose()

    def _read_answer(self, page: PageInput, completion: Completion) -> PageExtraction:
        usage = {
            "tokens_in": completion.prompt_tokens,
            "tokens_out": completion.completion_tokens,
            "latency_s": completion.latency_s,
        }
        if completion.truncated:
            error = f"answer cut off at max_tokens={self.client.config.max_tokens}"
            return self._failed(page, FailureKind.invalid, [error], **usage)
        try:
            root = parse_spans(completion.content)
            answer = self.schema.model_validate(root.value)
        except (ValidationError, ValueError) as error:
            return self._failed(page, FailureKind.invalid, [f"invalid answer: {error}"[:2000]], **usage)
        spans = TokenSpans(completion.content, completion.tokens)
        groups = nested_fields(self.schema)
        confidences = field_confidences(root, spans, self.confidence, groups)
        values = flatten_values(self.schema, answer.model_dump(mode="json", by_alias=True))
        fields = {key: self._field(value, confidences.get(key), page) for key, value in values.items()}
        return PageExtraction(
            page=page.number,
            status=Status.ok,
            engine=ENGINE_NAME,
            model=self.model,
            fields=fields,
            confidence=page_confidence(f.confidence for f in fields.values()),
            **usage,
        )

    def _field(self, value: Any, confidence: FieldConfidence | None, page: PageInput) -> ExtractedField:
        if confidence is None:
            # The key was not in the answer (only possible without guided decoding): nothing to trust.
            confidence = FieldConfidence(field=0.0, items=[0.0])
        elements = value if isinstance(value, list) else [value]
        items = [
            ExtractedValue(
                value=element,
                confidence=item_confidence,
                evidence=self._evidence(element, page),
                engine=ENGINE_NAME,
                model=self.model,
            )
            for element, item_confidence in zip(elements, confidence.items, strict=False)
        ]
        return ExtractedField(items=items, confidence=confidence.field)

    def _evidence(self, value: Any, page: PageInput) -> Evidence | None:
        if value is True:
            # A clause the model says is present: the page is the evidence (the answer names no words).
            return Evidence(page=page.number, text="", page_width=page.ocr.width, page_height=page.ocr.height)
        if self._ground is None or value is None:
            return None
        return self._ground(value, page.ocr, page.number)

    def _failed(self, page: PageInput, kind: FailureKind, errors: list[str], **usage: Any) -> PageExtraction:
        """A page without values: confidence 0, so the cascade never takes it for a confident answer."""
        return PageExtraction(
            page=page.number,
            status=Status.failed,
            failure=kind,
            engine=ENGINE_NAME,
            model=self.model,
            confidence=0.0,
            errors=errors,
            **usage,
        )
