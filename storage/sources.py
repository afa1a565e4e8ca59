"""What ingestion discovers: the input files named by source specs, and reading their bytes.

A spec is a folder, a single file, a glob or an ``s3://bucket/prefix``. Failures are data: a spec or
file that cannot be read is yielded as a SourceReadError next to the files that could, so one bad source
fails alone and the caller records it instead of losing the whole run.

Links are a way out of the inbox: whoever may drop a file there could drop a link to /etc/passwd or to
another matter's folder, and the service would store and serve what it points at. So a symbolic link (to
a file or a folder, at any depth) is not followed but reported, unless `follow_links` is on; then it is
followed only when its target stays under the source root. Reading opens every step below the root
without following links, so a link swapped in after discovery is refused too. S3 keys that could
escape their prefix (not under it, or with "." or ".." segments) are reported the same way.
"""

from __future__ import annotations

import errno
import glob
import os
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from botocore.exceptions import BotoCoreError, ClientError

from storage.blobs.local import listing_order
from storage.blobs.s3 import S3Client, describe_s3_error, error_code, make_s3_client, parse_s3_url

__all__ = ["SourceFile", "SourceReadError", "discover", "matter_from", "read_source"]

_GLOB_MAGIC = frozenset("*?[")


@dataclass(frozen=True)
class SourceFile:
    uri: str  # absolute path for local files (a link's own path), s3://bucket/key for S3
    root: str  # the source root it was found under (a folder path or s3://bucket/prefix)
    relative: str  # POSIX path relative to root; its first folder is the matter
    size: int  # bytes, as seen at discovery
    target: str | None = None  # a followed link's target (resolved, under root): the file read


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


_NOT_FOLLOWED = "not followed (ingest.follow_links is off)"


def _link_target(root: Path, link: Path, follow_links: bool) -> Path | SourceReadError:
    """Where a symbolic link leads, when it may be followed; else the failure to record, with why."""
    try:
        target = link.resolve(strict=True)
    except FileNotFoundError:
        dangling = "a dangling symbolic link (its target does not exist)"
        return SourceReadError(str(link), f"{dangling}: {_NOT_FOLLOWED}" if not follow_links else dangling)
    except RuntimeError:  # Python 3.11's word for a loop of links
        return SourceReadError(str(link), "a loop of symbolic links: not followed")
    except OSError as exc:
        return SourceReadError(
            str(link), f"a symbolic link that cannot be resolved: {_describe_os_error(exc)}"
        )
    if not follow_links:
        return SourceReadError(str(link), f"a symbolic link: {_NOT_FOLLOWED}")
    if not target.is_relative_to(root):
        # The target is not named: the reason lands in run items that more people read than the host.
        return SourceReadError(str(link), "a symbolic link to a path outside the source root: refused")
    return target


def _source_file(
    root: Path, path: Path, relative: str, target: Path | None = None
) -> SourceFile | SourceReadError:
    try:
        size = (target or path).stat(follow_symlinks=False).st_size
    except OSError as exc:
        return SourceReadError(str(path), _describe_os_error(exc))
    return SourceFile(
        uri=str(path), root=str(root), relative=relative, size=size, target=str(target) if target else None
    )


def _walk_folder(
    root: Path, folder: Path, shown: Path, follow_links: bool, walking: frozenset[Path]
) -> Iterator[SourceFile | SourceReadError]:
    """Files under `folder` (a real path), named as under `shown`: the same folder, or the followed
    link that led here. `walking`: the real paths of the folders from root down, to stop link loops."""
    try:
        with os.scandir(folder) as it:
            # Files come out in string order of `relative`, the order globs and S3 listings give.
            entries = sorted(it, key=listing_order)
    except OSError as exc:
        yield SourceReadError(str(shown), f"cannot list folder: {_describe_os_error(exc)}")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue  # .DS_Store, .git, editor temp files, half-synced ".partial" downloads
        real, path = Path(entry.path), shown / entry.name
        relative = path.relative_to(root).as_posix()
        if entry.is_symlink():
            target = _link_target(root, real, follow_links)
            if isinstance(target, SourceReadError):
                yield SourceReadError(str(path), target.reason)
            elif target in walking:
                yield SourceReadError(
                    str(path), "a symbolic link to a folder that holds it: a loop, not followed"
                )
            elif target.is_dir():
                # The link's place names the matter: linking a file into a matter folder puts it there.
                yield from _walk_folder(root, target, path, follow_links, walking | {target})
            elif target.is_file():
                yield _source_file(root, path, relative, target)
            else:
                yield SourceReadError(str(path), "a symbolic link to something neither a file nor a folder")
        elif entry.is_dir(follow_symlinks=False):
            yield from _walk_folder(root, real, path, follow_links, walking | {real})
        elif entry.is_file(follow_symlinks=False):
            yield _source_file(root, path, relative, real if real != path else None)


def _first_link(root: Path, relative: str) -> Path | None:
    """The first symbolic link on the way from root to root/relative, if any."""
    path = root
    for part in PurePosixPath(relative).parts:
        path = path / part
        if path.is_symlink():
            return path
    return None


