"""Which engine extracts, and how it reaches its models: plain data, built by a face from the settings."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from extractors.vlm.cascade import CascadeConfig
from extractors.vlm.client import EndpointConfig
from extractors.vlm.prompt import PromptConfig

EngineName = Literal["auto", "rules", "vlm", "none"]


class ExtractionConfig(BaseModel):
    # auto: the VLM cascade when a small-model endpoint is configured, else the embedded rules engine.
    engine: EngineName = "auto"
    schema_name: str = Field(
        default="schemas.contract:ContractFields", description="The pydantic model to extract."
    )
    small: EndpointConfig | None = None
    large: EndpointConfig | None = None
    cascade: CascadeConfig = Field(default_factory=CascadeConfig)
    prompt: PromptConfig = Field(default_factory=PromptConfig)

    @property
    def resolved_engine(self) -> Literal["rules", "vlm", "none"]:
        if self.engine == "auto":
            return "vlm" if self.small is not None else "rules"
        return self.engine
