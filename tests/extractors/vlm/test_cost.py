"""The cost model: every try paid at its model's price; an unpriced model is named, never $0."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import TypeAdapter, ValidationError

from extractors.engines.config import DEFAULT_PRICES, ExtractionConfig
from extractors.vlm.cost import (
    GpuPrice,
    ModelPrice,
    PriceBook,
    TokenPrice,
    read_throughput,
    write_throughput,
)
from schemas.results import PageTry

DAY = dt.date(2026, 5, 1)
HOSTED = TokenPrice(
    input_per_million=2.0, output_per_million=8.0, source="https://example.test/pricing", as_of=DAY
)
GPU = GpuPrice(gpu_hour_price=3.0, gpus=2, source="a cloud's price list", as_of=DAY)


def _try(model: str, tokens_in: int = 1500, tokens_out: int = 200, error: str | None = None) -> PageTry:
    return PageTry(
        model=model, temperature=0.0, max_tokens=1024, tokens_in=tokens_in, tokens_out=tokens_out, error=error
    )


def test_a_hosted_try_costs_its_measured_tokens_times_the_published_price():
    cost = PriceBook(prices={"hosted": HOSTED}).page_cost([_try("hosted", 1500, 200)])
    # 1,500 x $2/M + 200 x $8/M
    assert cost.usd == pytest.approx(0.003 + 0.0016)
    assert not cost.unpriced and not cost.estimated


def test_a_self_hosted_try_costs_the_replica_hour_over_the_measured_pages_per_hour(throughput_at):
    book = PriceBook(prices={"small": GPU}, throughput={"small": throughput_at(3600.0)})
    # 2 GPUs x $3 per hour / 3,600 requests per hour, whatever the tokens
    assert book.page_cost([_try("small")]).usd == pytest.approx(6.0 / 3600)


def test_an_escalated_page_pays_both_models_and_failed_tries_are_paid_too(throughput_at):
    book = PriceBook(prices={"small": GPU, "large": HOSTED}, throughput={"small": throughput_at(3600.0)})
    tries = [
        _try("small", error="answer cut off at max_tokens=1024"),  # retried on the small model
        _try("small"),
        _try("large", 1000, 100),  # escalated
    ]
    cost = book.page_cost(tries)
    assert cost.usd == pytest.approx(2 * 6.0 / 3600 + (1000 * 2.0 + 100 * 8.0) / 1e6)


def test_a_try_on_an_unpriced_model_leaves_the_page_cost_unknown_and_names_the_model():
    book = PriceBook(prices={"small": HOSTED})
    cost = book.page_cost([_try("small"), _try("mystery-72b")])
    assert cost.usd is None and cost.unpriced == {"mystery-72b"}


def test_a_self_hosted_model_without_measured_throughput_is_unpriced_unless_a_cited_estimate_stands_in(
    throughput_at,
):
    assert PriceBook(prices={"small": GPU}).page_cost([_try("small")]).unpriced == {"small"}
    estimated = GPU.model_copy(update={"estimated_pages_per_hour": 1800.0, "estimate_source": "a paper"})
    cost = PriceBook(prices={"small": estimated}).page_cost([_try("small")])
    assert cost.usd == pytest.approx(6.0 / 1800) and cost.estimated
    # A measurement, when there is one, replaces the estimate.
    measured = PriceBook(prices={"small": estimated}, throughput={"small": throughput_at(3600.0)})
    assert not measured.page_cost([_try("small")]).estimated


def test_every_price_names_its_source_and_date_and_an_estimate_its_own_source():
    with pytest.raises(ValidationError):
        TokenPrice(input_per_million=1.0, output_per_million=1.0, as_of=DAY)  # type: ignore[call-arg]
    with pytest.raises(ValidationError):
        GpuPrice(gpu_hour_price=1.0, source="x")  # type: ignore[call-arg]
    with pytest.raises(ValidationError, match="estimate_source"):
        GpuPrice(gpu_hour_price=1.0, source="x", as_of=DAY, estimated_pages_per_hour=100.0)
    # The `kind` field picks the price's type, as settings JSON gives it.
    parsed = TypeAdapter(dict[str, ModelPrice]).validate_python(
        {"a": {"kind": "tokens", **HOSTED.model_dump(exclude={"kind"})}, "b": GPU.model_dump()}
    )
    assert parsed == {"a": HOSTED, "b": GPU}


def test_the_throughput_file_round_trips_and_merges_one_model_at_a_time(tmp_path, throughput_at):
    path = tmp_path / "figures" / "throughput.json"
    with pytest.raises(ValueError, match=r"bench/vlm_client\.py --write"):
        read_throughput(path)
    write_throughput(path, "small", throughput_at(3600.0))
    write_throughput(path, "large", throughput_at(700.0))
    write_throughput(path, "small", throughput_at(4000.0))  # a new measurement replaces the old
    figures = read_throughput(path)
    assert figures == {"small": throughput_at(4000.0), "large": throughput_at(700.0)}
    config = ExtractionConfig.model_validate({"throughput_file": str(path)})
    assert config.throughput_file == path


def test_the_shipped_prices_are_cited_and_type_in_no_measurement():
    for price in DEFAULT_PRICES.values():
        assert price.source and price.as_of
    book = PriceBook(prices=DEFAULT_PRICES)
    small, large = "Qwen/Qwen2.5-VL-7B-Instruct-AWQ", "Qwen/Qwen2.5-VL-72B-Instruct-AWQ"
    assert book.page_cost([_try(small)]).estimated  # olmOCR's published throughput, until measured
    assert book.page_cost([_try(small), _try(large)]).unpriced == {large}  # unpriced until measured
