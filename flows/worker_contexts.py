"""Each process's ingest contexts, built once per job and reused by every document task it runs.

A Dask worker receives plain data (the job, the run, the stage versions, one document) and must not get
a database engine or a thread pool pickled over the wire: it builds its own context from the job, once,
and keeps it for later documents and later runs. In the flow's own process the flow registers the context
it built, so the thread runner's tasks share it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from pipeline.context import IngestContext
from pipeline.ingest import current_versions
from pipeline.ingest_setup import IngestJob, build_context
from storage.db.models import Stage

_contexts: dict[str, IngestContext] = {}
_lock = threading.Lock()


def _key(job: IngestJob) -> str:
    # Secrets dump masked: two jobs differing only by an API key share a context (they reach one server).
    return job.model_dump_json()


def register(job: IngestJob, context: IngestContext) -> None:
    with _lock:
        _contexts[_key(job)] = context


def unregister(job: IngestJob) -> None:
    with _lock:
        _contexts.pop(_key(job), None)


def context_for(
    job: IngestJob,
    versions: dict[Stage, str],
    prepare: Callable[[IngestContext], None] = lambda _context: None,
) -> IngestContext:
    """This process's context for the job, rebuilt when its stage versions are not the run's.

    A long-lived worker may hold a context from before a recalibration or an upgrade: a document must be
    processed by the engine whose version the run records, so a stale context is replaced.
    """
    key = _key(job)
    with _lock:
        context = _contexts.get(key)
        if context is not None and current_versions(context) == versions:
            return context
        if context is not None:
            context.close()
        context = build_context(job)
        prepare(context)
        _contexts[key] = context
        return context
