"""VlmEngine against the scripted OpenAI-compatible server: page results for every kind of answer."""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Sequence
from typing import Any

import pytest

from extractors.engines.base import PageInput
from extractors.vlm.engine import TryConfig
from extractors.vlm.prompt import PROMPT_VERSION
from schemas.contract import ContractFields
from schemas.introspect import field_paths
from schemas.ocr import PageOcr
from schemas.results import Evidence, PageExtraction
from schemas.status import FailureKind, Status

ANSWER = ContractFields(title="Lease", termination_notice_days=30).model_dump_json()


def extract(engine, pages: Sequence[PageInput]) -> list[PageExtraction]:
    async def run() -> list[PageExtraction]:
        try:
            return await engine.extract_pages(pages)
        finally:
            await engine.aclose()

    return asyncio.run(run())


def test_a_valid_answer_becomes_fields_with_confidences(fake_openai, page, engine_for):
    fake_openai.default = fake_openai.Reply(content=ANSWER, logprob=lambda char: -0.01)
    [result] = extract(engine_for(fake_openai.url), [page])
    assert result.status is Status.ok and result.failure is None and result.errors == []
    assert set(result.fields) == set(field_paths(ContractFields))
    title = result.fields["title"]
    assert [item.value for item in title.items] == ["Lease"]
    # "Lease" with its quotes is 7 one-character tokens at -0.01 each.
    assert title.confidence == pytest.approx(math.exp(-0.07))
    assert title.items[0].engine == "vlm" and title.items[0].model == "small"
    empty = result.fields["parties"]
    assert empty.items == [] and empty.confidence == pytest.approx(math.exp(-0.01))
    nothing = result.fields["governing_law"]
    assert [item.value for item in nothing.items] == [None]
    assert nothing.confidence == pytest.approx(math.exp(-0.04))
    assert result.confidence == min(field.confidence for field in result.fields.values())
    assert (result.tokens_in, result.tokens_out) == (100, len(ANSWER)) and result.latency_s > 0


def test_each_clause_question_is_a_field_of_its_own_and_a_present_clause_names_its_page(
    fake_openai, page, engine_for
):
    answer = ContractFields.model_validate(
        {"title": "Lease", "clauses": {"anti_assignment": True, "audit_rights": False}}
    ).model_dump_json()
    fake_openai.default = fake_openai.Reply(content=answer, logprob=lambda char: -0.01)
    [result] = extract(engine_for(fake_openai.url), [page])
    present, absent = result.fields["clauses.anti_assignment"], result.fields["clauses.audit_rights"]
    assert [item.value for item in present.items] == [True] and [i.value for i in absent.items] == [False]
    # "true" is 4 one-character tokens, "false" 5: each question is as sure as its own answer.
    assert present.confidence == pytest.approx(math.exp(-0.04))
    assert absent.confidence == pytest.approx(math.exp(-0.05))
    evidence = present.items[0].evidence
    assert evidence is not None and evidence.page == page.number and evidence.bbox is None
    assert absent.items[0].evidence is None
    unread = result.fields["clauses.non_compete"]
    assert [item.value for item in unread.items] == [None]


UNUSABLE = {
    "malformed JSON": ('{"title": "Lea', "stop", "invalid answer"),
    "JSON, not the schema": ('{"title": "Lease", "colour": "red"}', "stop", "invalid answer"),
    "truncated, even if it parses": (ANSWER, "length", "cut off at max_tokens"),
}


@pytest.mark.parametrize("case", UNUSABLE)
def test_unusable_answers_are_tried_again_then_fail_the_page_as_invalid_with_confidence_zero(
    fake_openai, page, engine_for, case
):
    content, finish_reason, error = UNUSABLE[case]
    fake_openai.default = fake_openai.Reply(content=content, finish_reason=finish_reason)
    [result] = extract(engine_for(fake_openai.url), [page])
    assert result.status is Status.failed and result.failure is FailureKind.invalid
    assert result.confidence == 0.0 and result.fields == {} and not result.redo
    # Three tries (the default) up olmOCR's temperature ladder, each one recorded and paid for.
    assert [sent["temperature"] for sent in fake_openai.requests] == [0.0, 0.1, 0.2]
    assert [t.temperature for t in result.tries] == [0.0, 0.1, 0.2]
    assert all(error in t.error for t in result.tries if t.error) and len(result.errors) == 3
    assert error in result.errors[0] and result.errors[2].endswith("(try 3, temperature 0.2)")
    assert (result.tokens_in, result.tokens_out) == (300, 3 * len(content))


