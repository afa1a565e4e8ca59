"""Purge leaves nothing behind (rows, index points, unshared blobs, OCR records); legal hold refuses it."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from abstractor.search_service import SearchServices
from abstractor.settings import Settings
from pipeline.purge import PurgeRefusedError, purge, set_hold
from retrieval.updates import open_updates
from storage.db import (
    Document,
    DocumentSource,
    Extraction,
    Matter,
    MatterGrant,
    Page,
    RunItem,
    StageState,
)


def _count(services: SearchServices, model: type, *where) -> int:
    with services.db.session() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def _documents(services: SearchServices) -> dict[tuple[str, str], tuple[int, str]]:
    with services.db.session() as session:
        rows = session.execute(
            select(Matter.name, Document.filename, Document.id, Document.sha256).join(Matter)
        )
        return {(m, f): (i, sha) for m, f, i, sha in rows}


def _points(services: SearchServices) -> dict[str, set[str]]:
    """Every index point's (document id) by matter, read through an unfiltered admin-style search."""
    from retrieval.index import IndexFilter

    query = services.encoder.query("agreement party law")
    with services.owner.use() as index:
        channels = index.search(query, 100, IndexFilter(matters=["alpha", "beta"]))
    found: dict[str, set[str]] = {}
    for hit in (hit for hits in channels.values() for hit in hits):
        found.setdefault(hit.payload["matter"], set()).add(hit.document_id)
    return found


def _purge(services: SearchServices, ocr_cache: Path, **target):
    updates = open_updates(services.db, services.settings.resolved_index)
    try:
        services.owner.close()  # the purge publishes through the outbox: let it take the index
        return purge(services.db, services.blobs, updates, ocr_cache=ocr_cache, **target)
    finally:
        updates.close()


def test_purging_a_document_then_a_matter_leaves_nothing(search_home: Path):
    services = SearchServices(Settings())
    ocr_cache = search_home / "ocr-copy"  # a private cache: the shared test cache must survive
    docs = _documents(services)
    for _, sha in docs.values():
        (ocr_cache / sha[:2]).mkdir(parents=True, exist_ok=True)
        (ocr_cache / sha[:2] / f"{sha}-p1-x.json").write_text("{}")
    shared_id, shared_sha = docs[("alpha", "nda-0021.pdf")]
    try:
        report = _purge(services, ocr_cache, document_id=shared_id)
        assert report.documents == [shared_id] and report.shared_kept == 1 and report.blobs_deleted == 0
        for model in (Document, Page, Extraction, StageState, DocumentSource, RunItem):
            column = model.id if model is Document else model.document_id
            assert _count(services, model, column == shared_id) == 0, model
        assert str(shared_id) not in _points(services).get("alpha", set())
        assert services.blobs.exists(f"originals/{shared_sha[:2]}/{shared_sha}")  # beta's copy needs it

        report = _purge(services, ocr_cache, matter="beta")
        assert len(report.documents) == 3 and report.blobs_deleted > 0
        assert _count(services, Matter, Matter.name == "beta") == 0
        assert _count(services, MatterGrant, MatterGrant.matter == "beta") == 0
        assert set(_points(services)) == {"alpha"}
        left = set(services.blobs.list(""))
        sow_sha = docs[("alpha", "sow-0023.pdf")][1]
        assert left and all(sow_sha in key for key in left)  # only the remaining document's blobs
        assert {p.name.split("-")[0] for p in ocr_cache.rglob("*.json")} == {sow_sha}
        with services.db.session() as session:
            assert set(session.scalars(select(Document.filename))) == {"sow-0023.pdf"}
    finally:
        services.close()


def test_a_matter_under_legal_hold_refuses_to_be_purged(search_home: Path):
    services = SearchServices(Settings())
    try:
        set_hold(services.db, "alpha", True)
        document_id, _ = _documents(services)[("alpha", "sow-0023.pdf")]
        for target in ({"matter": "alpha"}, {"document_id": document_id}):
            with pytest.raises(PurgeRefusedError, match="legal hold"):
                _purge(services, search_home / "ocr", **target)
        assert _count(services, Document, Document.id == document_id) == 1
        set_hold(services.db, "alpha", False)
        _purge(services, search_home / "ocr", document_id=document_id)
        assert _count(services, Document, Document.id == document_id) == 0
        with pytest.raises(PurgeRefusedError, match="no matter"):
            set_hold(services.db, "nowhere", True)
    finally:
        services.close()
