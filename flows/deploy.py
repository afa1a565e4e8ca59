"""Registering the nightly deployments on a Prefect server: the work pool, the two schedules, the limits.

The deployments name their flows by module path (the code is installed wherever a worker runs) and carry
no parameters: each run builds its job from the settings in the worker (see `flows.scheduled`).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import WorkPoolCreate
from prefect.deployments.runner import EntrypointType
from prefect.exceptions import ObjectAlreadyExists
from prefect.schedules import Cron

from extractors.engines.config import ExtractionConfig
from flows.endpoint_limits import ensure_endpoint_limits
from flows.eval_flow import nightly_eval
from flows.ingest_flow import ingest


@dataclass(frozen=True)
class Schedules:
    ingest_cron: str = "0 2 * * *"
    eval_cron: str = "0 5 * * *"
    timezone: str = "UTC"


@dataclass(frozen=True)
class Registered:
    deployments: list[str]  # flow/deployment names
    limits: list[str]


def ensure_work_pool(name: str) -> None:
    with get_client(sync_client=True) as client, contextlib.suppress(ObjectAlreadyExists):
        client.create_work_pool(WorkPoolCreate(name=name, type="process"))


def register_deployments(
    pool: str, schedules: Schedules, extraction: ExtractionConfig, endpoint_limit: int
) -> Registered:
    """Create or update everything; safe to run again after a settings or code change."""
    ensure_work_pool(pool)
    names = []
    for flow, name, cron, description in (
        (ingest, "nightly-ingest", schedules.ingest_cron, "Ingest the configured sources every night."),
        (nightly_eval, "nightly-eval", schedules.eval_cron, "Score extraction on the golden set."),
    ):
        deployment = flow.to_deployment(
            name=name,
            schedules=[Cron(cron, timezone=schedules.timezone)],
            description=description,
            work_pool_name=pool,
            # One night's run never overlaps the next.
            concurrency_limit=1,
            entrypoint_type=EntrypointType.MODULE_PATH,
        )
        deployment.apply()
        names.append(f"{flow.name}/{name}")
    return Registered(names, ensure_endpoint_limits(extraction, endpoint_limit))
