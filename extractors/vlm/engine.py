"""VlmEngine: any pydantic schema, read page by page by a vision-language model over an OpenAI-compatible API.

Per page: prompt (prompt.py) -> guided JSON completion with logprobs (client.py) -> pydantic validation ->
per-field confidence (confidence.py) -> the stored calibration, if any (calibration.py) -> PageExtraction.

An answer that is cut off at max_tokens, is not JSON or does not validate is asked for again on the same
model, at a rising temperature (olmOCR's ladder: greedy decoding would only repeat the same answer), up to
`TryConfig.max_tries`; a page still without a usable answer is `failed` (kind `invalid`) with confidence 0,
and the cascade escalates it. Each try is recorded on the page (`tries`), its tokens summed into the
page's. A page the server could not answer is `failed` at once with the kind its call failure implies
(transient unless the server refused our request): the client has retried it already.

What is sent follows the endpoint's capabilities (`EndpointCapabilities`). A server that takes no
temperature samples at its own: the tries still happen (a sampled answer may differ), each recorded at
`server_temperature`, but the ladder cannot rise.

Confidence comes from the answer's logprobs. An answer without them (an endpoint that does not return
them) has every confidence unknown, unless the endpoint sets `agreement_samples` and takes a temperature:
then the page is asked for that many more times at `agreement_temperature` and each field is as sure as
the share of answers that agree with the first (agreement.py). Those samples are tries of the page too,
recorded after the answer kept and paid for; one that fails or is invalid counts as disagreeing, and no
retry replaces it. The engine version names the agreement setting (`:agree-N@T`), so pages say how their
confidence was measured.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel, Field, ValidationError

from extractors.engines.base import ExtractionEngine, PageInput
from extractors.vlm.agreement import agreement_confidences
from extractors.vlm.calibration import ConfidenceCalibration
from extractors.vlm.client import ChatClient, ChatResult, Completion, Failure
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
from schemas.results import Evidence, ExtractedField, ExtractedValue, PageExtraction, PageTry
from schemas.status import FailureKind, Status

ENGINE_NAME = "vlm"

# Pages whose prompt (the resized page image) is built ahead of a free request slot, so a slot that frees
# up is refilled at once instead of after the image work.
PREPARED_AHEAD = 8

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


class TryConfig(BaseModel):
    """How often one model is asked for a page whose answer was unusable, and at which temperatures."""

    max_tries: int = Field(default=3, ge=1)  # the first try included
    # Try n samples at temperatures[n], the last one beyond. The first is greedy: its logprobs are the
    # confidence calibration was fitted on.
    temperatures: list[Annotated[float, Field(ge=0.0, le=2.0)]] = Field(
        default=[0.0, 0.1, 0.2, 0.3, 0.5, 0.8], min_length=1
    )

    def temperature(self, index: int) -> float:
        return self.temperatures[min(index, len(self.temperatures) - 1)]


@dataclass(frozen=True)
class _Answer:
    """A usable answer: its values by field path and their confidences from its logprobs."""

    values: dict[str, Any]
    confidences: dict[str, FieldConfidence]
    measured: bool  # False: it came without logprobs, every confidence is unknown


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
        tries: TryConfig | None = None,
        max_tokens: int | None = None,
    ) -> None:
        super().__init__(schema)
        self.client = client
        self.tries = tries or TryConfig()
        self.max_tokens = max_tokens or client.config.max_tokens
        self.prompt = prompt or PromptConfig()
        self.confidence = confidence
        self.guided: GuidedSchema = guided_schema(schema, bounds)
        self._ground = ground
        # The stored per-field confidence maps (pipeline.thresholds applies the newest): found values
        # report the calibrated probability and keep their raw score.
        self.calibration: ConfidenceCalibration | None = None
        # Two threads for the page images (PIL works without the GIL): more would contend with the event
        # loop for the GIL and delay every answer in flight.
        self._images = ThreadPoolExecutor(max_workers=2, thread_name_prefix="page-image")

    @property
    def name(self) -> str:
        return ENGINE_NAME

    @property
    def model(self) -> str:
        return self.client.config.model

    @property
    def version(self) -> str:
        if self.calibration is None:
            return self.uncalibrated_version
        return f"{self.uncalibrated_version}:cal-{self.calibration.version}"

    @property
    def uncalibrated_version(self) -> str:
        """What produces the raw scores: the version calibrations are fitted for and looked up by."""
        return (
            f"{ENGINE_NAME}:{self.model}:{PROMPT_VERSION}:{self.guided.version}"
            f":conf-{self.confidence}:chars-{self.prompt.max_text_chars}"
            f":tokens-{self.max_tokens}:tries-{self.tries.max_tries}"
            f":{self.client.config.image_limits.version}{self._endpoint_version}"
        )

    @property
    def _endpoint_version(self) -> str:
        """How the endpoint's settings change requests and confidences; empty for vLLM's defaults, so
        those versions stay as they were."""
        endpoint = self.client.config
        tag = endpoint.capabilities.tag
        version = f":api-{tag}" if tag else ""
        if endpoint.agreement:
            version += f":agree-{endpoint.agreement_samples}@{endpoint.agreement_temperature}"
        return version

    async def extract_pages(self, pages: Sequence[PageInput]) -> list[PageExtraction]:
        return await map_bounded(self.extract_page, pages, self.client.config.max_in_flight + PREPARED_AHEAD)

    async def extract_page(self, page: PageInput) -> PageExtraction:
        image = self.client.config.image_limits
        # Resizing and encoding the page image takes tens of milliseconds: off the event loop, where
        # they would hold up every other request in flight (PIL releases the GIL while it works).
        messages = await asyncio.get_running_loop().run_in_executor(
            self._images, page_messages, self.guided, page.image_jpeg, page.ocr.text, self.prompt, image
        )
        tries: list[PageTry] = []
        for index in range(self.tries.max_tries):
            temperature = self._temperature(index)
            result = await self._ask(messages, temperature)
            if isinstance(result, Failure):
                # The client has retried what a retry could fix: asking again here would stack retries.
                error = _call_error(result)
                tries.append(self._try(temperature, result, error))
                return self._failed(page, result.kind.pipeline_kind, [error], tries)
            read = self._read_answer(result)
            tries.append(self._try(temperature, result, read if isinstance(read, str) else None))
            if isinstance(read, _Answer):
                confidences = read.confidences
                if not read.measured and self.client.config.agreement:
                    confidences, samples = await self._agreement(messages, read)
                    tries.extend(samples)
                return self._page(page, read.values, confidences).model_copy(update=_spent(tries))
        errors = [f"{t.error} (try {n}, temperature {t.temperature})" for n, t in enumerate(tries, 1)]
        return self._failed(page, FailureKind.invalid, errors, tries)

    async def aclose(self) -> None:
        await self.client.aclose()
        self._images.shutdown(wait=False)

    def _temperature(self, index: int) -> float:
        """The temperature of try `index`: the ladder's, or the server's own when it takes none."""
        capabilities = self.client.config.capabilities
        return self.tries.temperature(index) if capabilities.temperature else capabilities.server_temperature

    async def _ask(self, messages: list[dict[str, Any]], temperature: float) -> ChatResult:
        guided = self.guided
        return await self.client.chat_json(
            messages, guided.name, guided.schema, temperature=temperature, max_tokens=self.max_tokens
        )

    async def _agreement(
        self, messages: list[dict[str, Any]], first: _Answer
    ) -> tuple[dict[str, FieldConfidence], list[PageTry]]:
        """Confidences of `first` by its agreement with more samples of the page, and the samples' tries."""
        endpoint = self.client.config
        temperature = endpoint.agreement_temperature
        results = await asyncio.gather(
            *(self._ask(messages, temperature) for _ in range(endpoint.agreement_samples))
        )
        samples: list[dict[str, Any] | None] = []  # None: failed or invalid, disagrees on every field
        tries: list[PageTry] = []
        for result in results:
            read = _call_error(result) if isinstance(result, Failure) else self._read_answer(result)
            samples.append(read.values if isinstance(read, _Answer) else None)
            tries.append(self._try(temperature, result, read if isinstance(read, str) else None))
        return agreement_confidences(first.values, samples), tries

    def _try(self, temperature: float, result: ChatResult, error: str | None) -> PageTry:
        """One request as recorded on the page: a failed call spent time, an answered one tokens too."""
        spent: dict[str, Any] = {"latency_s": result.latency_s}
        if isinstance(result, Completion):
            spent.update(tokens_in=result.prompt_tokens, tokens_out=result.completion_tokens)
        return PageTry(
            model=self.model, temperature=temperature, max_tokens=self.max_tokens, error=error, **spent
        )

    def _read_answer(self, completion: Completion) -> _Answer | str:
        """The answer in a completion, or why the completion is unusable."""
        if completion.truncated:
            return f"answer cut off at max_tokens={self.max_tokens}"
        if completion.finish_reason not in (None, "stop"):
            # Any other end but a natural stop (a content filter, an abort) leaves the JSON unfinished too.
            return f"answer ended by finish_reason {completion.finish_reason!r}"
        try:
            root = parse_spans(completion.content)
            answer = self.schema.model_validate(root.value)
        except (ValidationError, ValueError) as error:
            return f"invalid answer: {error}"[:2000]
        spans = TokenSpans(completion.content, completion.tokens)
        confidences = field_confidences(root, spans, self.confidence, nested_fields(self.schema))
        values = flatten_values(self.schema, answer.model_dump(mode="json", by_alias=True))
        return _Answer(values, confidences, spans.measured)

    def _page(
        self, page: PageInput, values: dict[str, Any], confidences: dict[str, FieldConfidence]
    ) -> PageExtraction:
        fields = {key: self._field(value, confidences.get(key), page) for key, value in values.items()}
        read = PageExtraction(
            page=page.number,
            status=Status.ok,
            engine=ENGINE_NAME,
            model=self.model,
            fields=fields,
            confidence=page_confidence(f.confidence for f in fields.values()),
        )
        return read if self.calibration is None else self.calibration.apply(read)

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

    def _failed(
        self, page: PageInput, kind: FailureKind, errors: list[str], tries: list[PageTry]
    ) -> PageExtraction:
        """A page without values: confidence 0, so the cascade never takes it for a confident answer."""
        return PageExtraction(
            page=page.number,
            status=Status.failed,
            failure=kind,
            engine=ENGINE_NAME,
            model=self.model,
            confidence=0.0,
            errors=errors,
            **_spent(tries),
        )


def _call_error(failure: Failure) -> str:
    return f"{failure.kind}: {failure.message}"


def _spent(tries: list[PageTry]) -> dict[str, Any]:
    """A page's usage: every try is paid for, the unusable ones too."""
    return {
        "tries": tries,
        "tokens_in": sum(t.tokens_in for t in tries),
        "tokens_out": sum(t.tokens_out for t in tries),
        "latency_s": sum(t.latency_s for t in tries),
    }
