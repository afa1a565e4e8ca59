"""Pick a blob store from a URL setting, and name where an original file is kept."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlparse

from storage.blobs.base import BlobStore
from storage.blobs.local import LocalBlobStore
from storage.blobs.s3 import S3BlobStore

__all__ = ["content_key", "open_blob_store"]

_SHA256 = re.compile(r"[0-9a-f]{64}")


def open_blob_store(
    url: str, *, s3_endpoint_url: str | None = None, s3_region: str | None = None
) -> BlobStore:
    """``/path``, ``~/path``, ``relative/path`` or ``file:///path`` -> local; ``s3://bucket/prefix`` -> S3."""
    if not url or not url.strip():
        raise ValueError("blob store URL is empty")
    if url.startswith("s3://"):
        return S3BlobStore.from_url(url, endpoint_url=s3_endpoint_url, region=s3_region)
    if url.startswith("file:"):
        parsed = urlparse(url)
        if parsed.netloc not in ("", "localhost"):
            raise ValueError(f"{url!r}: file:// URLs on another host are not supported")
        return LocalBlobStore(Path(unquote(parsed.path)))
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", url):
        # Refuse rather than create a local folder literally named "gs:" or "http:".
        raise ValueError(f"{url!r}: unsupported blob store scheme (use a path, file:// or s3://)")
    return LocalBlobStore(Path(url))


def content_key(sha256: str) -> str:
    """``originals/<first two hex>/<sha256>``: the original file, kept by the sha256 of its bytes.

    The two-character fan-out keeps any one local folder to ~1/256th of the documents.
    """
    digest = sha256.lower()
    if not _SHA256.fullmatch(digest):
        raise ValueError(f"not a sha256 hex digest: {sha256!r}")
    return f"originals/{digest[:2]}/{digest}"