def _discover_glob(spec: str, follow_links: bool) -> Iterator[SourceFile | SourceReadError]:
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
    # glob follows links itself ("**" descends into linked folders), so every match is checked for
    # links on its way; each link is reported once, not once per match beneath it.
    reported: set[Path] = set()
    followed: set[Path] = set()  # targets already yielded: a followed loop would repeat them ~40 levels deep
    for relative in matches:
        if _is_hidden(relative):
            continue
        path, target = root / relative, None
        link = _first_link(root, relative)
        if link is not None:
            if link in reported:
                continue
            target = _link_target(root, path, follow_links)
            if isinstance(target, SourceReadError):
                reported.add(link)
                yield SourceReadError(str(link), target.reason)
                continue
            if target in followed:
                continue
            followed.add(target)
        if (target or path).is_file():
            yield _source_file(root, path, Path(relative).as_posix(), target)


def _discover_local(spec: str, follow_links: bool) -> Iterator[SourceFile | SourceReadError]:
    # The spec itself is resolved: a link the operator names is the operator's choice, not an inbox's.
    path = Path(spec).expanduser().resolve()
    try:
        st = path.stat()
    except OSError as exc:
        yield SourceReadError(spec, _describe_os_error(exc))
        return
    if path.is_dir():
        yield from _walk_folder(path, path, path, follow_links, frozenset({path}))
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
                # A key is only a string: "in/acme/../globex/x.pdf" is listed under "in/acme/", and
                # a misbehaving store may list keys outside the prefix. Checked before the hidden-name
                # skip, which would drop ".." silently.
                if not key.startswith(list_prefix) or {".", ".."} & set(relative.split("/")):
                    yield SourceReadError(
                        f"s3://{bucket}/{key}", f"the key escapes the prefix {root}: skipped"
                    )
                    continue
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
    follow_links: bool = False,
) -> Iterator[SourceFile | SourceReadError]:
    """Yield every input file the specs name, and a SourceReadError for each part that cannot be read.

    Specs: a folder (recursive, files only, hidden names skipped), a single file, a glob
    (``/data/in/**/*.pdf``, root = the folders before the first wildcard), or ``s3://bucket/prefix``.
    Within a spec, files come in string order of their relative path. Pass `s3_client` to reuse one.
    Symbolic links below a spec are reported, not followed, unless `follow_links`: then those whose
    target stays under the spec's root are followed.
    """
    for spec in specs:
        if spec.startswith("s3://"):
            if s3_client is None:
                s3_client = make_s3_client(s3_endpoint_url, s3_region)
            yield from _discover_s3(spec, s3_client)
        elif _GLOB_MAGIC & set(spec):
            yield from _discover_glob(spec, follow_links)
        else:
            yield from _discover_local(spec, follow_links)


def read_source(
    sf: SourceFile,
    *,
    s3_endpoint_url: str | None = None,
    s3_region: str | None = None,
    s3_client: S3Client | None = None,
) -> bytes:
    """The file's bytes; raises SourceReadError (missing, permission denied, S3 AccessDenied, ...)."""
    if not sf.uri.startswith("s3://"):
        return _read_local(sf)
    bucket, _, key = sf.uri[len("s3://") :].partition("/")
    client = s3_client or make_s3_client(s3_endpoint_url, s3_region)
    try:
        response = client.get_object(Bucket=bucket, Key=key)
        with response["Body"] as body:
            return body.read()
    except (ClientError, BotoCoreError) as exc:
        raise SourceReadError(sf.uri, describe_s3_error(exc)) from exc


# Every step below the root is opened without following links, each relative to the folder before it:
# a file or folder swapped for a link between discovery and reading (TOCTOU) fails to open (ELOOP)
# instead of leading elsewhere. O_NONBLOCK: a FIFO put in a file's place must not hang the run.
_STEP_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_DIRECTORY
_FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK


def _open_beneath(root: Path, relative: PurePosixPath) -> int:
    fd = os.open(root, os.O_RDONLY | os.O_CLOEXEC | os.O_DIRECTORY)
    try:
        for part in relative.parts[:-1]:
            try:
                step = os.open(part, _STEP_FLAGS, dir_fd=fd)
            except NotADirectoryError:
                # O_DIRECTORY answers ENOTDIR for a link too: say which it is.
                if stat.S_ISLNK(os.stat(part, dir_fd=fd, follow_symlinks=False).st_mode):
                    raise OSError(errno.ELOOP, os.strerror(errno.ELOOP)) from None
                raise
            os.close(fd)
            fd = step
        return os.open(relative.parts[-1], _FILE_FLAGS, dir_fd=fd)
    finally:
        os.close(fd)


def _read_local(sf: SourceFile) -> bytes:
    path = Path(sf.target or sf.uri)
    if not path.is_relative_to(sf.root):
        raise SourceReadError(sf.uri, "not under its source root: not read")
    try:
        fd = _open_beneath(Path(sf.root), PurePosixPath(path.relative_to(sf.root)))
    except FileNotFoundError:
        raise SourceReadError(sf.uri, "no such file (moved or deleted since discovery?)") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise SourceReadError(sf.uri, "became a symbolic link since discovery: not read") from exc
        raise SourceReadError(sf.uri, _describe_os_error(exc)) from exc
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise SourceReadError(
            sf.uri, "is a folder, not a file" if stat.S_ISDIR(mode) else "not a regular file"
        )
    with os.fdopen(fd, "rb") as handle:
        try:
            return handle.read()
        except OSError as exc:
            raise SourceReadError(sf.uri, _describe_os_error(exc)) from exc
