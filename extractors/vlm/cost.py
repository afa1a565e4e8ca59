"""What extraction costs per 1,000 pages, from the page results of a run and the price of the servers.

A self-hosted model costs GPU time, not tokens: a GPU hour buys `pages_per_hour` pages (measured on that
server at its in-flight bound). Every page pays the small model; escalated pages pay the large one too.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, Field

from schemas.results import PageExtraction


class ServerPrice(BaseModel):
    gpu_hour_price: float = Field(ge=0)  # all the GPUs of one replica, per hour
    pages_per_hour: float = Field(gt=0)  # that replica's measured throughput


class CostReport(BaseModel):
    pages: int
    escalated: int
    tokens_in_per_page: float
    tokens_out_per_page: float
    cost_per_1000_pages: float


def cost_per_1000_pages(
    results: Sequence[PageExtraction], small: ServerPrice, large: ServerPrice | None = None
) -> CostReport:
    pages = len(results)
    escalated = sum(1 for page in results if page.escalated)
    share = escalated / pages if pages else 0.0
    per_page = small.gpu_hour_price / small.pages_per_hour
    if large is not None:
        per_page += share * large.gpu_hour_price / large.pages_per_hour
    return CostReport(
        pages=pages,
        escalated=escalated,
        tokens_in_per_page=sum(page.tokens_in for page in results) / pages if pages else 0.0,
        tokens_out_per_page=sum(page.tokens_out for page in results) / pages if pages else 0.0,
        cost_per_1000_pages=1000 * per_page,
    )
