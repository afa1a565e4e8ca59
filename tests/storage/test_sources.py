"""Source discovery and reading: folders, single files, globs, S3 prefixes, and failures as data."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from pathlib import Path

import pytest
from botocore.config import Config

from storage.blobs.s3 import S3Client, make_s3_client
from storage.sources import SourceFile, SourceReadError, discover, matter_from, read_source

REGION = "us-east-1"  # the region of the moto server fixture (tests/conftest.py)


def _tree(root: Path) -> Path:
    """An inbox the way operations drop scans: one folder per matter, plus the usual litter."""
    files = {
        "acme/lease.pdf": b"acme lease",
        "acme/2024/amendment.pdf": b"acme amendment 2024",
        "acme/notes.txt": b"not a pdf",
        "beta/nda.pdf": b"beta nda",
        "loose.pdf": b"no matter",
        "a-b.pdf": b"dash",
        ".hidden.pdf": b"hidden",
        ".git/objects/x.pdf": b"hidden folder",
        "acme/.DS_Store": b"finder litter",
    }
    for relative, data in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    (root / "empty-folder").mkdir()
    return root


def _files(items: list[SourceFile | SourceReadError]) -> list[SourceFile]:
    assert all(isinstance(item, SourceFile) for item in items), items
    return [item for item in items if isinstance(item, SourceFile)]


def _errors(items: list[SourceFile | SourceReadError]) -> list[SourceReadError]:
    return [item for item in items if isinstance(item, SourceReadError)]


# --- local folders, files, globs -------------------------------------------------------------------


def test_folder_is_walked_recursively_sorted_skipping_hidden(tmp_path: Path) -> None:
    root = _tree(tmp_path / "inbox")
    found = _files(list(discover([str(root)])))
    assert [f.relative for f in found] == [
        "a-b.pdf",
        "acme/2024/amendment.pdf",
        "acme/lease.pdf",
        "acme/notes.txt",
        "beta/nda.pdf",
        "loose.pdf",
    ]
    lease = found[2]
    assert lease == SourceFile(
        uri=str(root / "acme" / "lease.pdf"), root=str(root), relative="acme/lease.pdf", size=10
    )
    assert Path(lease.uri).is_absolute()
    assert read_source(lease) == b"acme lease"


def test_matter_is_the_first_folder_under_the_root(tmp_path: Path) -> None:
    root = _tree(tmp_path / "inbox")
    matters = {f.relative: matter_from(f) for f in _files(list(discover([str(root)])))}
    assert matters["acme/2024/amendment.pdf"] == "acme"
    assert matters["beta/nda.pdf"] == "beta"
    assert matters["loose.pdf"] is None


def test_single_file_spec_has_its_folder_as_root(tmp_path: Path) -> None:
    root = _tree(tmp_path / "inbox")
    [nda] = _files(list(discover([str(root / "beta" / "nda.pdf")])))
    assert (nda.root, nda.relative, nda.size) == (str(root / "beta"), "nda.pdf", 8)
    assert matter_from(nda) is None
    # Named explicitly, a hidden file is taken: the operator asked for it.
    [hidden] = _files(list(discover([str(root / ".hidden.pdf")])))
    assert read_source(hidden) == b"hidden"


def test_relative_and_home_specs_become_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _tree(tmp_path / "inbox")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    by_relative = _files(list(discover(["inbox/beta"])))
    by_home = _files(list(discover(["~/inbox/beta"])))
    assert by_relative == by_home
    assert [f.uri for f in by_relative] == [str(tmp_path / "inbox" / "beta" / "nda.pdf")]


def test_recursive_glob_roots_at_the_folder_before_the_wildcard(tmp_path: Path) -> None:
    root = _tree(tmp_path / "inbox")
    found = _files(list(discover([f"{root}/**/*.pdf"])))
    assert {f.root for f in found} == {str(root)}
    assert [f.relative for f in found] == [
        "a-b.pdf",
        "acme/2024/amendment.pdf",
        "acme/lease.pdf",
        "beta/nda.pdf",
        "loose.pdf",
    ]
    assert [matter_from(f) for f in found] == [None, "acme", "acme", "beta", None]


def test_glob_in_the_middle_of_the_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _tree(tmp_path / "inbox")
    found = _files(list(discover([f"{root}/*/lease.pdf", f"{root}/acme/*.txt"])))
    assert [(f.root, f.relative) for f in found] == [
        (str(root), "acme/lease.pdf"),
        (str(root / "acme"), "notes.txt"),
    ]
    monkeypatch.chdir(root)
    in_cwd = _files(list(discover(["*.pdf"])))  # wildcard first: the root is the cwd
    assert [(f.root, f.relative) for f in in_cwd] == [(str(root), "a-b.pdf"), (str(root), "loose.pdf")]


def test_missing_specs_fail_alone_as_data(tmp_path: Path) -> None:
    root = _tree(tmp_path / "inbox")
    items = list(
        discover(
            [
                str(tmp_path / "no-such-folder"),
                str(root / "beta"),
                f"{tmp_path}/nowhere/**/*.pdf",
                str(root / "loose.pdf" / "below-a-file"),
            ]
        )
    )
    assert [type(item).__name__ for item in items] == [
        "SourceReadError",
        "SourceFile",
        "SourceReadError",
        "SourceReadError",
    ]
    missing, glob_root, below_file = _errors(items)
    assert missing.uri == str(tmp_path / "no-such-folder")
    assert missing.reason == "no such file or folder"
    assert "does not exist" in glob_root.reason
    assert str(tmp_path / "nowhere") in glob_root.reason
    assert below_file.reason == "part of the path is a file, not a folder"


def test_glob_matching_nothing_yields_nothing(tmp_path: Path) -> None:
    root = _tree(tmp_path / "inbox")
    assert list(discover([f"{root}/**/*.docx"])) == []
    assert list(discover([str(root / "empty-folder")])) == []


def test_symlinked_folders_are_not_followed(tmp_path: Path) -> None:
    root = _tree(tmp_path / "inbox")
    (root / "beta" / "loop").symlink_to(root, target_is_directory=True)
    items = list(discover([str(root)]))
    found = [item for item in items if isinstance(item, SourceFile)]
    assert not any("loop" in f.relative for f in found)
    assert len(found) == 6
    # Reported, not silently skipped (tests/pipeline/test_intake_links.py has the rest).
    [link] = _errors(items)
    assert link.uri == str(root / "beta" / "loop") and "not followed" in link.reason


def test_local_file_gone_before_read_is_a_readable_error(tmp_path: Path) -> None:
    root = _tree(tmp_path / "inbox")
    [nda] = _files(list(discover([str(root / "beta")])))
    (root / "beta" / "nda.pdf").unlink()
    with pytest.raises(SourceReadError) as info:
        read_source(nda)
    assert info.value.uri == nda.uri
    assert "no such file" in info.value.reason
    assert str(info.value) == f"{nda.uri}: {info.value.reason}"

    folder = SourceFile(uri=str(root / "acme"), root=str(root), relative="acme", size=0)
    with pytest.raises(SourceReadError, match="is a folder, not a file"):
        read_source(folder)


def test_source_read_error_survives_pickling() -> None:
    # Errors travel between Prefect/Dask workers as data.
    err = pickle.loads(pickle.dumps(SourceReadError("s3://b/k", "access denied")))
    assert (err.uri, err.reason, str(err)) == ("s3://b/k", "access denied", "s3://b/k: access denied")


# --- S3 --------------------------------------------------------------------------------------------


def _fill_bucket(client: S3Client, bucket: str) -> None:
    for key, body in {
        "in/": b"",  # folder markers some consoles create
        "in/acme/": b"",
        "in/acme/lease.pdf": b"acme lease",
        "in/acme/2024/amendment.pdf": b"acme amendment 2024",
        "in/beta/nda.pdf": b"beta nda",
        "in/loose.pdf": b"no matter",
        "in/.hidden.pdf": b"hidden",
        "inbox/not-under-in.pdf": b"sibling prefix",
    }.items():
        client.put_object(Bucket=bucket, Key=key, Body=body)


@pytest.mark.s3
def test_s3_prefix_is_listed_as_a_folder(s3_client: S3Client, s3_bucket: str) -> None:
    _fill_bucket(s3_client, s3_bucket)
    found = _files(list(discover([f"s3://{s3_bucket}/in"], s3_client=s3_client)))
    assert [f.relative for f in found] == [
        "acme/2024/amendment.pdf",
        "acme/lease.pdf",
        "beta/nda.pdf",
        "loose.pdf",
    ]
    lease = found[1]
    assert lease == SourceFile(
        uri=f"s3://{s3_bucket}/in/acme/lease.pdf",
        root=f"s3://{s3_bucket}/in",
        relative="acme/lease.pdf",
        size=10,
    )
    assert [matter_from(f) for f in found] == ["acme", "acme", "beta", None]
    assert read_source(lease, s3_client=s3_client) == b"acme lease"
    # A trailing slash names the same folder.
    assert _files(list(discover([f"s3://{s3_bucket}/in/"], s3_client=s3_client))) == found


@pytest.mark.s3
def test_s3_whole_bucket_and_single_object(s3_client: S3Client, s3_bucket: str) -> None:
    _fill_bucket(s3_client, s3_bucket)
    whole = _files(list(discover([f"s3://{s3_bucket}"], s3_client=s3_client)))
    assert [matter_from(f) for f in whole] == ["in", "in", "in", "in", "inbox"]
    [single] = _files(list(discover([f"s3://{s3_bucket}/in/beta/nda.pdf"], s3_client=s3_client)))
    assert single == SourceFile(
        uri=f"s3://{s3_bucket}/in/beta/nda.pdf", root=f"s3://{s3_bucket}/in/beta", relative="nda.pdf", size=8
    )
    assert list(discover([f"s3://{s3_bucket}/empty-prefix"], s3_client=s3_client)) == []


@pytest.mark.s3
def test_s3_client_is_built_from_endpoint_and_region(
    moto_endpoint: str, s3_client: S3Client, s3_bucket: str
) -> None:
    _fill_bucket(s3_client, s3_bucket)
    settings = {"s3_endpoint_url": moto_endpoint, "s3_region": REGION}
    [nda] = _files(list(discover([f"s3://{s3_bucket}/in/beta"], **settings)))
    assert read_source(nda, **settings) == b"beta nda"


@pytest.mark.s3
def test_s3_listing_pages_past_one_thousand_objects(s3_client: S3Client, s3_bucket: str) -> None:
    keys = [f"many/m{i // 500}/{i:04d}.pdf" for i in range(1003)]
    for key in keys:
        s3_client.put_object(Bucket=s3_bucket, Key=key, Body=b"x")
    found = _files(list(discover([f"s3://{s3_bucket}/many"], s3_client=s3_client)))
    assert [f.uri for f in found] == [f"s3://{s3_bucket}/{key}" for key in keys]


@pytest.mark.s3
def test_s3_missing_bucket_fails_alone(s3_client: S3Client, s3_bucket: str, tmp_path: Path) -> None:
    _fill_bucket(s3_client, s3_bucket)
    items = list(discover(["s3://no-such-bucket-xyz/in", f"s3://{s3_bucket}/in/beta"], s3_client=s3_client))
    [error] = _errors(items)
    assert error.uri == "s3://no-such-bucket-xyz/in"
    assert "bucket does not exist" in error.reason
    assert "NoSuchBucket" in error.reason
    assert [f.relative for f in items if isinstance(f, SourceFile)] == ["nda.pdf"]


@pytest.mark.s3
def test_s3_object_gone_before_read_is_a_readable_error(s3_client: S3Client, s3_bucket: str) -> None:
    _fill_bucket(s3_client, s3_bucket)
    [nda] = _files(list(discover([f"s3://{s3_bucket}/in/beta"], s3_client=s3_client)))
    s3_client.delete_object(Bucket=s3_bucket, Key="in/beta/nda.pdf")
    with pytest.raises(SourceReadError) as info:
        read_source(nda, s3_client=s3_client)
    assert info.value.uri == nda.uri
    assert info.value.reason.startswith("no such object")
    assert "NoSuchKey" in info.value.reason

    in_missing_bucket = SourceFile(
        uri="s3://no-such-bucket-xyz/k.pdf", root="s3://no-such-bucket-xyz", relative="k.pdf", size=1
    )
    with pytest.raises(SourceReadError, match="bucket does not exist"):
        read_source(in_missing_bucket, s3_client=s3_client)


@pytest.mark.s3
def test_s3_unreachable_endpoint_is_a_readable_error(
    free_port: Callable[[], int], moto_endpoint: str
) -> None:
    # moto_endpoint only for the fake credentials; nothing listens on this port. No retries, so it is quick.
    import boto3

    client = boto3.session.Session().client(
        "s3",
        endpoint_url=f"http://127.0.0.1:{free_port()}",
        region_name=REGION,
        config=Config(retries={"max_attempts": 1, "mode": "standard"}, connect_timeout=2),
    )
    [error] = list(discover(["s3://some-bucket/in"], s3_client=client))
    assert isinstance(error, SourceReadError)
    assert "cannot reach the S3 endpoint" in error.reason


def test_malformed_s3_spec_is_a_readable_error() -> None:
    [error] = list(discover(["s3://ab/in"], s3_client=make_s3_client("http://127.0.0.1:9", REGION)))
    assert isinstance(error, SourceReadError)
    assert "at least 3 characters" in error.reason
