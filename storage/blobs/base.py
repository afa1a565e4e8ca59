"""The blob-store interface: one contract, a local and an S3 twin (see tests/storage/test_blobs.py)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from pathlib import Path

__all__ = ["TEMP_MARKER", "BlobNotFound", "BlobStore", "validate_key", "validate_prefix"]

# The local store writes ".blobtmp-*" files next to the target before renaming them into place. Keys may not
# use that name, in either store, so a temp file can never be mistaken for (or collide with) a blob.
TEMP_MARKER = ".blobtmp-"


class BlobNotFound(KeyError):  # noqa: N818 - the name reads as the event, like FileNotFoundError's cousin
    """No blob is stored under this key."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key

    def __str__(self) -> str:
        # KeyError's default str() is the repr of the key, which reads badly in logs.
        return f"blob not found: {self.key}"


def _check_segments(value: str, what: str, *, allow_trailing_slash: bool) -> None:
    if "\\" in value:
        raise ValueError(f"{what} {value!r}: backslashes are not allowed (keys are POSIX paths)")
    if "\x00" in value:
        raise ValueError(f"{what} {value!r}: NUL is not allowed")
    if value.startswith("/"):
        raise ValueError(f"{what} {value!r}: must be relative, not absolute")
    segments = value.split("/")
    if allow_trailing_slash and segments[-1] == "":
        segments = segments[:-1]
    for segment in segments:
        if segment == "":
            raise ValueError(f"{what} {value!r}: empty path segment")
        if segment in (".", ".."):
            raise ValueError(f"{what} {value!r}: '.' and '..' segments are not allowed")
        if segment.startswith(TEMP_MARKER):
            raise ValueError(f"{what} {value!r}: names starting with {TEMP_MARKER!r} are reserved")


def validate_key(key: str) -> str:
    """Return `key` unchanged if it is a safe relative POSIX path, else raise ValueError.

    Keys end up as filesystem paths in the local store, so anything that could climb out of the
    root (``..``, absolute paths, backslashes on a Windows share) is refused here, once, for both twins.
    """
    if not isinstance(key, str) or key == "":
        raise ValueError(f"blob key must be a non-empty string, got {key!r}")
    _check_segments(key, "blob key", allow_trailing_slash=False)
    return key


def validate_prefix(prefix: str) -> str:
    """Like validate_key, but "" and a trailing "/" are allowed (``originals/``, ``originals/a``)."""
    if prefix == "":
        return prefix
    _check_segments(prefix, "blob prefix", allow_trailing_slash=True)
    return prefix


class BlobStore(ABC):
    """Bytes by key. Keys are relative POSIX paths such as ``originals/ab/abcd...``."""

    @abstractmethod
    def put(self, key: str, data: bytes, content_type: str | None = None) -> None:
        """Store `data` under `key`, replacing any earlier blob; readers never see a partial blob."""

    @abstractmethod
    def put_file(self, key: str, path: Path, content_type: str | None = None) -> None:
        """Store the contents of the file at `path` under `key` (streamed, not read into memory)."""

    @abstractmethod
    def get(self, key: str) -> bytes:
        """Return the blob's bytes; raise BlobNotFound if there is none."""

    @abstractmethod
    def exists(self, key: str) -> bool:
        """True when a blob is stored under `key`."""

    @abstractmethod
    def delete(self, key: str) -> None:
        """Remove the blob; deleting a missing key is not an error (deletes are retried by callers)."""

    @abstractmethod
    def list(self, prefix: str = "") -> Iterator[str]:
        """Yield the keys that start with `prefix` (a plain string prefix, as in S3), in sorted order."""

    @abstractmethod
    def size(self, key: str) -> int:
        """The blob's size in bytes; raise BlobNotFound if there is none."""

    @abstractmethod
    def local_path(self, key: str) -> Path | None:
        """A filesystem path to the blob when the store is local (to hand to tesseract), else None."""

    @property
    @abstractmethod
    def url(self) -> str:
        """A URL describing the store (``file:///...`` or ``s3://bucket/prefix``), for logs and settings."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.url!r})"
