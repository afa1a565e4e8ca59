"""The data home is the service account's alone: folders 0700 and files 0600, whatever the umask.

Threat (docs/threats.md): the database, originals and page images were 0644, so any local user read
every matter.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from storage.blobs.local import LocalBlobStore
from storage.db import open_database


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def _usual_umask() -> Iterator[None]:
    """A login shell's umask, under which plain mkdir and open give 0755 and 0644."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_a_fresh_data_home_is_private(tmp_path: Path) -> None:
    home = tmp_path / "data" / "home"  # neither folder exists yet
    db = open_database(f"sqlite:///{home / 'abstractor.db'}")
    with db.engine.connect() as conn:
        conn.exec_driver_sql("SELECT 1")  # WAL mode: -wal and -shm exist while a connection is open
        created = [home / "abstractor.db", home / "abstractor.db-wal", home / "abstractor.db-shm"]
        assert {path.name: _mode(path) for path in created} == {path.name: 0o600 for path in created}
    db.dispose()
    assert _mode(home / "abstractor.db.migrate.lock") == 0o600
    assert _mode(home) == 0o700 and _mode(home.parent) == 0o700

    store = LocalBlobStore(home / "blobs")
    store.put("originals/ab/abcdef", b"%PDF-1.4 a contract")
    store.put_file("pages/ab/abcdef/0001.jpg", home / "abstractor.db")
    for folder in ("blobs", "blobs/originals", "blobs/originals/ab", "blobs/pages/ab/abcdef"):
        assert _mode(home / folder) == 0o700, folder
    assert _mode(home / "blobs/originals/ab/abcdef") == 0o600
    assert _mode(home / "blobs/pages/ab/abcdef/0001.jpg") == 0o600


def test_folders_the_operator_made_keep_their_mode(tmp_path: Path) -> None:
    root = tmp_path / "shared-blobs"
    root.mkdir(mode=0o755)
    LocalBlobStore(root).put("originals/ab/abcdef", b"bytes")
    assert _mode(root) == 0o755  # not ours to change (doctor warns about the data home instead)
    assert _mode(root / "originals") == 0o700
    assert _mode(root / "originals/ab/abcdef") == 0o600
