"""The Prefect flow `ingest`: thin orchestration over `pipeline.ingest`.

Documents become Prefect task runs on the job's task runner (threads in this process by default, or a
Dask cluster), at most `documents_in_flight` at a time; inside a document, pages go to the CPU-stage pool
of the process that runs it. A task receives plain data only (the job, the run, the stage versions, the
document) so it can run on another machine; each process builds its context from the job once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture
from prefect.task_runners import TaskRunner
from prefect.tasks import exponential_backoff

from flows.endpoint_limits import extract_slot
from flows.runners import build_task_runner
from flows.scheduled import scheduled_job
from flows.worker_contexts import context_for, register, unregister
from pipeline.context import IngestContext
from pipeline.discovery import DiscoveredDocument
from pipeline.document import DocumentOutcome
from pipeline.ingest import DocumentMapper, handle_document, run_ingest
from pipeline.ingest_setup import IngestJob, build_context
from pipeline.ingest_summary import summary_markdown
from storage.db.models import Stage
from storage.db.runs import extraction_stats


def _prepare(job: IngestJob) -> Callable[[IngestContext], None]:
    def prepare(context: IngestContext) -> None:
        context.extract_slot = extract_slot(job.extraction)

    return prepare


# Prefect retries only what no lower layer retries: the run's bookkeeping in the database (lease, run
# item, heartbeat) around a document. The stages themselves never raise (process_document records a
# failure, and model calls are retried by the model client alone), so nothing here retries a model call.
# No Prefect result is persisted: the database's stage states are what a retry (or the next run) resumes.
@task(
    name="process-document",
    cache_policy=NO_CACHE,
    persist_result=False,
    retries=2,
    retry_delay_seconds=exponential_backoff(backoff_factor=5),
    retry_jitter_factor=0.5,
)
def process_document_task(
    job: IngestJob, run_id: int, versions: dict[Stage, str], item: DiscoveredDocument
) -> DocumentOutcome:
    context = context_for(job, versions, prepare=_prepare(job))
    return handle_document(context, run_id, versions, item)


def _bounded_map(job: IngestJob, runner: TaskRunner[Any]) -> DocumentMapper:
    def map_documents(
        run_id: int, versions: dict[Stage, str], items: Sequence[DiscoveredDocument]
    ) -> list[DocumentOutcome]:
        # At most documents_in_flight submitted at once: the rest wait here, not in the runner's queue,
        # so a run's memory (and a Dask scheduler's) stays flat however many documents it finds.
        slots = threading.BoundedSemaphore(job.documents_in_flight)
        futures: list[PrefectFuture[DocumentOutcome]] = []
        for item in items:
            slots.acquire()
            future = runner.submit(
                process_document_task,
                parameters={"job": job, "run_id": run_id, "versions": versions, "item": item},
            )
            future.add_done_callback(lambda _done: slots.release())
            futures.append(future)
        return [future.result() for future in futures]

    return map_documents


@flow(name="ingest")
def ingest(job: IngestJob | None = None) -> dict:
    """Discover the job's sources and bring every document's stages up to date.

    Without a job (a scheduled run) the job is built from the settings, in the worker, when the run starts.
    """
    job = job or scheduled_job("ingest")
    started = time.monotonic()
    context = build_context(job)
    _prepare(job)(context)
    register(job, context)  # the thread runner's tasks share this context
    try:
        with build_task_runner(job.task_runner) as runner:
            tally = run_ingest(context, job, _bounded_map(job, runner))
        stats = extraction_stats(context.db, tally.run_id)
    finally:
        unregister(job)
        context.close()
    elapsed_s = time.monotonic() - started
    create_markdown_artifact(
        key="ingest-summary",
        markdown=summary_markdown(tally, stats, elapsed_s),
        description="Ingest run summary",
    )
    return {**tally.as_dict(), "failures": tally.failures}
