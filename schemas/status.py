"""The one status vocabulary of Abstractor's results: pages, stages, documents and runs.

Every result says how it ended with a `Status`; a failed part also says what kind of failure it was
(`FailureKind`), because that decides who acts next: a transient failure is redone by the next run on its
own, a permanent one waits for a person (`ingest --retry`). Lifecycle states (`pending`, `running`,
`crashed`) describe work that has not ended and are kept apart in `Lifecycle`.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    ok = "ok"
    partial = "partial"  # some parts failed (listed with their reasons); the rest stands
    failed = "failed"
    needs_review = "needs_review"  # complete, but a person must look before it is trusted


class FailureKind(StrEnum):
    # The model endpoint was down, timed out, answered 5xx or its circuit was open: nothing is wrong with
    # the document, so the next run redoes exactly these parts without being asked.
    transient = "transient"
    # The engine answered, but not with a valid result for the schema (after its own retries).
    invalid = "invalid"
    # The input itself is bad (a corrupt or locked file): it stays failed at this version until retried.
    permanent = "permanent"


class Lifecycle(StrEnum):
    pending = "pending"  # a document not processed yet
    running = "running"  # a run still working
    crashed = "crashed"  # a run whose process died; found and marked by a later run
