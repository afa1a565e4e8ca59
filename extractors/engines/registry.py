"""Building the configured engine: the one place that knows every implementation."""

from __future__ import annotations

from pydantic import BaseModel

from extractors.engines.base import ExtractionEngine
from extractors.engines.config import ExtractionConfig
from extractors.evidence import ground_value
from extractors.rules.engine import RulesEngine
from extractors.vlm.cascade import CascadeEngine
from extractors.vlm.client import ChatClient, EndpointConfig
from extractors.vlm.engine import VlmEngine


def _vlm(schema: type[BaseModel], endpoint: EndpointConfig, config: ExtractionConfig) -> VlmEngine:
    return VlmEngine(schema, ChatClient(endpoint), prompt=config.prompt, ground=ground_value)


def build_engine(config: ExtractionConfig, schema: type[BaseModel]) -> ExtractionEngine | None:
    """The engine of `config`, or None when extraction is switched off."""
    match config.resolved_engine:
        case "none":
            return None
        case "rules":
            return RulesEngine(schema)
        case "vlm":
            if config.small is None:
                raise ValueError("the vlm engine needs a small-model endpoint (extraction.small.base_url)")
            small = _vlm(schema, config.small, config)
            large = _vlm(schema, config.large, config) if config.large is not None else None
            return CascadeEngine(small, large, config.cascade)
