"""The scale-out storage path: two `abstractor ingest` processes started at once over the same S3 sources,
with results in PostgreSQL and files in S3 (moto's server). Every document is processed exactly once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from retrieval.embedders.config import EmbedderConfig
from retrieval.index import PAGE, PASSAGE, IndexConfig, open_index
from retrieval.outbox import pending
from retrieval.owner import IndexOwner
from retrieval.passages import page_passages
from storage.blobs import open_blob_store
from storage.db import Document, Page, RunItem, open_database
from storage.db.pages import load_pages

pytestmark = [pytest.mark.postgres, pytest.mark.s3, pytest.mark.slow]

ABSTRACTOR = Path(sys.executable).with_name("abstractor")


def test_two_runs_at_once_lose_and_duplicate_nothing(
    tmp_path, builders, ocr_cache_dir, fresh_postgres_url, moto_endpoint, s3_client, s3_bucket, aws_region
):
    local = tmp_path / "local"
    local.mkdir()
    files = [
        builders.write_image_pdf(local, "msa.pdf", pages=2),
        builders.write_image_pdf(local, "sow.pdf", pages=1),
        builders.write_png(local, "lease.png"),
        builders.write_png(local, "side-letter.png", rotate_cw=90),
    ]
    for path in files:
        s3_client.put_object(Bucket=s3_bucket, Key=f"inbox/acme/{path.name}", Body=path.read_bytes())
    home = tmp_path / "home"  # shared: the embedded index and its lock live here
    env = {
        **os.environ,
        "ABSTRACTOR_DATA_HOME": str(home),
        "ABSTRACTOR_DATABASE_URL": fresh_postgres_url,
        "ABSTRACTOR_BLOBS__URL": f"s3://{s3_bucket}/abstractor",
        "ABSTRACTOR_BLOBS__S3_ENDPOINT_URL": moto_endpoint,
        "ABSTRACTOR_BLOBS__S3_REGION": aws_region,
        "ABSTRACTOR_OCR_CACHE_DIR": str(ocr_cache_dir),
        "ABSTRACTOR_INGEST__WORKERS": "1",
    }
    command = [str(ABSTRACTOR), "ingest", f"s3://{s3_bucket}/inbox", "--json"]
    runs = [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in (1, 2)
    ]
    results = []
    for run in runs:
        out, err = run.communicate(timeout=600)
        assert run.returncode == 0, err.decode()[-3000:]
        results.append(json.loads(out))

    # Between them the two runs did each document once; whatever one did, the other skipped.
    new = sum(result["documents"]["new"] for result in results)
    skipped = sum(result["documents"]["skipped"] for result in results)
    assert (new, skipped) == (4, 4)

    db = open_database(fresh_postgres_url)
    blobs = open_blob_store(env["ABSTRACTOR_BLOBS__URL"], s3_endpoint_url=moto_endpoint, s3_region=aws_region)
    with db.session() as session:
        documents = list(session.scalars(select(Document)))
        assert len(documents) == 4 and {d.status for d in documents} == {"ok"}
        assert all(d.lease_run_id is None for d in documents)
        pages = list(session.scalars(select(Page)))
        assert len(pages) == 2 + 1 + 1 + 1
        for document in documents:
            numbers = sorted(p.number for p in pages if p.document_id == document.id)
            assert numbers == list(range(1, (document.page_count or 0) + 1))
        for page in pages:
            assert page.ocr_words and blobs.exists(page.image_key) and blobs.exists(page.thumbnail_key)
        processed = session.scalar(select(func.count()).select_from(RunItem).where(RunItem.outcome == "new"))
        assert processed == 4
    # The index: every page once. A run that finds the index held leaves its rows in the outbox for the
    # holder (the web server, every few seconds); no server runs here, so apply what is left the same way.
    config = IndexConfig(path=home / "index")
    with IndexOwner(db, config) as owner:
        assert owner.try_take()
    assert pending(db) == 0
    # No ColPali weights here, so no page points: each page's passages, once (their ids are deterministic).
    embedders = EmbedderConfig()
    expected = sum(
        len(page_passages(page.ocr, embedders.passage_min_words, embedders.passage_max_words))
        for document in documents
        for page in load_pages(db, document.id)
    )
    with open_index(config) as index:
        assert index.count(PAGE) == 0 and index.count(PASSAGE) == expected > 0
    db.dispose()
