"""The escalation policy of CascadeEngine, with a small and a large scripted server."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from extractors.engines.config import ExtractionConfig
from extractors.engines.registry import build_engine
from extractors.vlm.cascade import CascadeConfig, CascadeEngine
from extractors.vlm.client import EndpointConfig
from schemas.contract import ContractFields
from schemas.results import PageExtraction
from schemas.status import FailureKind, Status

NOTHING = ContractFields().model_dump_json()  # a page without key terms: all null / []
FOUND = ContractFields(title="Master Services Agreement").model_dump_json()
SURE, UNSURE = -0.001, -0.2  # logprob of each one-character token


@pytest.fixture
def servers(fake_openai_factory):
    small, large = fake_openai_factory(), fake_openai_factory()
    large.default = large.Reply(content=FOUND, logprob=lambda char: SURE)
    return small, large


@pytest.fixture
def cascade(servers, engine_for) -> Callable[..., CascadeEngine]:
    small, large = servers

    def build(large_url: str | None = None, **config: float | str) -> CascadeEngine:
        large_engine = engine_for(large_url or large.url, model="large")
        return CascadeEngine(engine_for(small.url, model="small"), large_engine, CascadeConfig(**config))

    return build


def run(engine: CascadeEngine, page) -> PageExtraction:
    async def go() -> PageExtraction:
        try:
            [result] = await engine.extract_pages([page])
            return result
        finally:
            await engine.aclose()

    return asyncio.run(go())


def test_a_page_confidently_without_key_terms_stays_small(servers, cascade, page):
    small, large = servers
    small.default = small.Reply(content=NOTHING, logprob=lambda char: SURE)
    result = run(cascade(threshold=0.9), page)
    assert result.model == "small" and not result.escalated and result.escalation_reason is None
    assert large.requests == []


def test_a_page_unsure_about_emptiness_stays_unless_empty_threshold_is_set(servers, cascade, page):
    small, large = servers
    small.default = small.Reply(content=NOTHING, logprob=lambda char: UNSURE)  # "null" at 0.45
    assert not run(cascade(threshold=0.9), page).escalated
    assert large.requests == []
    result = run(cascade(threshold=0.9, empty_threshold=0.9), page)
    assert result.escalated and result.model == "large"
    assert result.escalation_reason is not None and "title" in result.escalation_reason


def test_a_found_value_with_low_confidence_escalates_to_large(servers, cascade, page):
    small, large = servers
    small.default = small.Reply(content=FOUND, logprob=lambda char: UNSURE)
    result = run(cascade(threshold=0.5), page)
    assert result.status is Status.ok and result.failure is None and result.escalated
    assert result.escalation_reason == "low_confidence: title"
    assert result.model == "large"
    assert {item.model for field in result.fields.values() for item in field.items} == {"large"}
    assert (result.tokens_in, result.tokens_out) == (200, 2 * len(FOUND))  # both calls are paid for
    assert len(large.requests) == 1


def test_a_found_value_with_high_confidence_stays(servers, cascade, page):
    small, large = servers
    small.default = small.Reply(content=FOUND, logprob=lambda char: SURE)
    result = run(cascade(threshold=0.5), page)
    assert not result.escalated and result.model == "small" and large.requests == []


def test_invalid_output_escalates_after_the_small_models_tries(servers, cascade, page):
    small, large = servers
    small.default = small.Reply(content=FOUND, finish_reason="length")
    result = run(cascade(threshold=0.5), page)
    assert result.escalated and result.escalation_reason == "failed: invalid" and result.model == "large"
    assert result.status is Status.ok and result.failure is None
    assert (len(small.requests), len(large.requests)) == (3, 1)
    assert [(t.model, t.temperature) for t in result.tries] == [
        ("small", 0.0),
        ("small", 0.1),
        ("small", 0.2),
        ("large", 0.0),
    ]
    assert (result.tokens_in, result.tokens_out) == (400, 4 * len(FOUND))  # every try is paid for


def test_a_truncated_then_valid_answer_stays_on_the_small_model(servers, cascade, page):
    small, large = servers
    reply = small.Reply
    small.script.extend(
        [reply(content=FOUND[:10], finish_reason="length"), reply(content=FOUND, logprob=lambda c: SURE)]
    )
    result = run(cascade(threshold=0.5), page)
    assert result.status is Status.ok and not result.escalated and result.model == "small"
    assert large.requests == []
    assert [t.temperature for t in result.tries] == [0.0, 0.1] and result.tries[0].error is not None
    assert (result.tokens_in, result.tokens_out) == (200, 10 + len(FOUND))


def test_the_large_model_gets_a_larger_answer_bound(servers, page):
    small, large = servers
    small.default = small.Reply(content=FOUND, finish_reason="length")
    config = ExtractionConfig(
        small=EndpointConfig(base_url=small.url, model="small", max_retries=0),
        large=EndpointConfig(base_url=large.url, model="large", max_retries=0),
    )
    engine = build_engine(config, ContractFields)
    assert isinstance(engine, CascadeEngine)
    result = run(engine, page)
    assert result.escalated and result.model == "large" and result.status is Status.ok
    assert {sent["max_tokens"] for sent in small.requests} == {1024}
    assert [sent["max_tokens"] for sent in large.requests] == [2048]  # extraction.large_max_tokens


def test_no_logprobs_escalates_an_unknown_confidence_never_takes_it_for_certain(servers, cascade, page):
    small, large = servers
    small.default = small.Reply(content=FOUND, logprobs=False)
    result = run(cascade(threshold=0.5), page)
    assert result.escalated and result.model == "large" and result.status is Status.ok
    assert result.escalation_reason == "unknown_confidence: title"
    assert result.fields["title"].confidence is not None  # the large model's logprobs measured it
    assert len(large.requests) == 1


def test_no_logprobs_on_either_model_leaves_the_page_for_review(servers, cascade, page):
    small, large = servers
    small.default = small.Reply(content=FOUND, logprobs=False)
    large.default = large.Reply(content=FOUND, logprobs=False)
    result = run(cascade(threshold=0.5), page)
    assert result.escalated and result.model == "large" and result.status is Status.needs_review
    assert result.confidence is None and result.fields["title"].confidence is None


def test_no_logprobs_with_review_setting_flags_the_page_without_escalating(servers, cascade, page):
    small, large = servers
    small.default = small.Reply(content=FOUND, logprobs=False)
    result = run(cascade(threshold=0.5, on_unknown_confidence="review"), page)
    assert result.status is Status.needs_review and not result.escalated and result.model == "small"
    assert result.escalation_reason is None and large.requests == []
    assert result.fields["title"].confidence is None and result.confidence is None
    assert result.errors == ["unknown confidence (no logprobs): title"]


def test_no_logprobs_on_a_page_without_values_stays_with_its_confidence_unknown(servers, cascade, page):
    # Empty fields escalate only under empty_threshold, whether their confidence is low or unknown.
    small, large = servers
    small.default = small.Reply(content=NOTHING, logprobs=False)
    result = run(cascade(threshold=0.5), page)
    assert result.status is Status.ok and not result.escalated and large.requests == []
    assert result.confidence is None
    escalated = run(cascade(threshold=0.5, empty_threshold=0.5), page)
    assert escalated.escalated and escalated.escalation_reason is not None
    assert escalated.escalation_reason.startswith("unknown_confidence: ")


def test_large_model_down_keeps_the_small_result_for_review(servers, cascade, page, dead_url):
    small, _ = servers
    small.default = small.Reply(content=FOUND, logprob=lambda char: UNSURE)
    result = run(cascade(large_url=dead_url, threshold=0.5), page)
    # Kept for a person, and transient: the next run asks the large model again.
    assert result.model == "small" and result.status is Status.needs_review
    assert result.failure is FailureKind.transient and result.redo
    assert result.fields["title"].items[0].value == "Master Services Agreement"
    assert result.escalated
    assert any(error.startswith("large model large: connection") for error in result.errors)


def test_no_large_model_flags_pages_that_would_escalate(servers, engine_for, page):
    small, _ = servers
    small.default = small.Reply(content=FOUND, logprob=lambda char: UNSURE)
    result = run(CascadeEngine(engine_for(small.url), None, CascadeConfig(threshold=0.5)), page)
    assert result.status is Status.needs_review and not result.escalated and result.model == "small"
    assert result.failure is None  # no large model is configured: a re-run would not change that
    assert result.escalation_reason == "low_confidence: title"


def test_a_large_answer_still_unsure_is_flagged_for_review(servers, cascade, page):
    small, large = servers
    small.default = small.Reply(content=FOUND, logprob=lambda char: UNSURE)
    large.default = large.Reply(content=FOUND, logprob=lambda char: UNSURE)
    result = run(cascade(threshold=0.5), page)
    assert result.escalated and result.model == "large"
    assert result.status is Status.needs_review and result.failure is None


def test_version_names_both_models_and_the_threshold(cascade):
    engine = cascade(threshold=0.7)
    assert ":small:" in engine.version and ":large:" in engine.version and "t=0.7" in engine.version
    assert cascade(threshold=0.6).version != engine.version
    assert cascade(threshold=0.7, on_unknown_confidence="review").version != engine.version