def test_a_truncated_answer_is_tried_again_hotter_and_the_valid_one_kept(fake_openai, page, engine_for):
    reply = fake_openai.Reply
    fake_openai.script.extend([reply(content=ANSWER[:20], finish_reason="length"), reply(content=ANSWER)])
    [result] = extract(engine_for(fake_openai.url), [page])
    assert result.status is Status.ok and result.failure is None and result.errors == []
    assert result.fields["title"].items[0].value == "Lease"
    first, second = result.tries
    assert (first.temperature, second.temperature) == (0.0, 0.1)
    assert first.error is not None and "cut off at max_tokens=1024" in first.error and second.error is None
    assert (first.tokens_out, second.tokens_out) == (20, len(ANSWER))
    assert (result.tokens_in, result.tokens_out) == (200, 20 + len(ANSWER))
    assert result.latency_s == pytest.approx(first.latency_s + second.latency_s)


def test_the_number_of_tries_the_ladder_and_max_tokens_are_settings(fake_openai, page, engine_for):
    fake_openai.default = fake_openai.Reply(content='{"title": "Lea')
    tries = TryConfig(max_tries=4, temperatures=[0.0, 0.5])
    [result] = extract(engine_for(fake_openai.url, tries=tries, max_tokens=77), [page])
    assert [sent["temperature"] for sent in fake_openai.requests] == [0.0, 0.5, 0.5, 0.5]  # the last, beyond
    assert {sent["max_tokens"] for sent in fake_openai.requests} == {77}
    assert [t.max_tokens for t in result.tries] == [77] * 4 and result.status is Status.failed


def test_without_logprobs_every_confidence_is_unknown_never_one(fake_openai, page, engine_for):
    fake_openai.default = fake_openai.Reply(content=ANSWER, logprobs=False)
    [result] = extract(engine_for(fake_openai.url), [page])
    assert result.status is Status.ok and result.fields["title"].items[0].value == "Lease"
    assert result.confidence is None
    assert all(field.confidence is None for field in result.fields.values())
    assert all(item.confidence is None for field in result.fields.values() for item in field.items)
    assert len(result.tries) == 1  # a valid answer: nothing to try again


def test_a_server_that_is_down_makes_a_failed_page(dead_url, page, engine_for):
    [result] = extract(engine_for(dead_url), [page])
    assert result.status is Status.failed and result.failure is FailureKind.transient and result.redo
    assert result.confidence == 0.0 and result.fields == {}
    assert result.errors[0].startswith("connection:")
    # The client retried the call; the engine does not stack its tries on top of those.
    [attempt] = result.tries
    assert attempt.error is not None and attempt.error.startswith("connection:")


def test_pages_run_concurrently_and_come_back_in_order(fake_openai, make_page, engine_for):
    fake_openai.default = fake_openai.Reply(content=ANSWER, delay_s=0.5)
    pages = [make_page(number) for number in range(1, 7)]
    started = time.monotonic()
    results = extract(engine_for(fake_openai.url), pages)
    assert time.monotonic() - started < 2.0  # one after the other would take 3 s
    assert [result.page for result in results] == [1, 2, 3, 4, 5, 6]
    assert all(result.status is Status.ok and result.failure is None for result in results)


def test_version_names_engine_model_prompt_and_schema(fake_openai, engine_for):
    engine = engine_for(fake_openai.url)
    assert engine.version.startswith(f"vlm:small:{PROMPT_VERSION}:ContractFields-")
    assert engine_for(fake_openai.url, model="large").version != engine.version


def test_a_grounding_hook_gets_each_found_value(fake_openai, page, engine_for):
    fake_openai.default = fake_openai.Reply(content=ANSWER)
    seen: list[Any] = []

    def ground(value: Any, ocr: PageOcr, number: int) -> Evidence:
        seen.append(value)
        return Evidence(page=number, text=str(value))

    [result] = extract(engine_for(fake_openai.url, ground=ground), [page])
    assert sorted(map(str, seen)) == ["30", "Lease"]
    assert result.fields["title"].items[0].evidence == Evidence(page=1, text="Lease")
    assert result.fields["governing_law"].items[0].evidence is None


def test_the_prompt_sent_carries_the_page(fake_openai, page, engine_for):
    fake_openai.default = fake_openai.Reply(content=ANSWER)
    extract(engine_for(fake_openai.url), [page])
    [sent] = fake_openai.requests
    user = sent["messages"][1]["content"]
    assert user[0]["image_url"]["url"].startswith("data:image/jpeg;base64,")
    assert "between Acme\nInc and Globex" in user[1]["text"]  # OCR lines kept
    assert sent["response_format"]["json_schema"]["name"] == "ContractFields"
