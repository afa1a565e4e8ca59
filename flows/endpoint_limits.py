"""One Prefect global concurrency limit per model endpoint: all workers together, one bound per server.

Inside a process the model client bounds its own requests in flight; across workers only the Prefect
server sees everyone, so a document holds one slot of each endpoint's limit while it is extracted.
`abstractor deploy` creates the limits from the settings; where none exists (an ephemeral CLI run) a
document takes no slot and nothing waits.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext

from prefect.client.orchestration import get_client
from prefect.concurrency.sync import concurrency
from prefect.exceptions import ObjectNotFound

from extractors.engines.config import ExtractionConfig

ExtractSlot = Callable[[], AbstractContextManager[object]]


def endpoint_limit_names(extraction: ExtractionConfig) -> list[str]:
    """`vllm:small`, `vllm:large`: the endpoints the configured engine calls."""
    if extraction.resolved_engine != "vlm":
        return []
    roles = {"small": extraction.small, "large": extraction.large}
    return [f"vllm:{role}" for role, endpoint in roles.items() if endpoint is not None]


def _existing(names: list[str]) -> list[str]:
    found = []
    with get_client(sync_client=True) as client:
        for name in names:
            try:
                client.read_global_concurrency_limit_by_name(name)
            except ObjectNotFound:
                continue
            found.append(name)
    return found


def extract_slot(extraction: ExtractionConfig) -> ExtractSlot:
    """What a document holds while it is extracted: a slot of every existing endpoint limit."""
    names = _existing(endpoint_limit_names(extraction))
    if not names:
        return nullcontext
    return lambda: concurrency(names, occupy=1, strict=False)


def ensure_endpoint_limits(extraction: ExtractionConfig, limit: int) -> list[str]:
    """Create or update the limits of the configured endpoints (run by `abstractor deploy`)."""
    names = endpoint_limit_names(extraction)
    with get_client(sync_client=True) as client:
        for name in names:
            client.upsert_global_concurrency_limit_by_name(name, limit)
    return names
