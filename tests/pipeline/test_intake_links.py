"""Symbolic links and escaping S3 keys in a source: never a way to ingest what lies outside it.

Threat (docs/threats.md): whoever may write to an inbox drops `ln -s /etc/passwd inbox/acme/x.pdf`, and
the lawyers of acme download the file from the original's endpoint.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest
from sqlalchemy import select

from pipeline.ingest_setup import IngestJob
from storage.db import Document, RunItem, open_database
from storage.sources import SourceFile, SourceReadError, discover, read_source

SECRET = b"root:x:0:0:root:/root:/bin/bash\n"


def _items_and_documents(job: IngestJob) -> tuple[dict[str, str | None], list[tuple[str, str]]]:
    """The run items' errors by source path, and the documents as (matter, file name)."""
    db = open_database(job.database_url)
    with db.session() as session:
        items = {item.source_uri: item.error for item in session.scalars(select(RunItem))}
        documents = sorted((d.matter.name, d.filename) for d in session.scalars(select(Document)))
    db.dispose()
    return items, documents


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A file the ingest account can read that no inbox holds."""
    path = tmp_path / "elsewhere" / "passwd"
    path.parent.mkdir()
    path.write_bytes(SECRET)
    return path


def test_links_are_failures_with_their_reason_and_nothing_is_ingested(tmp_path, secret, make_job, run_job):
    matter = tmp_path / "inbox" / "acme"
    matter.mkdir(parents=True)
    (matter / "x.pdf").symlink_to(secret)
    (matter / "gone.pdf").symlink_to(tmp_path / "no-such-file")
    (matter / "etc").symlink_to(secret.parent, target_is_directory=True)

    job = make_job([tmp_path / "inbox"])
    tally = run_job(job)
    items, documents = _items_and_documents(job)
    assert documents == []  # nothing stored: no original for anyone to download
    assert tally.documents["failed"] == 3
    assert "symbolic link: not followed" in (items[str(matter / "x.pdf")] or "")
    assert "dangling symbolic link" in (items[str(matter / "gone.pdf")] or "")
    assert "symbolic link: not followed" in (items[str(matter / "etc")] or "")


def test_followed_links_stay_under_the_source_root(tmp_path, secret, builders: ModuleType, make_job, run_job):
    inbox = tmp_path / "inbox"
    (inbox / "acme").mkdir(parents=True)
    (inbox / "shared").mkdir()
    lease = builders.write_png(inbox / "shared", "lease.png")
    (inbox / "acme" / "lease.png").symlink_to(lease)  # inside the root: followed, into acme
    (inbox / "acme" / "x.pdf").symlink_to(secret)  # outside: refused
    (inbox / "acme" / "loop").symlink_to(inbox, target_is_directory=True)  # a folder that holds it
    (inbox / "acme" / "gone.pdf").symlink_to(inbox / "no-such-file")

    job = make_job([inbox], follow_links=True)
    tally = run_job(job)
    items, documents = _items_and_documents(job)
    # The link's place names the matter: the shared scan is acme's too (same bytes, two matters).
    assert documents == [("acme", "lease.png"), ("shared", "lease.png")]
    assert tally.documents["new"] == 2 and tally.documents["failed"] == 3
    assert "outside the source root: refused" in (items[str(inbox / "acme" / "x.pdf")] or "")
    assert "a loop" in (items[str(inbox / "acme" / "loop")] or "")
    assert "dangling symbolic link" in (items[str(inbox / "acme" / "gone.pdf")] or "")
    assert str(inbox / "acme" / "lease.png") in items  # the source is named by the link, as found


def test_a_file_swapped_for_a_link_after_discovery_is_not_read(tmp_path, secret):
    matter = tmp_path / "inbox" / "acme"
    matter.mkdir(parents=True)
    (matter / "x.pdf").write_bytes(b"%PDF-1.4 a scan")
    [found] = discover([str(tmp_path / "inbox")])
    assert isinstance(found, SourceFile)
    (matter / "x.pdf").unlink()
    (matter / "x.pdf").symlink_to(secret)  # between the listing and the read
    with pytest.raises(SourceReadError, match="became a symbolic link"):
        read_source(found)
    # A folder on the way swapped for a link is refused the same way.
    decoy = tmp_path / "decoy"
    decoy.mkdir()
    (decoy / "x.pdf").write_bytes(SECRET)
    matter.rename(tmp_path / "moved")
    matter.symlink_to(decoy, target_is_directory=True)
    with pytest.raises(SourceReadError, match="became a symbolic link"):
        read_source(found)


def test_links_in_a_glob_are_refused_too(tmp_path, secret):
    matter = tmp_path / "inbox" / "acme"
    matter.mkdir(parents=True)
    (matter / "x.pdf").symlink_to(secret)
    (matter / "etc").symlink_to(secret.parent, target_is_directory=True)
    found = list(discover([f"{tmp_path / 'inbox'}/**/*"]))
    assert all(isinstance(item, SourceReadError) for item in found), found
    assert sorted(Path(item.uri).name for item in found) == ["etc", "x.pdf"]


@pytest.mark.s3
def test_s3_keys_escaping_their_prefix_are_refused(s3_client, s3_bucket, moto_endpoint, aws_region):
    for key in ("in/acme/lease.pdf", "in/acme/../globex/nda.pdf", "in/./loose.pdf"):
        s3_client.put_object(Bucket=s3_bucket, Key=key, Body=b"%PDF-1.4")
    found = list(discover([f"s3://{s3_bucket}/in"], s3_client=s3_client))
    files = [item.relative for item in found if isinstance(item, SourceFile)]
    refused = {item.uri: item.reason for item in found if isinstance(item, SourceReadError)}
    assert files == ["acme/lease.pdf"]
    assert set(refused) == {f"s3://{s3_bucket}/in/acme/../globex/nda.pdf", f"s3://{s3_bucket}/in/./loose.pdf"}
    assert all("escapes the prefix" in reason for reason in refused.values())
