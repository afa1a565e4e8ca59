"""What ingestion discovers: the input files named by source specs, and reading their bytes.

A spec is a folder, a single file, a glob or an ``s3://bucket/prefix``. Failures are data: a spec or
file that cannot be read is yielded as a SourceReadError next to the files that could, so one bad source
fails alone and the caller records it instead of losing the whole run.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from botocore.exceptions import BotoCoreError, ClientError

from storage.blobs.local import listing_order
from storage.blobs.s3 import S3Client, describe_s3_error, error_code, make_s3_client, parse_s3_url

__all__ = ["SourceFile", "SourceReadError", "discover", "matter_from", "read_source"]

_GLOB_MAGIC = frozenset("*?[")


@dataclass(frozen=True)
class SourceFile:
    uri: str  # absolute path for local files, s3://bucket/key for S3
    root: str  # the source root it was found under (a folder path or s3://bucket/prefix)
    relative: str  # POSIX path relative to root; its first folder is the matter
    size: int  # bytes, as seen at discovery


class SourceReadError(Exception):
    """A source (spec, folder or file) that could not be listed or read, with a reason a person reads."""

    def __init__(self, uri: str, reason: str) -> None:
        # Both go to Exception's args so the error pickles across Prefect/Dask workers unchanged.
        super().__init__(uri, reason)
        self.uri = uri
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.uri}: {self.reason}"


def matter_from(sf: SourceFile) -> str | None:
    """The first folder level under the root; None when the file sits directly in the root."""
    head, sep, _ = sf.relative.partition("/")
    return head if sep else None


def _describe_os_error(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "no such file or folder"
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, IsADirectoryError):
        return "is a folder, not a file"
    if isinstance(exc, NotADirectoryError):
        return "part of the path is a file, not a folder"
    return exc.strerror or str(exc)


def _is_hidden(relative: str) -> bool:
    return any(part.startswith(".") for part in relative.split("/"))


# --- local ---------------------------------------------------------------------------------------------


def _walk_folder(root: Path, folder: Path, base: str) -> Iterator[SourceFile | SourceReadError]:
    try:
        with os.scandir(folder) as it:
            # Files come out in string order of `relative`, the order globs and S3 listings give.
            entries = sorted(it, key=listing_order)
    except OSError as exc:
        yield SourceReadError(str(folder), f"cannot list folder: {_describe_os_error(exc)}")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue  # .DS_Store, .git, editor temp files, half-synced ".partial" downloads
        if entry.is_dir(follow_symlinks=False):
            # Symlinked folders are not followed: a link loop would never end.
            yield from _walk_folder(root, Path(entry.path), f"{base}{entry.name}/")
        elif entry.is_file():
            try:
                size = entry.stat().st_size
            except OSError as exc:
                yield SourceReadError(entry.path, _describe_os_error(exc))
                continue
            yield SourceFile(uri=entry.path, root=str(root), relative=f"{base}{entry.name}", size=size)


def _discover_glob(spec: str) -> Iterator[SourceFile | SourceReadError]:
    parts = Path(spec).expanduser().parts
    first_magic = next(i for i, part in enumerate(parts) if _GLOB_MAGIC & set(part))
    root = Path(*parts[:first_magic]).resolve() if first_magic else Path.cwd()
    pattern = "/".join(parts[first_magic:])
    if not root.is_dir():
        yield SourceReadError(spec, f"the folder before the wildcard ({root}) does not exist")
        return
    # glob (unlike Path.glob in 3.11) skips hidden names by default and matches relative to root_dir,
    # which gives `relative` directly.
    matches = sorted(glob.glob(pattern, root_dir=root, recursive=True))  # noqa: PTH207 - see above
    for relative in matches:
        path = root / relative
        if _is_hidden(relative) or not path.is_file():
            continue
        try:
            size = path.stat().st_size
        except OSError as exc:
            yield SourceReadError(str(path), _describe_os_error(exc))
            continue
        yield SourceFile(uri=str(path), root=str(root), relative=Path(relative).as_posix(), size=size)


def _discover_local(spec: str) -> Iterator[SourceFile | SourceReadError]:
    path = Path(spec).expanduser().resolve()
    try:
        st = path.stat()
    except OSError as exc:
        yield SourceReadError(spec, _describe_os_error(exc))
        return
    if path.is_dir():
        yield from _walk_folder(path, path, "")
    elif path.is_file():
        # A file named on its own is taken even if hidden: the operator asked for it by name.
        yield SourceFile(uri=str(path), root=str(path.parent), relative=path.name, size=st.st_size)
    else:
        yield SourceReadError(spec, "neither a regular file nor a folder")


# --- S3 ------------------------------------------------------------------------------------------------


def _discover_s3(spec: str, client: S3Client) -> Iterator[SourceFile | SourceReadError]:
    try:
        bucket, prefix = parse_s3_url(spec)
    except ValueError as exc:
        yield SourceReadError(spec, str(exc))
        return
    root = f"s3://{bucket}/{prefix}" if prefix else f"s3://{bucket}"
    # The prefix is a folder: "s3://b/in" must not pick up "inbox/...", hence the trailing slash.
    list_prefix = f"{prefix}/" if prefix else ""
    found = False
    try:
        paginator = client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=bucket, Prefix=list_prefix):
            for obj in page.get("Contents", []):
                key: str = obj["Key"]
                relative = key[len(list_prefix) :]
                if key.endswith("/") or not relative or _is_hidden(relative):
                    continue  # folder markers made by consoles, and hidden names as for folders
                found = True
                yield SourceFile(uri=f"s3://{bucket}/{key}", root=root, relative=relative, size=obj["Size"])
    except (ClientError, BotoCoreError) as exc:
        yield SourceReadError(spec, f"cannot list: {describe_s3_error(exc)}")
        return
    if found or not prefix:
        return
    # Nothing under the "folder": the spec may name one object, the S3 twin of a single-file spec.
    # An empty prefix that is not an object yields nothing, like an empty local inbox folder.
    try:
        head = client.head_object(Bucket=bucket, Key=prefix)
    except ClientError as exc:
        if error_code(exc) in ("404", "NoSuchKey", "NotFound"):
            return
        yield SourceReadError(spec, describe_s3_error(exc))
        return
    except BotoCoreError as exc:
        yield SourceReadError(spec, describe_s3_error(exc))
        return
    parent, _, name = prefix.rpartition("/")
    parent_root = f"s3://{bucket}/{parent}" if parent else f"s3://{bucket}"
    yield SourceFile(
        uri=f"s3://{bucket}/{prefix}", root=parent_root, relative=name, size=int(head["ContentLength"])
    )


# --- the public face -----------------------------------------------------------------------------------


def discover(
    specs: Sequence[str],
    *,
    s3_endpoint_url: str | None = None,
    s3_region: str | None = None,
    s3_client: S3Client | None = None,
) -> Iterator[SourceFile | SourceReadError]:
    """Yield every input file the specs name, and a SourceReadError for each part that cannot be read.

    Specs: a folder (recursive, files only, hidden names skipped), a single file, a glob
    (``/data/in/**/*.pdf``, root = the folders before the first wildcard), or ``s3://bucket/prefix``.
    Within a spec, files come in string order of their relative path. Pass `s3_client` to reuse one.
    """
    for spec in specs:
        if spec.startswith("s3://"):
            if s3_client is None:
                s3_client = make_s3_client(s3_endpoint_url, s3_region)
            yield from _discover_s3(spec, s3_client)
        elif _GLOB_MAGIC & set(spec):
            yield from _discover_glob(spec)
        else:
            yield from _discover_local(spec)


def read_source(
    sf: SourceFile,
    *,
    s3_endpoint_url: str | None = None,
    s3_region: str | None = None,
    s3_client: S3Client | None = None,
) -> bytes:
    """The file's bytes; raises SourceReadError (missing, permission denied, S3 AccessDenied, ...)."""
    if not sf.uri.startswith("s3://"):
        try:
            return Path(sf.uri).read_bytes()
        except FileNotFoundError:
            raise SourceReadError(sf.uri, "no such file (moved or deleted since discovery?)") from None
        except OSError as exc:
            raise SourceReadError(sf.uri, _describe_os_error(exc)) from exc
    bucket, _, key = sf.uri[len("s3://") :].partition("/")
    client = s3_client or make_s3_client(s3_endpoint_url, s3_region)
    try:
        response = client.get_object(Bucket=bucket, Key=key)
        with response["Body"] as body:
            return body.read()
    except (ClientError, BotoCoreError) as exc:
        raise SourceReadError(sf.uri, describe_s3_error(exc)) from exc
