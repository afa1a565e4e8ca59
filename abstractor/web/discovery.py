"""How the CLI finds a running `abstractor serve`: the `server.url` setting, or the file serve writes."""

from __future__ import annotations

import json
import os
from pathlib import Path

from abstractor.settings import Settings


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def write_server_file(path: Path, url: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"pid": os.getpid(), "url": url}))
    tmp.replace(path)


def remove_server_file(path: Path) -> None:
    try:
        if json.loads(path.read_text()).get("pid") == os.getpid():  # never another server's file
            path.unlink()
    except (FileNotFoundError, ValueError):
        pass


def server_url(settings: Settings) -> str | None:
    """The configured server, else the one serving this data home (its process still alive), else None."""
    if settings.server.url:
        return settings.server.url.rstrip("/")
    try:
        found = json.loads(settings.server_file.read_text())
    except (FileNotFoundError, ValueError):
        return None
    if not isinstance(found, dict) or not _alive(int(found.get("pid", 0))):
        return None  # a server killed without cleaning up: search locally
    return str(found["url"]).rstrip("/")
