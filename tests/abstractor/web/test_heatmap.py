"""The ColPali heat-map of a visual hit: a checked PNG route and its overlay on the search page's thumbnail.

A data home with one document indexed by a tiny random-weight ColQwen2.5; the weights are random, so the
tests check shapes, access and markup, not where the map is hot (tests/retrieval/test_heatmap.py does).
"""

from __future__ import annotations

import importlib.util
import io
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import select

from abstractor.jobs import ingest_job
from abstractor.settings import IngestSettings, Settings
from abstractor.web.app import create_app
from pipeline.ingest import run_ingest
from pipeline.ingest_setup import build_context
from retrieval.embedders import EmbedderConfig
from storage.db import open_database
from storage.db.access import add_user, create_token
from storage.db.models import AuditEntry

pytestmark = pytest.mark.models
REPO = Path(__file__).parents[3]
QUESTION = "mutual non-disclosure"


def _tiny_model_builders() -> ModuleType:
    # The tiny ColQwen2.5 builders live in tests/retrieval/conftest.py, whose fixtures this folder cannot
    # see; tests/ is no package (importlib mode), so load that file by path and call its builders.
    spec = importlib.util.spec_from_file_location(
        "abstractor_test_retrieval_conftest", REPO / "tests" / "retrieval" / "conftest.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass
class VisualHome:
    settings: Settings
    tokens: dict[str, str]  # user -> bearer token


@pytest.fixture(scope="module")
def visual_home(tmp_path_factory: pytest.TempPathFactory, ocr_cache_dir: Path) -> VisualHome:
    """nda-0077.pdf in matter delta, indexed with a tiny ColQwen2.5; dora may read delta, eve only omega."""
    root = tmp_path_factory.mktemp("heatmap")
    builders = _tiny_model_builders()
    processor = builders._processor()
    builders._tiny_model(processor.tokenizer).save_pretrained(root / "colqwen")
    processor.save_pretrained(root / "colqwen")
    inbox = root / "inbox" / "delta"
    inbox.mkdir(parents=True)
    shutil.copyfile(REPO / "goldset" / "data" / "documents" / "nda-0077.pdf", inbox / "nda-0077.pdf")
    with pytest.MonkeyPatch.context() as mp:  # the function-scoped isolation has not run yet
        for name in list(os.environ):
            if name.startswith("ABSTRACTOR_"):
                mp.delenv(name)
        mp.setenv("ABSTRACTOR_CONFIG", str(root / "no-such-abstractor.toml"))
        settings = Settings(
            data_home=root / "home",
            ocr_cache_dir=ocr_cache_dir,
            ingest=IngestSettings(workers=2),
            embedders=EmbedderConfig(colpali_model=str(root / "colqwen")),
        )
        job = ingest_job(settings, [str(root / "inbox")], None)
        context = build_context(job)
        try:
            assert run_ingest(context, job).documents["new"] == 1
            add_user(context.db, "dora", "lawyer", ["delta"])
            add_user(context.db, "eve", "lawyer", ["omega"])
            tokens = {name: create_token(context.db, name, label="t")[1] for name in ("dora", "eve")}
        finally:
            context.close()
            context.db.dispose()
    return VisualHome(settings, tokens)


def _bearer(home: VisualHome, user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {home.tokens[user]}"}


@pytest.fixture
def client(visual_home: VisualHome) -> Iterator[TestClient]:
    with TestClient(create_app(visual_home.settings), follow_redirects=False) as test_client:
        yield test_client


def _visual_hit(client: TestClient, home: VisualHome) -> dict:
    """The document and best page of the first result whose best page the visual channel found."""
    found = client.get("/api/search", params={"q": QUESTION}, headers=_bearer(home, "dora")).json()
    assert found["visual"] == "on"
    best = [(d["document"], d["pages"][0]) for d in found["documents"]]
    document, page = next((d, p) for d, p in best if "visual" in p["channels"])
    return {"document": document, "page": page["page"]}


def test_the_heatmap_is_a_red_png_the_size_of_the_thumbnail_and_is_audited(client, visual_home) -> None:
    hit = _visual_hit(client, visual_home)
    base = f"/api/documents/{hit['document']}/pages/{hit['page']}"
    thumbnail = Image.open(
        io.BytesIO(client.get(f"{base}/thumbnail", headers=_bearer(visual_home, "dora")).content)
    )

    response = client.get(f"{base}/heatmap", params={"q": QUESTION}, headers=_bearer(visual_home, "dora"))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/png"
    overlay = Image.open(io.BytesIO(response.content))
    assert overlay.mode == "RGBA" and overlay.size == thumbnail.size
    alpha = overlay.getchannel("A")
    assert alpha.getextrema()[1] > 0  # something lights up (min-max scaling: the best patch is at 1)

    db = open_database(visual_home.settings.resolved_database_url)
    try:
        with db.session() as session:
            rows = session.scalars(select(AuditEntry).where(AuditEntry.action == "heatmap")).all()
            assert [(r.actor, r.outcome, r.detail) for r in rows][-1] == (
                "dora",
                "ok",
                {"page": hit["page"], "q": QUESTION},
            )
    finally:
        db.dispose()


def test_another_matters_lawyer_gets_404_like_a_missing_document(client, visual_home) -> None:
    hit = _visual_hit(client, visual_home)
    url = f"/api/documents/{hit['document']}/pages/{hit['page']}/heatmap"
    assert client.get(url, params={"q": QUESTION}, headers=_bearer(visual_home, "eve")).status_code == 404
    missing = "/api/documents/999999/pages/1/heatmap"
    assert (
        client.get(missing, params={"q": QUESTION}, headers=_bearer(visual_home, "dora")).status_code == 404
    )
    assert client.get(url, params={"q": QUESTION}).status_code == 401  # no token, no session
    db = open_database(visual_home.settings.resolved_database_url)
    try:
        with db.session() as session:
            denied = session.scalars(
                select(AuditEntry).where(AuditEntry.action == "heatmap", AuditEntry.actor == "eve")
            ).all()
            assert [(r.outcome, r.document_id, r.detail) for r in denied] == [
                ("denied", hit["document"], {"page": hit["page"], "q": QUESTION})
            ]
    finally:
        db.dispose()


def test_the_search_page_lays_the_heatmap_over_visual_hits(client, visual_home) -> None:
    hit = _visual_hit(client, visual_home)
    page = client.get("/search", params={"q": QUESTION}, headers=_bearer(visual_home, "dora"))
    assert page.status_code == 200
    heatmap = f"/api/documents/{hit['document']}/pages/{hit['page']}/heatmap?q=mutual+non-disclosure"
    assert f'<img class="heatmap" src="{heatmap}" alt="" loading="lazy">' in page.text
    assert '<span class="heatmap-caption">heat-map</span>' in page.text
    assert "style=" not in page.text and "<script>" not in page.text  # the CSP allows neither inline


def test_without_a_colpali_model_no_overlay_is_drawn_and_the_route_answers_409(visual_home) -> None:
    text_only = visual_home.settings.model_copy(update={"embedders": EmbedderConfig()})
    with TestClient(create_app(text_only), follow_redirects=False) as client:
        found = client.get("/api/search", params={"q": QUESTION}, headers=_bearer(visual_home, "dora")).json()
        pages = [page for document in found["documents"] for page in document["pages"]]
        assert pages and all("visual" not in page["channels"] for page in pages)
        page = client.get("/search", params={"q": QUESTION}, headers=_bearer(visual_home, "dora"))
        assert 'class="heatmap"' not in page.text and "heat-map" not in page.text
        document = found["documents"][0]
        url = f"/api/documents/{document['document']}/pages/{document['pages'][0]['page']}/heatmap"
        response = client.get(url, params={"q": QUESTION}, headers=_bearer(visual_home, "dora"))
        assert response.status_code == 409
        assert "no ColPali model is loaded" in response.json()["detail"]
