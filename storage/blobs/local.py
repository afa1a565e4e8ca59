"""Blobs as files under one root folder (the embedded default: a folder under the data home)."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from storage.blobs.base import TEMP_MARKER, BlobNotFound, BlobStore, validate_key, validate_prefix
from storage.private import make_private_dirs

__all__ = ["LocalBlobStore", "listing_order"]


def listing_order(entry: os.DirEntry[str]) -> str:
    """Sort key for a folder's entries that makes a depth-first walk yield paths in plain string order.

    A folder sorts as "name/": as strings "a-b" < "a/b", although the folder "a" sorts before the file
    "a-b" by name. String order is the order S3 lists in, so both stores (and all sources) agree.
    """
    return entry.name + "/" if entry.is_dir(follow_symlinks=False) else entry.name


class LocalBlobStore(BlobStore):
    def __init__(self, root: Path | str) -> None:
        # resolve() once so url/local_path are absolute and stable even if the cwd changes later.
        self.root = Path(root).expanduser().resolve()

    @property
    def url(self) -> str:
        return self.root.as_uri()

    def _path(self, key: str) -> Path:
        # Validation (no "..", not absolute, no backslash) is what keeps this join inside the root.
        return self.root.joinpath(*validate_key(key).split("/"))

    def _write_atomically(self, key: str, fill: Callable[[BinaryIO], object]) -> None:
        target = self._path(key)
        # Originals and page images are every matter's contracts: folders 0700 and files 0600, so only
        # the service account (the ingest, the web app, the workers all run as it) can read them.
        make_private_dirs(target.parent)
        # The temp file lives in the target's own folder so os.replace is a same-filesystem rename,
        # which is atomic: a reader sees the old blob or the new one, never half of one. mkstemp creates
        # it 0600 (a umask only takes bits away) and the rename keeps that mode: the blob stays private.
        fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f"{TEMP_MARKER}{target.name}.")
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                fill(out)
                out.flush()
                # fsync before the rename: otherwise a power cut can leave the new name pointing at an
                # empty file, and an original scan is exactly what we must never lose.
                os.fsync(out.fileno())
            tmp.replace(target)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
            raise

    def put(self, key: str, data: bytes, content_type: str | None = None) -> None:
        # content_type has no home on a filesystem; S3 keeps it, here it is simply not needed.
        self._write_atomically(key, lambda out: out.write(data))

    def put_file(self, key: str, path: Path, content_type: str | None = None) -> None:
        def fill(out: BinaryIO) -> None:
            with Path(path).open("rb") as src:
                shutil.copyfileobj(src, out, length=1024 * 1024)

        self._write_atomically(key, fill)

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            # A directory at the key's place ("originals" when "originals/ab/x" exists) is not a blob.
            raise BlobNotFound(key) from None

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        # Empty parent folders are left in place on purpose: removing them would race with a concurrent
        # put() that has just created the folder and is about to write its temp file into it.
        with contextlib.suppress(FileNotFoundError, NotADirectoryError):
            self._path(key).unlink()

    def list(self, prefix: str = "") -> Iterator[str]:
        # Validate now, not at the first next(): a bad prefix should fail where it is passed.
        validate_prefix(prefix)
        return self._list(prefix)

    def _list(self, prefix: str) -> Iterator[str]:
        # Start the walk at the deepest folder the prefix names, so listing "originals/ab/" does not
        # walk the whole store; the rest of the prefix is matched as a plain string, like S3.
        folder, _, _ = prefix.rpartition("/")
        start = self.root.joinpath(*folder.split("/")) if folder else self.root
        base = f"{folder}/" if folder else ""
        for key in self._walk(start, base):
            if key.startswith(prefix):
                yield key

    def _walk(self, folder: Path, base: str) -> Iterator[str]:
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=listing_order)
        except (FileNotFoundError, NotADirectoryError):
            return
        for entry in entries:
            if entry.name.startswith(TEMP_MARKER):
                continue  # an in-flight (or crashed) put, not a blob
            if entry.is_dir(follow_symlinks=False):
                yield from self._walk(Path(entry.path), f"{base}{entry.name}/")
            elif entry.is_file():
                yield f"{base}{entry.name}"

    def size(self, key: str) -> int:
        path = self._path(key)
        try:
            if not path.is_file():
                raise BlobNotFound(key)
            return path.stat().st_size
        except FileNotFoundError:
            raise BlobNotFound(key) from None

    def local_path(self, key: str) -> Path | None:
        path = self._path(key)
        if not path.is_file():
            raise BlobNotFound(key)
        return path
