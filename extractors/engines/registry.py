"""Building the configured engine: the one place that knows every implementation."""

from __future__ import annotations

from pydantic import BaseModel

from extractors.clauses import ClauseClassifier
from extractors.engines.base import ExtractionEngine
from extractors.engines.config import ExtractionConfig
from extractors.evidence import ground_value
from extractors.rules.engine import RulesEngine
from extractors.vlm.cascade import CascadeEngine
from extractors.vlm.client import ChatClient, EndpointConfig
from extractors.vlm.engine import VlmEngine


def vlm_engine(
    schema: type[BaseModel], endpoint: EndpointConfig, config: ExtractionConfig, max_tokens: int | None = None
) -> VlmEngine:
    return VlmEngine(
        schema,
        ChatClient(endpoint),
        prompt=config.prompt,
        ground=ground_value,
        tries=config.tries,
        max_tokens=max_tokens,
    )


def build_engine(config: ExtractionConfig, schema: type[BaseModel]) -> ExtractionEngine | None:
    """The engine of `config`, or None when extraction is switched off.

    One model endpoint gives that model alone; a large endpoint too gives the cascade.
    """
    match config.resolved_engine:
        case "none":
            return None
        case "rules":
            return RulesEngine(schema, ClauseClassifier.load(config.clause_model))
        case "vlm":
            if config.small is None:
                raise ValueError("the vlm engine needs a small-model endpoint (extraction.small.base_url)")
            small = vlm_engine(schema, config.small, config)
            if config.large is None:
                return small
            large_tokens = max(config.large.max_tokens, config.large_max_tokens)
            large = vlm_engine(schema, config.large, config, large_tokens)
            return CascadeEngine(small, large, config.cascade)
