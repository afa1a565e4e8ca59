"""Folders and files private to the service account: the data home holds every matter's contracts.

The modes are set explicitly, never left to the umask: a service started from a login shell (umask 022)
would otherwise make every original, page image and the database readable by any local user. Only what
is created here is made private; a folder or file the operator already had is left as it is (`abstractor
doctor` warns about those).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

__all__ = ["PRIVATE_DIR_MODE", "PRIVATE_FILE_MODE", "create_private_file", "make_private_dirs"]

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def make_private_dirs(folder: Path) -> None:
    """Create `folder` and its missing parents, each 0700; folders that already exist are not touched."""
    missing: list[Path] = []
    for candidate in (folder, *folder.parents):
        if candidate.exists():
            break
        missing.append(candidate)
    for path in reversed(missing):
        with contextlib.suppress(FileExistsError):  # another process made it first: theirs stands
            path.mkdir(mode=PRIVATE_DIR_MODE)
            # mkdir's mode is filtered by the umask, which may take bits away (0o277 would leave the
            # owner unable to write); chmod sets exactly 0700.
            path.chmod(PRIVATE_DIR_MODE)


def create_private_file(path: Path) -> None:
    """Create an empty `path` with mode 0600 unless it exists (an existing file keeps its mode)."""
    make_private_dirs(path.parent)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, PRIVATE_FILE_MODE)
    except FileExistsError:
        return
    try:
        os.fchmod(fd, PRIVATE_FILE_MODE)  # as for folders: the umask could have taken the owner's bits
    finally:
        os.close(fd)
