"""Which Prefect task runner spreads a run's documents: threads in the flow's process, or a Dask cluster.

The configuration (`pipeline.ingest_setup.TaskRunnerConfig`) is plain data that travels in the job;
Prefect and Dask are imported only when a runner is built, inside the flow (the faces set Prefect's
environment before it is first imported).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pipeline.ingest_setup import TaskRunnerConfig

if TYPE_CHECKING:
    from prefect.task_runners import TaskRunner


def build_task_runner(config: TaskRunnerConfig) -> TaskRunner[Any]:
    if config.kind == "threads":
        from prefect.task_runners import ThreadPoolTaskRunner

        return ThreadPoolTaskRunner()
    from prefect_dask import DaskTaskRunner  # only where Dask is asked for: it is slow to import

    return DaskTaskRunner(address=config.dask_address) if config.dask_address else DaskTaskRunner()
