"""Hosted OpenAI-compatible dialects: what each refuses, the requests that suit it, and the confidence of
answers that carry no logprobs (unknown, or measured by agreement across samples)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import pytest

from extractors.engines.base import PageInput
from extractors.vlm.agreement import agreement_confidences, normalised
from extractors.vlm.cascade import CascadeConfig, CascadeEngine
from extractors.vlm.client import ChatClient, EndpointCapabilities, EndpointConfig
from extractors.vlm.engine import VlmEngine
from schemas.contract import ContractFields
from schemas.results import PageExtraction
from schemas.status import FailureKind, Status

ANSWER = ContractFields(title="Lease", termination_notice_days=30).model_dump_json()
REASONING = EndpointCapabilities(max_tokens_field="max_completion_tokens", temperature=False, logprobs=False)


def engine(url: str, capabilities: EndpointCapabilities | None = None, **endpoint: Any) -> VlmEngine:
    config = EndpointConfig(
        base_url=url,
        model="hosted",
        timeout_s=2.0,
        max_retries=2,
        backoff_base_s=0.01,
        backoff_max_s=0.02,
        capabilities=capabilities or EndpointCapabilities(),
        **endpoint,
    )
    return VlmEngine(ContractFields, ChatClient(config))


def extract(vlm: VlmEngine | CascadeEngine, pages: Sequence[PageInput]) -> list[PageExtraction]:
    async def run() -> list[PageExtraction]:
        try:
            return await vlm.extract_pages(pages)
        finally:
            await vlm.aclose()

    return asyncio.run(run())


# --- what each dialect refuses: a 400, permanent, never retried ---

MISCONFIGURED = {
    "reasoning, vLLM's defaults": ("openai-reasoning", EndpointCapabilities(), "Use 'max_completion_tokens'"),
    "reasoning, a temperature": (
        "openai-reasoning",
        EndpointCapabilities(max_tokens_field="max_completion_tokens"),
        "'temperature' does not support 0.0",
    ),
    "reasoning, logprobs asked for": (
        "openai-reasoning",
        EndpointCapabilities(max_tokens_field="max_completion_tokens", temperature=False),
        "'logprobs' is not supported",
    ),
    "json object only, a schema": (
        "json-object-only",
        EndpointCapabilities(),
        "'response_format' of type 'json_schema' is not supported",
    ),
}


@pytest.mark.parametrize("case", MISCONFIGURED)
def test_a_request_the_dialect_refuses_fails_the_page_permanently_without_a_retry(fake_openai, page, case):
    dialect, capabilities, refusal = MISCONFIGURED[case]
    fake_openai.dialect = dialect
    fake_openai.default = fake_openai.Reply(content=ANSWER)
    [result] = extract(engine(fake_openai.url, capabilities), [page])
    assert result.status is Status.failed and result.failure is FailureKind.permanent and not result.redo
    assert len(fake_openai.requests) == 1  # neither the client nor the engine's ladder asks again
    [error] = result.errors
    assert error.startswith("client_error: 400:") and refusal in error
    assert result.tries[0].error == error


def test_a_reasoning_model_configured_as_such_reads_the_page_with_unknown_confidence(fake_openai, page):
    fake_openai.dialect = "openai-reasoning"
    fake_openai.default = fake_openai.Reply(content=ANSWER)
    # Agreement is asked for, but a server that takes no temperature cannot give it.
    [result] = extract(engine(fake_openai.url, REASONING, max_tokens=500, agreement_samples=2), [page])
    assert result.status is Status.ok and result.fields["title"].items[0].value == "Lease"
    [sent] = fake_openai.requests
    assert sent["max_completion_tokens"] == 500
    assert not {"max_tokens", "temperature", "logprobs", "top_logprobs"} & set(sent)
    assert sent["response_format"]["type"] == "json_schema"  # reasoning models take structured outputs
    assert result.confidence is None and all(f.confidence is None for f in result.fields.values())
    [attempt] = result.tries  # recorded at the server's own temperature (1), the one it samples at
    assert attempt.temperature == 1.0 and attempt.tokens_out == len(ANSWER)


def test_a_reasoning_model_retries_an_invalid_answer_at_its_own_temperature(fake_openai, page):
    fake_openai.dialect = "openai-reasoning"
    fake_openai.script.append(fake_openai.Reply(content='{"title": "Lea'))
    fake_openai.default = fake_openai.Reply(content=ANSWER)
    [result] = extract(engine(fake_openai.url, REASONING), [page])
    assert result.status is Status.ok and len(fake_openai.requests) == 2
    assert all("temperature" not in sent for sent in fake_openai.requests)
    assert [t.temperature for t in result.tries] == [1.0, 1.0] and result.tries[0].error is not None


def test_a_json_object_only_server_is_asked_for_json_and_the_answer_validated(fake_openai, page):
    fake_openai.dialect = "json-object-only"
    fake_openai.script.append(fake_openai.Reply(content='{"title": "Lease", "colour": "red"}'))
    fake_openai.default = fake_openai.Reply(content=ANSWER, logprob=lambda char: -0.01)
    [result] = extract(engine(fake_openai.url, EndpointCapabilities(json_schema=False)), [page])
    first, second = fake_openai.requests
    assert first["response_format"] == {"type": "json_object"} and first["max_tokens"] == 1024
    assert (first["temperature"], first["logprobs"]) == (0.0, True)
    # Nothing guided the first answer off the schema: it is invalid and asked for again, like any other.
    assert "invalid answer" in (result.tries[0].error or "") and second["temperature"] == 0.1
    assert result.status is Status.ok and result.fields["title"].items[0].value == "Lease"
    assert result.fields["title"].confidence == pytest.approx(0.932, abs=1e-3)  # its logprobs measured it


def test_vllm_endpoints_keep_their_requests_and_versions(fake_openai, page):
    fake_openai.default = fake_openai.Reply(content=ANSWER)
    vllm = engine(fake_openai.url)
    assert ":api-" not in vllm.version and ":agree-" not in vllm.version
    [result] = extract(vllm, [page])
    [sent] = fake_openai.requests
    assert {"temperature", "max_tokens", "logprobs", "top_logprobs"} <= set(sent)
    assert sent["response_format"]["type"] == "json_schema" and result.confidence is not None


def test_the_version_names_what_the_capabilities_and_agreement_change(fake_openai):
    url = fake_openai.url
    assert engine(url, REASONING).version.endswith(":api-nologprobs+maxcompletion+notemp")
    assert engine(url, EndpointCapabilities(json_schema=False)).version.endswith(":api-jsonobject")
    sampled = engine(url, EndpointCapabilities(logprobs=False), agreement_samples=4)
    assert sampled.version.endswith(":api-nologprobs:agree-4@0.7")
    # Without a temperature there is no agreement, so nothing in the version claims one.
    assert ":agree-" not in engine(url, REASONING, agreement_samples=4).version


# --- confidence by agreement across samples ---


def answer(title: str | None = "Lease", parties: Sequence[str] = (), days: int | None = 30) -> str:
    return ContractFields.model_validate(
        {
            "title": title,
            "termination_notice_days": days,
            "parties": [{"name": name} for name in parties],
        }
    ).model_dump_json()


def test_agreement_confidence_is_the_share_of_answers_that_agree_with_the_first(fake_openai, page):
    fake_openai.dialect = "ignores-logprobs"
    reply = fake_openai.Reply
    fake_openai.script.extend(
        [
            reply(content=answer(parties=["Acme Inc", "Globex"])),  # the first, greedy
            # Case and spacing are no disagreement; order of the parties is none either.
            reply(content=answer(title="  LEASE ", parties=["Globex", "acme  inc"])),
            reply(content=answer(title="Sublease", parties=["Acme Inc"], days=None)),
        ]
    )
    capabilities = EndpointCapabilities(logprobs=False)
    [result] = extract(engine(fake_openai.url, capabilities, agreement_samples=2), [page])
    assert result.status is Status.ok and result.fields["title"].items[0].value == "Lease"
    fields = result.fields
    assert fields["title"].confidence == pytest.approx(2 / 3)
    assert fields["termination_notice_days"].confidence == pytest.approx(2 / 3)
    assert fields["governing_law"].confidence == 1.0  # every answer agrees nothing is there
    parties = fields["parties"]
    assert [item.confidence for item in parties.items] == pytest.approx([1.0, 2 / 3])
    assert parties.confidence == pytest.approx(2 / 3)  # the lists agree in two answers of three
    assert result.confidence == pytest.approx(2 / 3)
    # The first at temperature 0, the samples at the agreement temperature, none of them asking logprobs.
    assert sorted(sent["temperature"] for sent in fake_openai.requests) == [0.0, 0.7, 0.7]
    assert not any("logprobs" in sent for sent in fake_openai.requests)
    assert [t.temperature for t in result.tries] == [0.0, 0.7, 0.7]
    assert all(t.error is None and t.tokens_in == 100 and t.tokens_out > 0 for t in result.tries)
    assert (result.tokens_in, result.tokens_out) == (300, sum(t.tokens_out for t in result.tries))


def test_a_failed_or_invalid_sample_disagrees_and_is_recorded(fake_openai, page):
    fake_openai.dialect = "ignores-logprobs"
    reply = fake_openai.Reply
    fake_openai.script.extend(
        [reply(content=ANSWER), reply(content='{"title": "Lea'), reply(status=400), reply(content=ANSWER)]
    )
    [result] = extract(engine(fake_openai.url, agreement_samples=3), [page])
    assert result.status is Status.ok and result.errors == [] and len(result.tries) == 4
    # 2 of 4 answers agree on every field: the first and the one valid sample.
    assert all(field.confidence == 0.5 for field in result.fields.values())
    sample_errors = sorted(t.error or "" for t in result.tries[1:])
    assert sample_errors[0] == "" and sample_errors[1].startswith("client_error: 400")
    assert sample_errors[2].startswith("invalid answer")


def test_answers_with_logprobs_are_not_sampled(fake_openai, page):
    fake_openai.default = fake_openai.Reply(content=ANSWER)
    [result] = extract(engine(fake_openai.url, agreement_samples=3), [page])
    assert len(fake_openai.requests) == 1 and len(result.tries) == 1 and result.confidence is not None


def test_without_agreement_an_answer_without_logprobs_stays_unknown(fake_openai, page):
    fake_openai.dialect = "ignores-logprobs"
    fake_openai.default = fake_openai.Reply(content=ANSWER)
    [result] = extract(engine(fake_openai.url), [page])
    assert len(fake_openai.requests) == 1 and result.confidence is None
    assert all(field.confidence is None for field in result.fields.values())


def test_the_cascade_judges_agreement_as_a_measured_confidence(fake_openai, page):
    fake_openai.dialect = "ignores-logprobs"
    reply = fake_openai.Reply
    fake_openai.script.extend([reply(content=ANSWER), reply(content=answer(title="Sublease"))])
    fake_openai.default = reply(content=ANSWER)
    small = engine(fake_openai.url, agreement_samples=2)
    cascade = CascadeEngine(small, None, CascadeConfig(threshold=0.8))
    [result] = extract(cascade, [page])
    # The title is 2 of 3 (below 0.8), the rest 3 of 3: a low confidence, not an unknown one.
    assert result.escalation_reason == "low_confidence: title"
    assert result.status is Status.needs_review and result.fields["title"].confidence == pytest.approx(2 / 3)


def test_agreement_functions():
    first = {"title": "Lease", "days": 30, "parties": [{"name": "Acme"}, {"name": "Globex"}], "law": None}
    same = {"title": "lease", "days": 30, "parties": [{"name": "GLOBEX"}, {"name": "acme"}], "law": None}
    other = {"title": "Sublease", "days": 30, "parties": [{"name": "Acme"}], "law": "Delaware"}
    confidences = agreement_confidences(first, [same, other, None])
    assert confidences["title"].field == 0.5 and confidences["title"].items == [0.5]
    assert confidences["days"].field == 0.75  # the failed sample (None) disagrees
    assert confidences["law"].field == 0.5  # null is a value to agree on
    assert confidences["parties"].items == [0.75, 0.5] and confidences["parties"].field == 0.5
    empty = agreement_confidences({"parties": []}, [{"parties": []}, {"parties": [{"name": "A"}]}])
    assert empty["parties"].items == [] and empty["parties"].field == pytest.approx(2 / 3)
    alone = agreement_confidences(first, [])
    assert all(confidence.field == 1.0 for confidence in alone.values())
    assert normalised({"b": " A  b ", "a": 1}) == normalised({"a": 1, "b": "a B"})
    assert normalised(30) != normalised("30") and normalised(None) != normalised("null")
