"""Progress of an ingest run, read from the database while the flow works.

Reading the run's records (rather than hooking into the flow) works the same whichever task runner or
machine processes the documents: rich's live display on a terminal, plain log lines otherwise.
"""

from __future__ import annotations

import os
import sys
import threading
from types import TracebackType

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from sqlalchemy import func, select

from storage.db import Database, Run, RunItem


class RunProgress:
    def __init__(self, db: Database, interval_s: float = 1.0) -> None:
        self._db = db
        self._interval_s = interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="progress", daemon=True)
        self._console = Console(stderr=True)

    def __enter__(self) -> RunProgress:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._stop.set()
        self._thread.join()

    def _counts(self) -> tuple[int | None, int, int]:
        with self._db.session() as session:
            run_id = session.scalar(
                select(func.max(Run.id)).where(Run.pid == os.getpid(), Run.kind == "ingest")
            )
            if run_id is None:
                return None, 0, 0
            done = session.scalar(select(func.count()).where(RunItem.run_id == run_id)) or 0
            failed = (
                session.scalar(
                    select(func.count()).where(
                        RunItem.run_id == run_id, RunItem.outcome.in_(("failed", "partial"))
                    )
                )
                or 0
            )
            return run_id, done, failed

    def _watch(self) -> None:
        if self._console.is_terminal:
            self._watch_live()
        else:
            self._watch_plain()

    def _watch_live(self) -> None:
        columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
        with Progress(*columns, console=self._console, transient=True) as progress:
            task = progress.add_task("starting", total=None)
            while not self._stop.wait(self._interval_s):
                run_id, done, failed = self._counts()
                if run_id is not None:
                    progress.update(
                        task, description=f"run {run_id}: {done} documents done, {failed} failed or partial"
                    )

    def _watch_plain(self) -> None:
        last = -1
        while not self._stop.wait(self._interval_s):
            run_id, done, failed = self._counts()
            if run_id is not None and done != last:
                print(
                    f"run {run_id}: {done} documents done, {failed} failed or partial",
                    file=sys.stderr,
                    flush=True,
                )
                last = done
