"""The Prefect flow `ingest`: thin orchestration over `flows.ingest`.

Documents become Prefect task runs on the flow's task runner (threads by default), at most
`documents_in_flight` at a time; inside a document, pages go to the run's CPU-stage pool.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, wait

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture

from flows.discovery import DiscoveredDocument
from flows.ingest import run_ingest
from flows.job import IngestJob, build_context
from flows.runs import OUTCOMES, RunTally
from flows.stages import DocumentOutcome


@task(name="process-document", cache_policy=NO_CACHE)
def _process(
    handle: Callable[[DiscoveredDocument], DocumentOutcome], item: DiscoveredDocument
) -> DocumentOutcome:
    # No Prefect retries here: process_document records a failure instead of raising, and the
    # document is picked up again by the next run.
    return handle(item)


def _bounded_task_map(limit: int) -> Callable[..., Iterable[DocumentOutcome]]:
    def map_documents(
        handle: Callable[[DiscoveredDocument], DocumentOutcome], items: Sequence[DiscoveredDocument]
    ) -> list[DocumentOutcome]:
        pending: list[PrefectFuture[DocumentOutcome]] = []
        results: list[DocumentOutcome] = []
        for item in items:
            if len(pending) >= limit:
                done, _ = wait([future.wrapped_future for future in pending], return_when=FIRST_COMPLETED)
                finished = [future for future in pending if future.wrapped_future in done]
                results.extend(future.result() for future in finished)
                pending = [future for future in pending if future not in finished]
            pending.append(_process.submit(handle, item))
        results.extend(future.result() for future in pending)
        return results

    return map_documents


def _summary_markdown(tally: RunTally) -> str:
    counts = tally.documents
    lines = [
        f"# Ingest run {tally.run_id}",
        "",
        "| new | updated | skipped | failed | pages |",
        "| --- | --- | --- | --- | --- |",
        "| " + " | ".join(str(counts[name]) for name in OUTCOMES) + f" | {tally.pages} |",
    ]
    if tally.failures:
        lines += ["", "## Failures", "", "| source | reason |", "| --- | --- |"]
        lines += [f"| {item['source']} | {item['error']} |" for item in tally.failures]
    return "\n".join(lines)


@flow(name="ingest")
def ingest(job: IngestJob) -> dict:
    """Discover the job's sources and bring every document's stages up to date."""
    context = build_context(job)
    try:
        tally = run_ingest(context, job, _bounded_task_map(job.documents_in_flight))
    finally:
        context.close()
    create_markdown_artifact(
        key="ingest-summary", markdown=_summary_markdown(tally), description="Ingest run summary"
    )
    return {**tally.as_dict(), "failures": tally.failures}
