"""What a page costs: what was measured on every call, times a price table that names its sources.

Every request to a model is a `PageTry` with the token counts the server reported (`usage`): prompt (the
image's tokens included) and completion. A page costs the sum of its tries, failed tries and both models'
tries of an escalated page included, since each of them was paid for.

A model's price is one of two kinds:
- `tokens` (a hosted API): dollars per million input and output tokens, times the try's measured tokens.
- `gpu` (self-hosted): a replica's GPU-hour price divided by its pages per hour. Pages per hour come from
  a throughput file written by `bench/vlm_client.py --write` against that server (measured); a published
  figure may stand in only with its own source, and is then reported as an estimate.

A try on a model with no price (or a self-hosted one with no throughput) makes its page's cost unknown:
None, and the model is named, never counted as $0.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, Field, TypeAdapter, model_validator

from schemas.results import PageTry

CostBasis = Literal["measured", "estimated"]


class TokenPrice(BaseModel):
    """A hosted API's published price; the tokens it multiplies are the server's own counts."""

    kind: Literal["tokens"] = "tokens"
    input_per_million: float = Field(ge=0)  # dollars per million prompt tokens (image tokens included)
    output_per_million: float = Field(ge=0)
    source: str = Field(min_length=1)  # where the price is published (a URL, or a citation)
    as_of: dt.date  # the date the source showed that price


class GpuPrice(BaseModel):
    """A self-hosted replica: what its GPUs cost per hour. Its pages per hour are measured, not typed in."""

    kind: Literal["gpu"] = "gpu"
    gpu_hour_price: float = Field(ge=0)  # one GPU, per hour
    gpus: int = Field(default=1, ge=1)  # the GPUs of one replica (tensor parallel)
    source: str = Field(min_length=1)
    as_of: dt.date
    # A published throughput standing in until the server is measured: always reported as an estimate.
    estimated_pages_per_hour: float | None = Field(default=None, gt=0)
    estimate_source: str | None = None

    @model_validator(mode="after")
    def _estimate_is_cited(self) -> GpuPrice:
        if self.estimated_pages_per_hour is not None and not self.estimate_source:
            raise ValueError("estimated_pages_per_hour needs its estimate_source")
        return self

    @property
    def replica_hour_price(self) -> float:
        return self.gpu_hour_price * self.gpus


ModelPrice = Annotated[TokenPrice | GpuPrice, Field(discriminator="kind")]


class Throughput(BaseModel):
    """One model's throughput as `bench/vlm_client.py --write` measured it against a server."""

    pages_per_hour: float = Field(gt=0)
    in_flight: int = Field(ge=1)
    pages: int = Field(ge=1)
    prompt_tokens_per_page: float = Field(ge=0)
    completion_tokens_per_page: float = Field(ge=0)
    measured_at: dt.datetime
    base_url: str


_THROUGHPUT_FILE = TypeAdapter(dict[str, Throughput])


def read_throughput(path: Path) -> dict[str, Throughput]:
    """The measured throughput of each model in `path` (a file the bench wrote)."""
    try:
        return _THROUGHPUT_FILE.validate_json(path.read_bytes())
    except FileNotFoundError:
        raise ValueError(f"no throughput file at {path}: run bench/vlm_client.py --write {path}") from None


def write_throughput(path: Path, model: str, measured: Throughput) -> None:
    """Merge one model's measurement into `path`, keeping the other models' figures."""
    figures = read_throughput(path) if path.exists() else {}
    figures[model] = measured
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(_THROUGHPUT_FILE.dump_python(figures, mode="json"), indent=1) + "\n")


class PageCost(BaseModel):
    usd: float | None  # None: some try was on an unpriced model
    unpriced: set[str] = Field(default_factory=set)
    estimated: bool = False  # some try was priced with an estimated throughput


class PriceBook(BaseModel):
    """The price table and the measured throughput, as one lookup: the dollars of one try."""

    prices: Mapping[str, ModelPrice] = Field(default_factory=dict)
    throughput: Mapping[str, Throughput] = Field(default_factory=dict)

    def try_cost(self, attempt: PageTry) -> tuple[float, CostBasis] | None:
        """What one request cost and how the figure was reached; None when the model has no price."""
        price = self.prices.get(attempt.model)
        if isinstance(price, TokenPrice):
            usd = attempt.tokens_in * price.input_per_million + attempt.tokens_out * price.output_per_million
            return usd / 1e6, "measured"
        if price is None:
            return None
        measured = self.throughput.get(attempt.model)
        # Each request holds the replica for one page's share of an hour: the bench's pages were one request
        # each, at the server's in-flight bound.
        if measured is not None:
            return price.replica_hour_price / measured.pages_per_hour, "measured"
        if price.estimated_pages_per_hour is not None:
            return price.replica_hour_price / price.estimated_pages_per_hour, "estimated"
        return None

    def page_cost(self, tries: Iterable[PageTry]) -> PageCost:
        usd, unpriced, estimated = 0.0, set(), False
        for attempt in tries:
            cost = self.try_cost(attempt)
            if cost is None:
                unpriced.add(attempt.model)
                continue
            usd += cost[0]
            estimated = estimated or cost[1] == "estimated"
        return PageCost(usd=None if unpriced else usd, unpriced=unpriced, estimated=estimated)
