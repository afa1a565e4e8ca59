"""The one process that holds the embedded index: it applies the outbox and answers searches.

The web server owns the index while it runs; otherwise an ingest run (at its end), a CLI search or a
reindex takes it for as long as it needs it. Whoever takes it first applies what the outbox holds, so a
search never misses an update that was committed before it started.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from retrieval.index import IndexBusy, IndexConfig, PageIndex, open_index
from retrieval.outbox import apply_outbox
from storage.db import Database


class IndexOwner:
    def __init__(self, db: Database, config: IndexConfig) -> None:
        self.db = db
        self.config = config
        self._index: PageIndex | None = None
        # qdrant-edge's shard is not documented as thread-safe: one operation at a time in this process.
        self._lock = threading.RLock()

    @property
    def held(self) -> bool:
        return self._index is not None

    def try_take(self) -> bool:
        """Open the index unless another process holds it; apply the outbox when it opens."""
        with self._lock:
            if self._index is None:
                try:
                    self._index = open_index(self.config)
                except IndexBusy:
                    return False
            apply_outbox(self.db, self._index)
            return True

    def take(self, wait_s: float = 0.0, poll_s: float = 0.5) -> None:
        """Like try_take, retried for up to `wait_s` (another process's hold is usually brief)."""
        deadline = time.monotonic() + wait_s
        while not self.try_take():
            if time.monotonic() >= deadline:
                raise IndexBusy(f"the index at {self.config.path} is held by another process")
            time.sleep(poll_s)

    def drain(self) -> int:
        """Apply waiting outbox rows; 0 when the index is not held (its holder applies them)."""
        with self._lock:
            return apply_outbox(self.db, self._index) if self._index is not None else 0

    @contextmanager
    def use(self) -> Iterator[PageIndex]:
        with self._lock:
            if self._index is None and not self.try_take():
                raise IndexBusy(f"the index at {self.config.path} is held by another process")
            assert self._index is not None
            yield self._index

    def close(self) -> None:
        with self._lock:
            if self._index is not None:
                self._index.close()
                self._index = None

    def __enter__(self) -> IndexOwner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
