"""Which engine extracts, how it reaches its models, and what they cost: plain data, built by a face."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from extractors.vlm.cascade import CascadeConfig
from extractors.vlm.client import EndpointConfig
from extractors.vlm.cost import GpuPrice, ModelPrice, TokenPrice
from extractors.vlm.engine import TryConfig
from extractors.vlm.prompt import PromptConfig

EngineName = Literal["auto", "rules", "vlm", "none"]

# The shipped prices, each with its source and date; no throughput is typed in. A self-hosted model's pages
# per hour come from the file `bench/vlm_client.py --write` measures (`throughput_file`); until then the 7B
# runs on olmOCR's published figure, flagged as an estimate, and the 72B is unpriced.
_H100 = "RunPod Secure Cloud H100 SXM, ~$2.69/GPU-hour: https://www.spheron.network/blog/runpod-h100-pricing-2026/"
# 10,000 pages in 36m47s on one H100 = 16,312 pages/hour (~$165 per million pages at $2.69/hour). olmOCR's
# prompt is shorter and its weights FP8: an upper bound for ours (docs/deployment.md), hence an estimate.
_OLMOCR = (
    "olmOCR (allenai/olmocr, arXiv 2502.18443) as quoted by issue 14: FP8 olmOCR-7B (a Qwen2.5-VL-7B) on one "
    "H100, 10,000 pages in 36m47s; the original page not verified here"
)
DEFAULT_PRICES: dict[str, ModelPrice] = {
    "Qwen/Qwen2.5-VL-7B-Instruct-AWQ": GpuPrice(
        gpu_hour_price=2.69,
        gpus=1,
        source=_H100,
        as_of=dt.date(2026, 5, 22),
        estimated_pages_per_hour=10_000 / (36 * 60 + 47) * 3600,
        estimate_source=_OLMOCR,
    ),
    # AWQ 72B tensor parallel over two H100s (docs/deployment.md); unpriced until measured.
    "Qwen/Qwen2.5-VL-72B-Instruct-AWQ": GpuPrice(
        gpu_hour_price=2.69, gpus=2, source=_H100, as_of=dt.date(2026, 5, 22)
    ),
    "gpt-4o-mini": TokenPrice(
        input_per_million=0.15,
        output_per_million=0.60,
        # OpenAI's list price (platform.openai.com/docs/pricing), read second-hand: the same figures in
        # several 2026 pricing guides, none of them OpenAI's own page.
        source="OpenAI list price, platform.openai.com/docs/pricing, as quoted by "
        "https://aimodelcalc.pages.dev/guides/openai-api-pricing.html (updated June 2026)",
        as_of=dt.date(2026, 6, 1),
    ),
}


class ExtractionConfig(BaseModel):
    # auto: the VLM (cascade when a large endpoint is set too) when a small-model endpoint is configured,
    # else the embedded rules engine.
    engine: EngineName = "auto"
    schema_name: str = Field(
        default="schemas.contract:ContractFields", description="The pydantic model to extract."
    )
    clause_model: Path | None = Field(
        default=None,
        description="The embedded engine's clause classifier (its JSON card); unset: the packaged one.",
    )
    small: EndpointConfig | None = None
    large: EndpointConfig | None = None
    cascade: CascadeConfig = Field(default_factory=CascadeConfig)
    # Each model's retries of a page whose answer was cut off or invalid, before the cascade escalates it.
    tries: TryConfig = Field(default_factory=TryConfig)
    # The large model's answer bound is at least this: it re-reads pages whose answers did not fit.
    large_max_tokens: int = Field(default=2048, ge=1)
    # None: the newest `abstractor calibrate` result for the small model, else cascade.threshold.
    threshold_override: float | None = Field(default=None, ge=0.0, le=1.0)
    prompt: PromptConfig = Field(default_factory=PromptConfig)
    # More OpenAI-compatible endpoints to rank with `abstractor eval --compare NAME,...`.
    candidates: dict[str, EndpointConfig] = Field(default_factory=dict)
    # Each model's price, by the model name its endpoint serves (extractors.vlm.cost).
    prices: dict[str, ModelPrice] = Field(default_factory=lambda: dict(DEFAULT_PRICES))
    # The measured pages/hour of self-hosted models: the JSON file `bench/vlm_client.py --write` writes.
    throughput_file: Path | None = None

    @property
    def resolved_engine(self) -> Literal["rules", "vlm", "none"]:
        if self.engine == "auto":
            return "vlm" if self.small is not None else "rules"
        return self.engine
