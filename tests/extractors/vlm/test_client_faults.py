"""The client against a misbehaving OpenAI-compatible server: retries, timeouts, breaker, load balancing."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from extractors.vlm.client import (
    CallFailureKind,
    ChatClient,
    ChatResult,
    Completion,
    EndpointCapabilities,
    EndpointConfig,
    Failure,
)

MESSAGES = [{"role": "user", "content": "hello"}]
SCHEMA = {"type": "object", "properties": {}, "additionalProperties": False}


def config(url: str | list[str], **overrides: Any) -> EndpointConfig:
    settings: dict[str, Any] = {
        "base_url": url,
        "model": "small",
        "timeout_s": 0.5,
        "max_retries": 3,
        "backoff_base_s": 0.01,
        "backoff_max_s": 0.02,
        "breaker_failures": 3,
        "breaker_cooldown_s": 30.0,
    }
    return EndpointConfig(**{**settings, **overrides})


def call(endpoint: EndpointConfig, times: int = 1) -> list[ChatResult]:
    async def run() -> list[ChatResult]:
        client = ChatClient(endpoint)
        try:
            return [await client.chat_json(MESSAGES, "answer", SCHEMA) for _ in range(times)]
        finally:
            await client.aclose()

    return asyncio.run(run())


def test_request_carries_guided_json_greedy_decoding_and_logprobs(fake_openai):
    fake_openai.default = fake_openai.Reply(content='{"a":1}')
    [result] = call(config(fake_openai.url, top_logprobs=7, max_tokens=300))
    assert isinstance(result, Completion)
    assert result.content == '{"a":1}' and result.finish_reason == "stop"
    assert result.prompt_tokens == 100 and result.completion_tokens == 7 and len(result.tokens) == 7
    sent = fake_openai.requests[0]
    assert sent["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "answer", "schema": SCHEMA, "strict": True},
    }
    assert (sent["temperature"], sent["logprobs"], sent["top_logprobs"], sent["max_tokens"]) == (
        0,
        True,
        7,
        300,
    )


def test_request_carries_only_what_the_endpoint_capabilities_allow(fake_openai):
    fake_openai.default = fake_openai.Reply(content='{"a":1}')
    capabilities = EndpointCapabilities(
        logprobs=False, json_schema=False, max_tokens_field="max_completion_tokens", temperature=False
    )
    [result] = call(config(fake_openai.url, max_tokens=300, capabilities=capabilities))
    assert isinstance(result, Completion) and result.tokens == []
    [sent] = fake_openai.requests
    assert sent["response_format"] == {"type": "json_object"} and sent["max_completion_tokens"] == 300
    assert not {"max_tokens", "temperature", "logprobs", "top_logprobs"} & set(sent)


def test_server_errors_are_retried_until_success(fake_openai):
    reply = fake_openai.Reply
    fake_openai.script.extend([reply(status=500), reply(status=503), reply(content="{}")])
    [result] = call(config(fake_openai.url))
    assert isinstance(result, Completion)
    assert result.attempts == 3 and len(fake_openai.requests) == 3


def test_client_errors_are_not_retried(fake_openai):
    fake_openai.default = fake_openai.Reply(status=400)
    [result] = call(config(fake_openai.url))
    assert isinstance(result, Failure)
    assert result.kind is CallFailureKind.client_error and result.status_code == 400
    assert result.attempts == 1 and len(fake_openai.requests) == 1


def test_a_rate_limit_is_retried_after_the_wait_the_server_asks_for(fake_openai):
    reply = fake_openai.Reply
    fake_openai.script.extend([reply(status=429, retry_after="0.3"), reply(content="{}")])
    started = time.monotonic()
    [result] = call(config(fake_openai.url, backoff_max_s=5.0))
    assert isinstance(result, Completion) and result.attempts == 2
    assert time.monotonic() - started >= 0.3  # the jitter alone would wait at most 0.01 s


def test_a_rate_limited_replica_is_not_benched(fake_openai):
    fake_openai.default = fake_openai.Reply(status=429, retry_after="0")
    [first] = call(config(fake_openai.url, max_retries=4, breaker_failures=2))
    assert isinstance(first, Failure) and first.kind is CallFailureKind.rate_limited
    assert first.attempts == 5 and fake_openai.health_checks == 0  # never benched, so never probed


def test_retries_run_out_into_a_typed_failure(fake_openai):
    fake_openai.default = fake_openai.Reply(status=500)
    [result] = call(config(fake_openai.url, max_retries=2, breaker_failures=10))
    assert isinstance(result, Failure)
    assert result.kind is CallFailureKind.server_error and result.attempts == 3


def test_a_slow_answer_times_out_then_the_retry_succeeds(fake_openai):
    reply = fake_openai.Reply
    fake_openai.script.extend([reply(delay_s=2.0), reply(content="{}")])
    [result] = call(config(fake_openai.url, timeout_s=0.3))
    assert isinstance(result, Completion) and result.attempts == 2


def test_a_hanging_server_opens_the_breaker_and_later_calls_fail_fast(fake_openai):
    fake_openai.default = fake_openai.Reply(hang=True)
    first, second = call(config(fake_openai.url, timeout_s=0.2, max_retries=5, breaker_failures=2), times=2)
    assert isinstance(first, Failure) and first.kind is CallFailureKind.timeout
    assert first.attempts == 2  # benched after 2 timeouts instead of trying all 6 times
    assert "no answer within 0.2 s" in first.message
    assert isinstance(second, Failure) and second.kind is CallFailureKind.circuit_open
    assert second.attempts == 0 and second.latency_s < 0.05
    assert len(fake_openai.requests) == 2


def test_a_benched_replica_returns_after_cooldown_and_a_health_check(fake_openai):
    reply = fake_openai.Reply
    fake_openai.script.extend([reply(status=500), reply(status=500)])
    endpoint = config(fake_openai.url, max_retries=1, breaker_failures=2, breaker_cooldown_s=0.2)

    async def run() -> tuple[ChatResult, ChatResult, ChatResult]:
        client = ChatClient(endpoint)
        try:
            failed = await client.chat_json(MESSAGES, "a", SCHEMA)
            fast = await client.chat_json(MESSAGES, "a", SCHEMA)
            await asyncio.sleep(0.25)
            back = await client.chat_json(MESSAGES, "a", SCHEMA)
            return failed, fast, back
        finally:
            await client.aclose()

    failed, fast, back = asyncio.run(run())
    assert isinstance(failed, Failure) and failed.kind is CallFailureKind.server_error
    assert isinstance(fast, Failure) and fast.kind is CallFailureKind.circuit_open
    assert isinstance(back, Completion)
    assert fake_openai.health_checks == 1


def test_an_unhealthy_replica_stays_benched(fake_openai):
    fake_openai.default = fake_openai.Reply(status=500)
    fake_openai.healthy = False
    endpoint = config(fake_openai.url, max_retries=0, breaker_failures=1, breaker_cooldown_s=0.05)

    async def run() -> ChatResult:
        client = ChatClient(endpoint)
        try:
            await client.chat_json(MESSAGES, "a", SCHEMA)
            await asyncio.sleep(0.1)
            return await client.chat_json(MESSAGES, "a", SCHEMA)
        finally:
            await client.aclose()

    result = asyncio.run(run())
    assert isinstance(result, Failure) and result.kind is CallFailureKind.circuit_open
    assert fake_openai.health_checks == 1 and len(fake_openai.requests) == 1


def test_load_balancing_skips_a_dead_replica(fake_openai, dead_url):
    results = call(config([dead_url, fake_openai.url]), times=6)
    assert all(isinstance(result, Completion) for result in results)
    assert {result.replica for result in results} == {fake_openai.url}
    assert len(fake_openai.requests) == 6
    # The dead replica cost one refused connection, then it was benched.
    assert sum(result.attempts for result in results) == 7


def test_round_robin_spreads_requests_over_healthy_replicas(fake_openai, fake_openai_factory):
    other = fake_openai_factory()
    results = call(config([fake_openai.url, other.url]), times=4)
    assert len(fake_openai.requests) == 2 and len(other.requests) == 2
    assert all(isinstance(result, Completion) for result in results)


def test_a_dead_endpoint_is_a_connection_failure(dead_url):
    first, later = call(config(dead_url), times=2)
    assert isinstance(first, Failure) and first.kind is CallFailureKind.connection
    assert "ConnectError" in first.message and first.attempts == 1  # refused: benched at once
    assert isinstance(later, Failure) and later.kind is CallFailureKind.circuit_open and later.attempts == 0


def test_a_2xx_that_is_not_a_completion_is_an_invalid_response(fake_openai):
    fake_openai.default = fake_openai.Reply(raw_body=b"<html>proxy</html>")
    [result] = call(config(fake_openai.url))
    assert isinstance(result, Failure) and result.kind is CallFailureKind.invalid_response


def test_in_flight_requests_are_bounded(fake_openai):
    fake_openai.default = fake_openai.Reply(delay_s=0.2)

    async def run() -> float:
        client = ChatClient(config(fake_openai.url, max_in_flight=2, timeout_s=5))
        started = time.monotonic()
        try:
            await asyncio.gather(*(client.chat_json(MESSAGES, "a", SCHEMA) for _ in range(4)))
        finally:
            await client.aclose()
        return time.monotonic() - started

    # 4 requests of 0.2 s, 2 at a time: two rounds.
    assert 0.4 <= asyncio.run(run()) < 0.8
