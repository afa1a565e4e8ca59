"""`abstractor deploy` and `abstractor worker`: the nightly schedules on a Prefect server."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from abstractor.cli.common import fail, load_settings
from abstractor.prefect_env import configure_prefect
from abstractor.settings import Settings

PoolOption = Annotated[str | None, typer.Option("--pool", help="Work pool; default prefect.work_pool.")]


def _server_settings() -> Settings:
    settings = load_settings()
    if not (settings.prefect.api_url or os.environ.get("PREFECT_API_URL")):
        fail("schedules need a Prefect server: set ABSTRACTOR_PREFECT__API_URL (e.g. http://host:4200/api)")
    configure_prefect(settings)
    return settings


def deploy(pool: PoolOption = None) -> None:
    """Register the nightly deployments on the Prefect server, and the model endpoints' limits.

    `nightly-ingest` (cron prefect.ingest_cron, default 0 2 * * *) ingests ingest.sources;
    `nightly-eval` (prefect.eval_cron, default 0 5 * * *) scores the golden set. Both run on a process
    work pool and read the settings in the worker when they start. Safe to run again.
    Exit status: 0 registered; 2 no server configured, the server unreachable, or bad configuration.
    """
    settings = _server_settings()
    from flows.deploy import Schedules, register_deployments  # Prefect reads its environment on import

    schedules = Schedules(
        ingest_cron=settings.prefect.ingest_cron,
        eval_cron=settings.prefect.eval_cron,
        timezone=settings.prefect.timezone,
    )
    try:
        registered = register_deployments(
            pool or settings.prefect.work_pool,
            schedules,
            settings.extraction,
            settings.prefect.endpoint_concurrency,
        )
    except Exception as error:  # the server is down or refused: a configuration problem for the operator
        fail(f"could not register the deployments: {type(error).__name__}: {error}")
    for name in registered.deployments:
        typer.echo(f"deployment {name}")
    for name in registered.limits:
        typer.echo(f"concurrency limit {name}: {settings.prefect.endpoint_concurrency}")


def worker(pool: PoolOption = None) -> None:
    """Run a Prefect worker for the pool until stopped: it starts the scheduled runs as subprocesses.

    Exit status: the worker's (0 when stopped cleanly); 2 no Prefect server configured.
    """
    # The worker's own log lines (runs picked up, subprocesses started) are what operators read.
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO")
    settings = _server_settings()
    command = [sys.executable, "-m", "prefect", "worker", "start", "--type", "process"]
    command += ["--pool", pool or settings.prefect.work_pool]
    sys.stdout.flush()
    # Replace this process: the worker gets the signals (SIGTERM from the supervisor) directly.
    os.execv(sys.executable, command)


def register(app: typer.Typer) -> None:
    app.command()(deploy)
    app.command()(worker)
