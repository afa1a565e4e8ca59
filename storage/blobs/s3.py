"""Blobs as objects in an S3 bucket under a key prefix (AWS S3, MinIO, or any S3-compatible server).

Also home of the few S3 helpers storage/sources.py shares: client construction, s3:// URL parsing and
turning botocore errors into sentences a person can act on.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
from botocore.client import BaseClient
from botocore.config import Config
from botocore.exceptions import (
    ClientError,
    EndpointConnectionError,
    NoCredentialsError,
    PartialCredentialsError,
)

from storage.blobs.base import BlobNotFound, BlobStore, validate_key, validate_prefix

# boto3 builds its client classes at run time, so BaseClient is the most precise static type there is.
S3Client = BaseClient

__all__ = ["S3BlobStore", "S3Client", "describe_s3_error", "error_code", "make_s3_client", "parse_s3_url"]

# The codes S3 (and MinIO, moto) use for "there is nothing under that key". HEAD requests have no body,
# so they only carry the bare HTTP status as the code.
_NOT_FOUND_CODES = frozenset({"NoSuchKey", "404", "NotFound"})


def make_s3_client(endpoint_url: str | None = None, region: str | None = None) -> S3Client:
    """The one place an S3 client is built, for the blob store and the source readers alike.

    Credentials come from boto3's usual chain (environment, profile, instance role); they are not ours to
    read. A fresh Session per client because boto3's default session is not safe to share across threads
    while clients are being created, and ingestion builds clients from worker threads.
    """
    # A custom endpoint is almost always MinIO or a test server on a bare host:port, where virtual-host
    # addressing (bucket.host) cannot resolve; path-style works everywhere such servers run.
    config = Config(s3={"addressing_style": "path"}) if endpoint_url else None
    session = boto3.session.Session()
    return session.client("s3", endpoint_url=endpoint_url, region_name=region, config=config)


def parse_s3_url(url: str) -> tuple[str, str]:
    """``s3://bucket/some/prefix/`` -> ``("bucket", "some/prefix")``; the prefix has no outer slashes."""
    if not url.startswith("s3://"):
        raise ValueError(f"not an s3:// URL: {url!r}")
    bucket, _, prefix = url[len("s3://") :].partition("/")
    if len(bucket) < 3:
        raise ValueError(f"{url!r}: S3 bucket names have at least 3 characters, got {bucket!r}")
    if "/" in bucket or any(c.isspace() for c in bucket):
        raise ValueError(f"{url!r}: invalid bucket name {bucket!r}")
    prefix = prefix.strip("/")
    if prefix:
        validate_prefix(prefix)
    return bucket, prefix


def error_code(exc: BaseException) -> str | None:
    """The S3 error code of a botocore ClientError ("NoSuchKey", "AccessDenied", "404", ...), else None."""
    response = getattr(exc, "response", None)
    if not isinstance(response, dict):
        return None
    code = response.get("Error", {}).get("Code")
    return str(code) if code is not None else None


def describe_s3_error(exc: BaseException) -> str:
    """Say what went wrong with an S3 call in words an operator can act on."""
    if isinstance(exc, NoCredentialsError | PartialCredentialsError):
        return "no usable AWS credentials (set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, a profile or a role)"
    if isinstance(exc, EndpointConnectionError):
        return f"cannot reach the S3 endpoint ({exc})"
    if isinstance(exc, ClientError):
        code = error_code(exc) or "unknown"
        message = exc.response.get("Error", {}).get("Message") or ""
        known = {
            "NoSuchKey": "no such object (deleted or moved since it was listed?)",
            "404": "no such object (deleted or moved since it was listed?)",
            "NotFound": "no such object (deleted or moved since it was listed?)",
            "NoSuchBucket": "the bucket does not exist",
            "AccessDenied": "access denied (the credentials lack permission for this bucket or key)",
            "403": "access denied (the credentials lack permission for this bucket or key)",
            "InvalidAccessKeyId": "the AWS access key id is not known to this S3 endpoint",
            "SignatureDoesNotMatch": "the AWS secret key is wrong for this access key id",
            "ExpiredToken": "the AWS session token has expired",
            "InvalidBucketName": "the bucket name is not valid",
        }
        reason = known.get(code, f"S3 error {code}")
        return f"{reason} [{code}{': ' + message if message and code not in ('404', '403') else ''}]"
    return f"{type(exc).__name__}: {exc}"


class S3BlobStore(BlobStore):
    def __init__(self, bucket: str, prefix: str, client: S3Client) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        if self.prefix:
            validate_prefix(self.prefix)
        self.client = client

    @classmethod
    def from_url(cls, url: str, endpoint_url: str | None = None, region: str | None = None) -> S3BlobStore:
        bucket, prefix = parse_s3_url(url)
        return cls(bucket, prefix, make_s3_client(endpoint_url, region))

    @property
    def url(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}" if self.prefix else f"s3://{self.bucket}"

    def _object_key(self, key: str) -> str:
        validate_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    def put(self, key: str, data: bytes, content_type: str | None = None) -> None:
        # A single PUT is atomic in S3: the object appears whole or not at all.
        extra = {"ContentType": content_type} if content_type else {}
        self.client.put_object(Bucket=self.bucket, Key=self._object_key(key), Body=data, **extra)

    def put_file(self, key: str, path: Path, content_type: str | None = None) -> None:
        # upload_file switches to multipart for big files; a multipart upload also becomes visible only
        # when it completes, so atomicity holds.
        extra = {"ExtraArgs": {"ContentType": content_type}} if content_type else {}
        self.client.upload_file(str(path), self.bucket, self._object_key(key), **extra)

    def get(self, key: str) -> bytes:
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self._object_key(key))
        except ClientError as exc:
            if error_code(exc) in _NOT_FOUND_CODES:
                raise BlobNotFound(key) from None
            raise
        with response["Body"] as body:
            return body.read()

    def _head(self, key: str) -> dict[str, Any]:
        try:
            return self.client.head_object(Bucket=self.bucket, Key=self._object_key(key))
        except ClientError as exc:
            if error_code(exc) in _NOT_FOUND_CODES:
                raise BlobNotFound(key) from None
            raise

    def exists(self, key: str) -> bool:
        try:
            self._head(key)
        except BlobNotFound:
            return False
        return True

    def delete(self, key: str) -> None:
        # DeleteObject on a missing key succeeds in S3, which is the contract already.
        self.client.delete_object(Bucket=self.bucket, Key=self._object_key(key))

    def list(self, prefix: str = "") -> Iterator[str]:
        # Validate now, not at the first next(): a bad prefix should fail where it is passed.
        validate_prefix(prefix)
        return self._list(prefix)

    def _list(self, prefix: str) -> Iterator[str]:
        store_prefix = f"{self.prefix}/" if self.prefix else ""
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=store_prefix + prefix):
            for obj in page.get("Contents", []):
                name = obj["Key"]
                if name.endswith("/"):
                    continue  # a "folder" marker some consoles create, not a blob
                yield name[len(store_prefix) :]

    def size(self, key: str) -> int:
        return int(self._head(key)["ContentLength"])

    def local_path(self, key: str) -> Path | None:
        validate_key(key)  # refuse the same keys the local twin refuses, so callers learn it here too
        return None
