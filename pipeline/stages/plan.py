"""Which stages a document needs: from the first one missing, stale or left unfinished, on."""

from __future__ import annotations

from pipeline.versions import STAGE_ORDER
from storage.db.documents import StageRecord
from storage.db.models import Stage


def stages_to_run(
    recorded: dict[Stage, StageRecord], versions: dict[Stage, str], retry_requested: bool
) -> tuple[list[Stage], StageRecord | None]:
    """The stages to redo, and a standing failure (a permanent one at the current version) if any.

    A stage is done when it ran at the current version and nothing of it waits to be redone; one whose
    parts failed for a transient reason (the model endpoint down) is redone by the next run on its own.
    """
    wanted = [stage for stage in STAGE_ORDER if stage in versions]
    for position, stage in enumerate(wanted):
        record = recorded.get(stage)
        if record is None or record.version != versions[stage] or record.redo:
            return wanted[position:], None
        if record.standing_failure or (record.failure is not None and retry_requested):
            return (wanted[position:], None) if retry_requested else ([], record)
    return [], None
