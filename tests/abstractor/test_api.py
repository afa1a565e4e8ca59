"""The HTTP API through FastAPI's TestClient: tokens, the caller's matters on every route, the audit log."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from abstractor.settings import Settings
from abstractor.web.app import create_app
from storage.db import AuditEntry, Document, Matter, open_database
from storage.db.access import create_token, revoke_token

GOLDSET = Path(__file__).parents[2] / "goldset" / "data" / "documents"


@pytest.fixture
def api(search_home: Path) -> Iterator[tuple[TestClient, dict[str, str], dict[tuple[str, str], int]]]:
    settings = Settings()
    db = open_database(settings.resolved_database_url)
    tokens = {name: create_token(db, name)[1] for name in ("alice", "bob", "ann", "root")}
    revoked_id, tokens["revoked"] = create_token(db, "root")
    revoke_token(db, revoked_id)
    with db.session() as session:
        ids = {
            (m, f): i
            for m, f, i in session.execute(select(Matter.name, Document.filename, Document.id).join(Matter))
        }
    db.dispose()
    with TestClient(create_app(settings)) as client:
        yield client, tokens, ids


def _as(tokens: dict[str, str], user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens[user]}"}


def test_health_and_schema_reveal_nothing_and_load_nothing_from_a_cdn(api):
    client, _, _ = api
    health = client.get("/healthz")
    assert health.status_code == 200 and health.json() == {"status": "ok"}
    assert client.get("/openapi.json").status_code == 200
    assert "/api/search" in client.get("/openapi.json").json()["paths"]
    assert client.get("/docs").status_code == 404 and client.get("/redoc").status_code == 404


def test_search_needs_a_valid_token(api):
    client, tokens, _ = api
    assert client.get("/api/search", params={"q": "agreement"}).status_code == 401
    for bad in ("nonsense", "abc.def", tokens["revoked"]):
        response = client.get(
            "/api/search", params={"q": "agreement"}, headers={"Authorization": f"Bearer {bad}"}
        )
        assert response.status_code == 401


def test_search_returns_only_the_callers_matters(api):
    client, tokens, ids = api
    response = client.get(
        "/api/search",
        params={"q": "Horizon Biotech Massachusetts", "limit": 20},
        headers=_as(tokens, "alice"),
    )
    assert response.status_code == 200
    body = response.json()
    assert body["visual"] == "off"
    assert body["hits"] and {hit["matter"] for hit in body["hits"]} == {"alpha"}
    assert body["hits"][0]["document"] == ids[("alpha", "nda-0021.pdf")]
    assert set(body["hits"][0]) == {
        "document",
        "page",
        "score",
        "channels",
        "matter",
        "status",
        "failed_pages",
        "fields",
        "thumbnail",
    }
    assert body["hits"][0]["status"] in ("ok", "needs_review") and body["hits"][0]["failed_pages"] == []
    crafted = client.get(
        "/api/search", params={"q": "agreement", "where": "matter=beta"}, headers=_as(tokens, "alice")
    )
    assert crafted.status_code == 200 and crafted.json()["hits"] == []
    both = client.get("/api/search", params={"q": "agreement", "limit": 50}, headers=_as(tokens, "root"))
    assert {hit["matter"] for hit in both.json()["hits"]} == {"alpha", "beta"}
    assert (
        client.get(
            "/api/search", params={"q": "x", "where": "value>3"}, headers=_as(tokens, "alice")
        ).status_code
        == 400
    )
    assert client.get("/api/search", params={"q": "salary"}, headers=_as(tokens, "ann")).status_code == 403


def test_search_where_takes_clause_filters_and_refuses_bad_ones_with_400(stored_clauses, api):
    client, tokens, ids = api
    root = _as(tokens, "root")
    params = {"q": "agreement", "limit": 50, "where": "clause.anti_assignment=true"}
    found = client.get("/api/search", params=params, headers=root)
    assert found.status_code == 200
    assert {hit["document"] for hit in found.json()["hits"]} == {ids[("beta", "nda-0077.pdf")]}
    for bad in ("clause.anti_assignment=yes", "clause.assignment=true"):
        refused = client.get("/api/search", params={"q": "agreement", "where": bad}, headers=root)
        assert refused.status_code == 400 and "clause.a" in refused.json()["detail"], bad


def test_documents_and_pages_only_through_the_callers_matters(api):
    client, tokens, ids = api
    mine, theirs = ids[("alpha", "sow-0023.pdf")], ids[("beta", "nda-0077.pdf")]
    alice = _as(tokens, "alice")
    assert client.get(f"/api/documents/{mine}", headers=alice).json()["filename"] == "sow-0023.pdf"
    thumb = client.get(f"/api/documents/{mine}/pages/1/thumbnail", headers=alice)
    assert thumb.status_code == 200 and thumb.headers["content-type"] == "image/jpeg"
    assert thumb.content[:2] == b"\xff\xd8"
    assert client.get(f"/api/documents/{mine}/pages/2/image", headers=alice).status_code == 200
    assert client.get(f"/api/documents/{mine}/pages/9/image", headers=alice).status_code == 404
    original = client.get(f"/api/documents/{mine}/original", headers=alice)
    assert original.content == (GOLDSET / "sow-0023.pdf").read_bytes()
    assert "sow-0023.pdf" in original.headers["content-disposition"]
    for path in ("", "/pages/1/thumbnail", "/pages/1/image", "/original"):
        assert client.get(f"/api/documents/{theirs}{path}", headers=alice).status_code == 404, path
        assert client.get(f"/api/documents/{mine}{path}", headers=_as(tokens, "ann")).status_code == 404, path
        assert client.get(f"/api/documents/{theirs}{path}").status_code == 401, path
        assert client.get(f"/api/documents/{theirs}{path}", headers=_as(tokens, "root")).status_code == 200, (
            path
        )
    assert client.get("/api/documents/999999", headers=_as(tokens, "root")).status_code == 404


def test_views_downloads_and_refusals_are_audited(api, search_home):
    client, tokens, ids = api
    mine, theirs = ids[("alpha", "sow-0023.pdf")], ids[("beta", "nda-0077.pdf")]
    client.get("/api/search", params={"q": "term"}, headers=_as(tokens, "alice"))
    client.get(f"/api/documents/{mine}/original", headers=_as(tokens, "alice"))
    client.get(f"/api/documents/{theirs}", headers=_as(tokens, "alice"))
    db = open_database(Settings().resolved_database_url)
    with db.session() as session:
        rows = [
            (r.actor, r.action, r.outcome, r.document_id, r.matter, r.client)
            for r in session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        ]
    db.dispose()
    assert [row[:5] for row in rows] == [
        ("alice", "search", "ok", None, None),
        ("alice", "download", "ok", mine, "alpha"),
        ("alice", "view", "denied", theirs, None),
    ]
    token_id = tokens["alice"].split(".")[0]
    assert {row[5] for row in rows} == {f"testclient (token {token_id})"}  # the address and the token used
