"""Sources in S3 and blobs in S3, through boto3 against moto's standalone server."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storage.blobs import open_blob_store
from storage.db import Document, Page, open_database

pytestmark = pytest.mark.s3


def test_documents_are_read_from_s3_and_stored_in_s3(
    tmp_path, builders, make_job, run_job, s3_client, s3_bucket, moto_endpoint, aws_region
):
    local = tmp_path / "local"
    local.mkdir()
    scan = builders.write_png(local, "lease.png")
    s3_client.put_object(Bucket=s3_bucket, Key="inbox/acme/lease.png", Body=scan.read_bytes())
    s3_client.put_object(Bucket=s3_bucket, Key="inbox/acme/copy-of-lease.png", Body=scan.read_bytes())
    # An object that exists but cannot be read (archived to cold storage): it fails alone.
    s3_client.put_object(
        Bucket=s3_bucket, Key="inbox/acme/archived.pdf", Body=b"%PDF-1.4", StorageClass="GLACIER"
    )

    job = make_job(
        [f"s3://{s3_bucket}/inbox"],
        blobs_url=f"s3://{s3_bucket}/abstractor",
        s3_endpoint_url=moto_endpoint,
        s3_region=aws_region,
    )
    tally = run_job(job)
    assert tally.documents == {"new": 1, "updated": 0, "skipped": 0, "partial": 0, "failed": 1}
    (failure,) = tally.failures
    assert failure["source"] == f"s3://{s3_bucket}/inbox/acme/archived.pdf"
    assert "storage class" in failure["error"] or "InvalidObjectState" in failure["error"]

    blobs = open_blob_store(job.blobs_url, s3_endpoint_url=moto_endpoint, s3_region=aws_region)
    db = open_database(job.database_url)
    with db.session() as session:
        (document,) = session.scalars(select(Document))
        assert document.matter.name == "acme"
        assert sorted(source.uri for source in document.sources) == [
            f"s3://{s3_bucket}/inbox/acme/copy-of-lease.png",
            f"s3://{s3_bucket}/inbox/acme/lease.png",
        ]
        assert blobs.get(document.original_key) == scan.read_bytes()
        (page,) = session.scalars(select(Page))
        assert blobs.exists(page.image_key) and blobs.exists(page.thumbnail_key)
        assert page.ocr_words
    db.dispose()
    assert run_job(job).documents["skipped"] == 1
