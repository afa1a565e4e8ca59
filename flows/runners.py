"""Which Prefect task runner spreads a run's documents: threads in the flow's process, or a Dask cluster.

The configuration is plain data that travels in the job; Prefect and Dask are imported only when a
runner is built, inside the flow (the faces set Prefect's environment before it is first imported).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, model_validator

if TYPE_CHECKING:
    from prefect.task_runners import TaskRunner


class TaskRunnerConfig(BaseModel):
    kind: Literal["threads", "dask"] = "threads"
    # The scheduler of a running Dask cluster (tcp://host:8786). Without it a Dask run starts a local
    # cluster of its own, which spreads documents over this machine's processes only.
    dask_address: str | None = None

    @model_validator(mode="after")
    def _address_needs_dask(self) -> TaskRunnerConfig:
        if self.dask_address is not None and self.kind != "dask":
            raise ValueError("dask_address is set but the task runner is not 'dask'")
        return self


def build_task_runner(config: TaskRunnerConfig) -> TaskRunner[Any]:
    if config.kind == "threads":
        from prefect.task_runners import ThreadPoolTaskRunner

        return ThreadPoolTaskRunner()
    from prefect_dask import DaskTaskRunner  # only where Dask is asked for: it is slow to import

    return DaskTaskRunner(address=config.dask_address) if config.dask_address else DaskTaskRunner()
