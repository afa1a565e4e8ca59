"""One conformance suite, run against both blob stores (local folder, S3 via moto's server over HTTP)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from storage.blobs import (
    BlobNotFound,
    BlobStore,
    LocalBlobStore,
    S3BlobStore,
    content_key,
    open_blob_store,
)
from storage.blobs.base import TEMP_MARKER
from storage.blobs.s3 import S3Client

REGION = "us-east-1"  # the region of the moto server fixture (tests/conftest.py)


STORE_PREFIX = "abstractor/blobs"


@pytest.fixture(params=["local", pytest.param("s3", marks=pytest.mark.s3)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> BlobStore:
    if request.param == "local":
        return LocalBlobStore(tmp_path / "blobs")
    # Resolved lazily so the local run never starts the moto server.
    client: S3Client = request.getfixturevalue("s3_client")
    bucket: str = request.getfixturevalue("s3_bucket")
    return S3BlobStore(bucket, STORE_PREFIX, client)


def _temp_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.name.startswith(TEMP_MARKER)]


# --- round trips -----------------------------------------------------------------------------------


def test_put_get_exists_size_round_trip(store: BlobStore) -> None:
    key = "originals/ab/abcdef"
    assert not store.exists(key)
    store.put(key, b"%PDF-1.7 contract", content_type="application/pdf")
    assert store.exists(key)
    assert store.get(key) == b"%PDF-1.7 contract"
    assert store.size(key) == len(b"%PDF-1.7 contract")


def test_binary_and_empty_blobs_survive_unchanged(store: BlobStore) -> None:
    every_byte = bytes(range(256)) * 17
    store.put("bin/all-bytes", every_byte)
    store.put("bin/empty", b"")
    assert store.get("bin/all-bytes") == every_byte
    assert store.get("bin/empty") == b""
    assert store.size("bin/empty") == 0
    assert store.exists("bin/empty")


def test_overwrite_replaces_content_and_size(store: BlobStore) -> None:
    store.put("pages/p1.jpg", b"x" * 100)
    store.put("pages/p1.jpg", b"short")
    assert store.get("pages/p1.jpg") == b"short"
    assert store.size("pages/p1.jpg") == 5
    assert list(store.list("pages/")) == ["pages/p1.jpg"]


def test_put_file_streams_a_file(store: BlobStore, tmp_path: Path) -> None:
    src = tmp_path / "scan.pdf"
    payload = b"%PDF" + bytes(range(256)) * 4096  # ~1 MiB, past one copy buffer
    src.write_bytes(payload)
    store.put_file("originals/00/scan", src, content_type="application/pdf")
    assert store.get("originals/00/scan") == payload
    assert store.size("originals/00/scan") == len(payload)


def test_failed_put_file_keeps_the_previous_blob(store: BlobStore, tmp_path: Path) -> None:
    store.put("k/doc", b"old")
    with pytest.raises(FileNotFoundError):
        store.put_file("k/doc", tmp_path / "does-not-exist.pdf")
    assert store.get("k/doc") == b"old"


def test_delete_removes_and_missing_delete_is_fine(store: BlobStore) -> None:
    store.put("thumbs/t1.jpg", b"jpeg")
    store.delete("thumbs/t1.jpg")
    assert not store.exists("thumbs/t1.jpg")
    with pytest.raises(BlobNotFound):
        store.get("thumbs/t1.jpg")
    store.delete("thumbs/t1.jpg")  # second delete: no error
    store.delete("never/was/here")
    assert list(store.list()) == []


def test_missing_blob_raises_blob_not_found_with_the_key(store: BlobStore) -> None:
    with pytest.raises(BlobNotFound) as info:
        store.get("originals/ff/missing")
    assert info.value.key == "originals/ff/missing"
    assert "originals/ff/missing" in str(info.value)
    with pytest.raises(BlobNotFound):
        store.size("originals/ff/missing")
    assert store.exists("originals/ff/missing") is False


def test_a_folder_of_blobs_is_not_a_blob(store: BlobStore) -> None:
    store.put("docs/a/page1", b"1")
    assert not store.exists("docs/a")
    with pytest.raises(BlobNotFound):
        store.get("docs/a")


# --- listing ---------------------------------------------------------------------------------------

KEYS = ["a-b", "a/b", "a/c/d", "originals/ab/ab12", "originals/ac/ac34", "z"]


def test_list_is_sorted_and_filters_by_plain_string_prefix(store: BlobStore) -> None:
    for key in reversed(KEYS):
        store.put(key, key.encode())
    # String order, the order S3 lists in: "a-b" before "a/b" because "-" < "/".
    assert list(store.list()) == KEYS
    assert list(store.list("originals/")) == ["originals/ab/ab12", "originals/ac/ac34"]
    assert list(store.list("originals/a")) == ["originals/ab/ab12", "originals/ac/ac34"]
    assert list(store.list("originals/ab")) == ["originals/ab/ab12"]
    assert list(store.list("a")) == ["a-b", "a/b", "a/c/d"]
    assert list(store.list("a/")) == ["a/b", "a/c/d"]
    assert list(store.list("nothing/")) == []


def test_list_keys_round_trip_through_get(store: BlobStore) -> None:
    for key in KEYS:
        store.put(key, key.encode())
    assert {key: store.get(key) for key in store.list()} == {key: key.encode() for key in KEYS}


# --- key validation --------------------------------------------------------------------------------

BAD_KEYS = ["", "/etc/passwd", "../secret", "a/../../b", "a/./b", "a\\b", "a//b", "a/", ".", "a\x00b"]


@pytest.mark.parametrize("bad", BAD_KEYS)
def test_unsafe_keys_are_refused_by_every_operation(store: BlobStore, bad: str, tmp_path: Path) -> None:
    src = tmp_path / "f"
    src.write_bytes(b"x")
    operations = [
        lambda: store.put(bad, b"x"),
        lambda: store.put_file(bad, src),
        lambda: store.get(bad),
        lambda: store.exists(bad),
        lambda: store.delete(bad),
        lambda: store.size(bad),
        lambda: store.local_path(bad),
    ]
    for operation in operations:
        with pytest.raises(ValueError, match="blob key"):
            operation()
    assert list(store.list()) == []


@pytest.mark.parametrize("bad", ["../", "/abs", "a/../b", "a\\b", "a//"])
def test_unsafe_prefixes_are_refused_when_list_is_called(store: BlobStore, bad: str) -> None:
    # The refusal comes at the call, not at the first next() of a lazy iterator.
    with pytest.raises(ValueError, match="blob prefix"):
        store.list(bad)


def test_temp_file_names_are_reserved(store: BlobStore) -> None:
    with pytest.raises(ValueError, match="reserved"):
        store.put(f"a/{TEMP_MARKER}x", b"x")


# --- identity of the store -------------------------------------------------------------------------


def test_url_and_local_path(store: BlobStore, tmp_path: Path) -> None:
    store.put("pages/p1.jpg", b"jpeg")
    path = store.local_path("pages/p1.jpg")
    if isinstance(store, LocalBlobStore):
        assert store.url == (tmp_path / "blobs").resolve().as_uri()
        assert path is not None
        assert path.read_bytes() == b"jpeg"
        assert path.is_relative_to(store.root)
        with pytest.raises(BlobNotFound):
            store.local_path("pages/missing.jpg")
    else:
        assert isinstance(store, S3BlobStore)
        assert store.url == f"s3://{store.bucket}/{STORE_PREFIX}"
        assert path is None
    assert store.url in repr(store)


# --- local only: atomicity -------------------------------------------------------------------------


def test_local_put_leaves_no_temp_files(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    src = tmp_path / "src.bin"
    src.write_bytes(b"data")
    for i in range(20):
        store.put(f"p/{i % 3}", b"v" * i)
        store.put_file(f"q/{i % 3}", src)
    with pytest.raises(FileNotFoundError):
        store.put_file("q/0", tmp_path / "missing")
    assert _temp_files(tmp_path) == []
    assert sorted(p.name for p in (tmp_path / "p").iterdir()) == ["0", "1", "2"]


def test_local_list_ignores_a_crashed_put(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    store.put("p/1", b"done")
    (tmp_path / "p" / f"{TEMP_MARKER}2.abc123").write_bytes(b"half")  # what a killed writer leaves
    assert list(store.list()) == ["p/1"]


def test_local_readers_never_see_a_half_written_blob(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    versions = [b"A" * 2_000_000, b"B" * 1_000_000]
    store.put("doc", versions[0])
    seen: set[bytes] = set()
    torn: list[int] = []
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            data = store.get("doc")
            if data not in versions:
                torn.append(len(data))
            seen.add(data[:1])

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for i in range(40):
            store.put("doc", versions[i % 2])
    finally:
        stop.set()
        thread.join()
    assert torn == []
    assert seen <= {b"A", b"B"}
    assert seen  # the reader did read


def test_local_blob_is_written_under_the_root_only(tmp_path: Path) -> None:
    root = tmp_path / "root"
    store = LocalBlobStore(root)
    store.put("originals/ab/abcd", b"x")
    assert (root / "originals" / "ab" / "abcd").read_bytes() == b"x"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["root"]


# --- S3 only ---------------------------------------------------------------------------------------


@pytest.mark.s3
def test_s3_keeps_content_type_and_prefix(s3_client: S3Client, s3_bucket: str) -> None:
    store = S3BlobStore(s3_bucket, "/tenant/blobs/", s3_client)
    store.put("pages/p1.jpg", b"jpeg", content_type="image/jpeg")
    head = s3_client.head_object(Bucket=s3_bucket, Key="tenant/blobs/pages/p1.jpg")
    assert head["ContentType"] == "image/jpeg"
    assert store.url == f"s3://{s3_bucket}/tenant/blobs"


@pytest.mark.s3
def test_s3_list_skips_folder_markers_and_other_prefixes(s3_client: S3Client, s3_bucket: str) -> None:
    s3_client.put_object(Bucket=s3_bucket, Key="blobs/", Body=b"")
    s3_client.put_object(Bucket=s3_bucket, Key="blobs/pages/", Body=b"")
    s3_client.put_object(Bucket=s3_bucket, Key="blobsother/x", Body=b"x")
    s3_client.put_object(Bucket=s3_bucket, Key="blobs/pages/p1", Body=b"1")
    store = S3BlobStore(s3_bucket, "blobs", s3_client)
    assert list(store.list()) == ["pages/p1"]


@pytest.mark.s3
def test_s3_list_pages_past_one_thousand_keys(s3_client: S3Client, s3_bucket: str) -> None:
    store = S3BlobStore(s3_bucket, "", s3_client)
    keys = [f"k/{i:04d}" for i in range(1005)]  # list_objects_v2 returns at most 1000 per page
    for key in keys:
        store.put(key, b"")
    assert list(store.list("k/")) == keys


@pytest.mark.s3
def test_s3_missing_bucket_is_an_error_not_a_missing_blob(s3_client: S3Client) -> None:
    store = S3BlobStore("no-such-bucket-here", "", s3_client)
    with pytest.raises(ClientError) as info:
        store.get("k")
    assert info.value.response["Error"]["Code"] == "NoSuchBucket"


@pytest.mark.s3
def test_open_blob_store_s3_url_works_end_to_end(moto_endpoint: str, s3_bucket: str) -> None:
    store = open_blob_store(f"s3://{s3_bucket}/data/", s3_endpoint_url=moto_endpoint, s3_region=REGION)
    assert isinstance(store, S3BlobStore)
    assert (store.bucket, store.prefix) == (s3_bucket, "data")
    store.put(content_key("ab" * 32), b"original")
    assert list(store.list()) == [f"originals/ab/{'ab' * 32}"]
    assert store.get(f"originals/ab/{'ab' * 32}") == b"original"


# --- factory ---------------------------------------------------------------------------------------


def test_open_blob_store_paths_and_file_urls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plain = open_blob_store(str(tmp_path / "a"))
    assert isinstance(plain, LocalBlobStore)
    assert plain.root == tmp_path / "a"
    as_url = open_blob_store((tmp_path / "b c").as_uri())  # "b%20c": percent-decoding matters
    assert isinstance(as_url, LocalBlobStore)
    assert as_url.root == tmp_path / "b c"
    monkeypatch.setenv("HOME", str(tmp_path))
    home = open_blob_store("~/blobs")
    assert isinstance(home, LocalBlobStore)
    assert home.root == tmp_path / "blobs"
    monkeypatch.chdir(tmp_path)
    relative = open_blob_store("rel/blobs")
    assert isinstance(relative, LocalBlobStore)
    assert relative.root == tmp_path / "rel" / "blobs"


@pytest.mark.parametrize(
    "url", ["", "   ", "http://example.com/blobs", "gs://bucket/x", "s3://ab/x", "file://otherhost/x"]
)
def test_open_blob_store_refuses_what_it_cannot_open(url: str) -> None:
    with pytest.raises(ValueError):
        open_blob_store(url)


def test_s3_store_is_built_without_touching_the_network() -> None:
    # No request is made until an operation runs; an unreachable endpoint is fine to construct.
    store = open_blob_store("s3://some-bucket/p", s3_endpoint_url="http://127.0.0.1:9", s3_region=REGION)
    assert store.url == "s3://some-bucket/p"


def test_content_key() -> None:
    digest = "0f" + "1" * 62
    assert content_key(digest) == f"originals/0f/{digest}"
    assert content_key(digest.upper()) == f"originals/0f/{digest}"
    for bad in ["", "abc", "g" * 64, "0" * 63, "0" * 65, "../" + "0" * 61]:
        with pytest.raises(ValueError):
            content_key(bad)
