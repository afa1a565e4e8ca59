"""An exclusive, non-blocking lock on an embedded index directory (one owning process, as Qdrant requires)."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from retrieval.index.base import IndexBusy

LOCK_NAME = ".abstractor-index.lock"


class DirectoryLock:
    """flock on a file inside the directory; the kernel drops it when the process dies, so no stale locks."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / LOCK_NAME
        self._fd: int | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 32).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise IndexBusy(
                f"the index at {self.path.parent} is open in another process (pid {holder}); "
                "only one process may own an embedded index"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
