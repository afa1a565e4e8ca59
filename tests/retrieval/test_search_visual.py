"""With a ColPali model configured (a tiny random-weight ColQwen2.5), the index stage stores page
multi-vectors and pooled vectors, and a search reports the visual channel."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from abstractor.jobs import ingest_job
from abstractor.search_service import SearchServices
from abstractor.settings import IngestSettings, Settings
from pipeline.ingest import run_ingest
from pipeline.ingest_setup import build_context
from retrieval.embedders import EmbedderConfig
from retrieval.index import IndexFilter, PageQuery
from storage.db.access import add_user, principal

pytestmark = pytest.mark.models
GOLDSET = Path(__file__).parents[2] / "goldset" / "data" / "documents"


def test_index_stage_stores_multivectors_and_search_reports_the_visual_channel(
    tmp_path, tiny_dirs, ocr_cache_dir
):
    inbox = tmp_path / "inbox" / "delta"
    inbox.mkdir(parents=True)
    shutil.copyfile(GOLDSET / "nda-0077.pdf", inbox / "nda-0077.pdf")
    settings = Settings(
        data_home=tmp_path / "home",
        ocr_cache_dir=ocr_cache_dir,
        ingest=IngestSettings(workers=2),
        embedders=EmbedderConfig(colpali_model=str(tiny_dirs["full"])),
    )
    job = ingest_job(settings, [str(tmp_path / "inbox")], None)
    context = build_context(job)
    try:
        assert "colpali=" + str(tiny_dirs["full"]) in context.indexer.version
        assert run_ingest(context, job).documents["new"] == 1
        add_user(context.db, "dora", "lawyer", ["delta"])
    finally:
        context.close()
        context.db.dispose()

    services = SearchServices(settings)
    try:
        query = services.encoder.query("mutual non-disclosure")
        assert query.multivector is not None and query.multivector.shape[1] == 128
        with services.owner.use() as index:  # the visual channel alone finds the page: its vectors are there
            alone = index.search(PageQuery(multivector=query.multivector), 5, IndexFilter(matters=["delta"]))
        assert [(hit.page, hit.payload["kind"]) for hit in alone["visual"]] == [(1, "page")]
        result = services.search(
            principal(services.db, "dora"), "non-disclosure", where=[], limit=5, client="t"
        )
        assert result.visual is True
        assert any("visual" in page["channels"] for hit in result.documents for page in hit["pages"])
    finally:
        services.close()
