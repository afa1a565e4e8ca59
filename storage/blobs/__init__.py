"""Blob stores: bytes by key, on a local folder or in S3 (one interface, two twins, one test suite)."""

from storage.blobs.base import BlobNotFound, BlobStore, validate_key
from storage.blobs.factory import content_key, open_blob_store
from storage.blobs.local import LocalBlobStore
from storage.blobs.s3 import S3BlobStore, make_s3_client

__all__ = [
    "BlobNotFound",
    "BlobStore",
    "LocalBlobStore",
    "S3BlobStore",
    "content_key",
    "make_s3_client",
    "open_blob_store",
    "validate_key",
]
