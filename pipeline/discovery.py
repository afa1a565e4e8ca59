"""Discovery: source files -> documents, identified by (matter, sha256), with their originals kept.

The original bytes are stored in the blob store under their sha256 before the document row is committed:
a crash in between leaves an unreferenced blob that the next run overwrites with the same bytes, never a
document without its original.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import PurePosixPath

from storage.blobs import BlobStore, content_key
from storage.db import Database
from storage.db.documents import register_source
from storage.sources import SourceFile, SourceReadError, discover, matter_from, read_source

DEFAULT_MATTER = "default"


@dataclass(frozen=True)
class DiscoveredDocument:
    document_id: int
    source_uri: str
    created: bool  # the row was made by this discovery


@dataclass(frozen=True)
class SourceFailure:
    source_uri: str
    reason: str


def matter_for(source: SourceFile, matter: str | None) -> str:
    return matter or matter_from(source) or DEFAULT_MATTER


def register(
    db: Database, blobs: BlobStore, source: SourceFile, data: bytes, matter: str
) -> DiscoveredDocument:
    """Record one source file as a document (or as one more source of a known document)."""
    sha256 = hashlib.sha256(data).hexdigest()
    key = content_key(sha256)
    if not blobs.exists(key):
        blobs.put(key, data)
    document_id, created = register_source(
        db,
        matter=matter,
        sha256=sha256,
        filename=PurePosixPath(source.relative).name,
        size_bytes=len(data),
        original_key=key,
        uri=source.uri,
    )
    return DiscoveredDocument(document_id, source.uri, created)


def discover_documents(
    db: Database,
    blobs: BlobStore,
    specs: list[str],
    *,
    matter: str | None,
    s3_endpoint_url: str | None = None,
    s3_region: str | None = None,
    follow_links: bool = False,
) -> tuple[list[DiscoveredDocument], list[SourceFailure]]:
    """Every source file found under the specs, registered; unreadable sources (and links not
    followed, see `storage.sources`) reported, not raised."""
    found: list[DiscoveredDocument] = []
    failures: list[SourceFailure] = []
    for item in discover(
        specs, s3_endpoint_url=s3_endpoint_url, s3_region=s3_region, follow_links=follow_links
    ):
        if isinstance(item, SourceReadError):
            failures.append(SourceFailure(item.uri, item.reason))
            continue
        try:
            data = read_source(item, s3_endpoint_url=s3_endpoint_url, s3_region=s3_region)
        except SourceReadError as error:
            failures.append(SourceFailure(error.uri, error.reason))
            continue
        if not data:
            # Checked here, per file: all empty files have one sha256, so as documents they would be
            # one, and a thousand empty scans would fail as one naming just the first of them.
            failures.append(SourceFailure(item.uri, "the file is empty"))
            continue
        found.append(register(db, blobs, item, data, matter_for(item, matter)))
    return found, failures
