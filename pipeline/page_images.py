"""A document's page images, read from the blob store at most once per document run."""

from __future__ import annotations

from storage.blobs import BlobStore


class PageImages:
    """JPEG bytes by page number: those the render stage just wrote, else read once from the store.

    One document's pages are held for the length of its stages (extraction and the visual index both
    need them), then dropped with this object.
    """

    def __init__(self, blobs: BlobStore, keys: dict[int, str]) -> None:
        self._blobs = blobs
        self._keys = keys
        self._bytes: dict[int, bytes] = {}

    def add(self, number: int, key: str, jpeg: bytes) -> None:
        self._keys[number] = key
        self._bytes[number] = jpeg

    def jpeg(self, number: int) -> bytes:
        if number not in self._bytes:
            self._bytes[number] = self._blobs.get(self._keys[number])
        return self._bytes[number]
