"""How a scheduled run gets its job: from the settings, read in the worker when the run starts.

A deployment carries no job. The application registers one factory per flow under the entry-point group
`abstractor.jobs` (see pyproject.toml); a flow started without a job calls it. So the settings are still
read at a face, yet this package imports nothing above it, and a deployment never holds a stale copy of
the settings, a path of the machine that deployed it, or a secret (Prefect stores parameters in its
database and shows them in its UI, with secrets masked, which would also break them).
"""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import Any

GROUP = "abstractor.jobs"


def scheduled_job(name: str) -> Any:
    """The job for a scheduled run of `name` (`ingest`, `eval`), built by the registered factory."""
    found = entry_points(group=GROUP, name=name)
    if not found:
        raise LookupError(f"no job factory {name!r} in entry-point group {GROUP!r}: is abstractor installed?")
    factory = next(iter(found)).load()
    return factory()
