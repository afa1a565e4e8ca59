"""Which engine extracts, how it reaches its models, and what they cost: plain data, built by a face."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from extractors.vlm.cascade import CascadeConfig
from extractors.vlm.client import EndpointConfig
from extractors.vlm.cost import ServerPrice
from extractors.vlm.engine import TryConfig
from extractors.vlm.prompt import PromptConfig

EngineName = Literal["auto", "rules", "vlm", "none"]

# Published throughput, as a starting point for cost figures: Qwen2.5-VL-7B serves about one page a second
# on one H100 with vLLM; the 72B AWQ model needs two H100s and reads about a fifth as fast. Replace with
# your own measured pages/hour and prices.
DEFAULT_PRICES = {
    "Qwen/Qwen2.5-VL-7B-Instruct-AWQ": ServerPrice(gpu_hour_price=2.5, pages_per_hour=3600),
    "Qwen/Qwen2.5-VL-72B-Instruct-AWQ": ServerPrice(gpu_hour_price=5.0, pages_per_hour=720),
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
    prices: dict[str, ServerPrice] = Field(default_factory=lambda: dict(DEFAULT_PRICES))

    @property
    def resolved_engine(self) -> Literal["rules", "vlm", "none"]:
        if self.engine == "auto":
            return "vlm" if self.small is not None else "rules"
        return self.engine
