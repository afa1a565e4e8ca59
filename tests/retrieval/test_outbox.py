"""The index's one owner: an ingest run that cannot take the index leaves its updates in the outbox, and
whoever owns the index next applies them; applying is idempotent; reindex rebuilds a lost index."""

from __future__ import annotations

import shutil
from pathlib import Path

from abstractor.jobs import ingest_job
from abstractor.search_service import SearchServices
from abstractor.settings import Settings
from pipeline.ingest import run_ingest
from pipeline.ingest_setup import build_context
from pipeline.reindex import reindex
from retrieval.outbox import apply_outbox, pending
from storage.db.access import grant, principal


def _ingest(settings: Settings, inbox: Path, ocr_cache_dir: Path):
    job = ingest_job(settings.model_copy(update={"ocr_cache_dir": ocr_cache_dir}), [str(inbox)], None)
    job = job.model_copy(update={"workers": 2})
    context = build_context(job)
    try:
        return run_ingest(context, job)
    finally:
        context.close()
        context.db.dispose()


def _search(services: SearchServices, user: str, query: str) -> list[dict]:
    return services.search(principal(services.db, user), query, where=[], limit=10, client="t").documents


def test_a_run_leaves_updates_to_the_owner_and_they_become_searchable(search_home, tmp_path, ocr_cache_dir):
    settings = Settings()
    inbox = tmp_path / "inbox" / "gamma"
    inbox.mkdir(parents=True)
    shutil.copyfile(Path(__file__).parents[2] / "goldset/data/documents/nda-0077.pdf", inbox / "nda-0077.pdf")
    services = SearchServices(settings)
    try:
        grant(services.db, "bob", ["gamma"])
        services.owner.take()  # this process owns the index, as `abstractor serve` would
        tally = _ingest(settings, tmp_path / "inbox", ocr_cache_dir)
        assert tally.documents["new"] == 1 and tally.documents["failed"] == 0
        waiting = pending(services.db)
        assert waiting >= 2  # the document's delete + its page upserts, committed with the stage state
        assert "gamma" not in {hit["matter"] for hit in _search(services, "bob", "Oakmont Partners")}
        assert services.owner.drain() == waiting and pending(services.db) == 0
        assert "gamma" in {hit["matter"] for hit in _search(services, "bob", "Oakmont Partners")}
        with services.owner.use() as index:
            count = index.count()
            assert apply_outbox(services.db, index) == 0
    finally:
        services.close()
    # Re-running adds nothing: the stages are current and point ids are deterministic.
    again = _ingest(settings, tmp_path / "inbox", ocr_cache_dir)
    assert again.documents["skipped"] == 1
    services = SearchServices(settings)
    try:
        with services.owner.use() as index:  # the first owner applies what is waiting
            assert index.count() == count
    finally:
        services.close()


def test_reindex_rebuilds_a_lost_index(search_home):
    settings = Settings()
    services = SearchServices(settings)
    with services.owner.use() as index:
        before = index.count()
    services.close()
    shutil.rmtree(settings.resolved_index.path)
    context = build_context(ingest_job(settings, [], None))
    try:
        tally = reindex(context)
    finally:
        context.close()
        context.db.dispose()
    assert tally.documents["updated"] == 5 and tally.documents["failed"] == 0
    services = SearchServices(settings)
    try:
        with services.owner.use() as index:
            assert index.count() == before
        assert _search(services, "alice", "Horizon Biotech Massachusetts")[0]["matter"] == "alpha"
    finally:
        services.close()
