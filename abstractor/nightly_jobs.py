"""The scheduled runs' face: their jobs, built from the settings in the worker when each run starts.

Registered under the entry-point group `abstractor.jobs` (pyproject.toml); `flows.job_hook` calls them
when a deployment starts a flow without a job.
"""

from __future__ import annotations

import datetime as dt

from abstractor import jobs
from abstractor.settings import Settings
from flows.evaluate import EvalJob
from flows.job import IngestJob


def ingest_job() -> IngestJob:
    settings = Settings()
    if not settings.ingest.sources:
        raise ValueError("the nightly ingest has no sources: set ingest.sources (ABSTRACTOR_INGEST__SOURCES)")
    return jobs.ingest_job(settings, settings.ingest.sources, None)


def eval_job() -> EvalJob:
    settings = Settings()
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    return jobs.eval_job(
        settings,
        goldset=None,
        split="test",
        engine=None,
        out_dir=settings.data_home / "reports" / stamp,
        accept=False,
    )
