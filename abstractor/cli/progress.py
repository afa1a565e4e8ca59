"""Progress of a run as it goes: documents done out of those found, pages read, elapsed time and ETA.

It is the run's ProgressCallback (pipeline.context), given to the contexts the flow builds in this process
(pipeline.ingest_setup.reporting_progress). On a terminal it is rich's live bar on stderr; otherwise (a
log file, CI, a pipe) one timestamped line each time a document finishes. Stdout stays for the result,
so `--json` output is never mixed with progress. Documents a Dask cluster processes report in the
worker's process, not here: such a run shows the documents found, and its summary at the end.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from contextlib import ExitStack
from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from pipeline.ingest_setup import reporting_progress


def duration(seconds: float) -> str:
    """2m10s, 45s, 1h05m: short enough for a log line."""
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m{seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


def utc_stamp() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class RunProgress:
    """Counts the run's events ("discovered", "documents", "pages") and shows them.

    Events come from the flow's thread, its document tasks and the CPU-stage pool at once, hence the
    lock. A new discovery (the next engine of `eval --compare`) starts the count again.
    """

    def __init__(
        self,
        label: str,
        console: Console | None = None,
        clock: Callable[[], float] = time.monotonic,
        stamp: Callable[[], str] = utc_stamp,
    ) -> None:
        self._label = label
        self._console = console or Console(stderr=True)
        self._clock = clock
        self._stamp = stamp
        self._lock = threading.Lock()
        self._started = clock()
        self._total = 0
        self._documents = 0
        self._pages = 0
        self._live: Progress | None = None
        self._task: TaskID | None = None
        self._stack = ExitStack()

    def __enter__(self) -> RunProgress:
        if self._console.is_terminal:
            columns = (
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("documents, {task.fields[pages]} pages"),
                TimeElapsedColumn(),
                # The plain lines' ETA (the run's average rate), not rich's: that estimates from the last
                # 30 s only, and shows none while a long document is being read.
                TextColumn("{task.fields[eta]}"),
            )
            self._live = self._stack.enter_context(Progress(*columns, console=self._console, transient=True))
            self._task = self._live.add_task(f"{self._label}: finding documents", total=None, pages=0, eta="")
        self._stack.enter_context(reporting_progress(self))
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._stack.close()

    def __call__(self, event: str, amount: int) -> None:
        with self._lock:
            if event == "discovered":
                self._total, self._documents, self._pages = amount, 0, 0
                self._started = self._clock()
            elif event == "documents":
                self._documents += amount
            elif event == "pages":
                self._pages += amount
            if self._live is not None and self._task is not None:
                if event == "discovered":
                    self._live.reset(self._task, total=amount, description=self._label, pages=0, eta="")
                else:
                    eta = self._eta()
                    self._live.update(
                        self._task,
                        completed=self._documents,
                        pages=self._pages,
                        eta=f"ETA {eta}" if eta else "",
                    )
            elif event in ("discovered", "documents"):  # pages tick too often for a log
                self._console.out(f"{self._stamp()} {self.line()}", highlight=False)

    def line(self) -> str:
        """`ingest: 3/10 documents, 41 pages, elapsed 40s, ETA 2m10s` (the ETA once a document is done)."""
        text = f"{self._label}: {self._documents}/{self._total} documents, {self._pages} pages"
        text += f", elapsed {duration(self._clock() - self._started)}"
        eta = self._eta()
        return f"{text}, ETA {eta}" if eta else text

    def _eta(self) -> str | None:
        """The time left at the run's average rate; None before the first document or after the last."""
        if not 0 < self._documents < self._total:
            return None
        elapsed = self._clock() - self._started
        return duration(elapsed / self._documents * (self._total - self._documents))
