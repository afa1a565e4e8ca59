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


DOCUMENT_KEYS = {"document", "file", "matter", "relevance", "status", "failed_pages", "fields", "pages"}
PAGE_KEYS = {"page", "channels", "thumbnail", "snippet", "highlights", "boxes"}


def _search(client: TestClient, tokens: dict[str, str], user: str, q: str, **params) -> dict:
    response = client.get("/api/search", params={"q": q, **params}, headers=_as(tokens, user))
    assert response.status_code == 200, response.text
    return response.json()


def test_search_returns_only_the_callers_matters(api):
    client, tokens, ids = api
    body = _search(client, tokens, "alice", "Horizon Biotech Massachusetts", limit=20)
    assert set(body) == {"documents", "answered", "visual", "facets"}
    assert body["visual"] == "off"
    assert body["documents"] and {d["matter"] for d in body["documents"]} == {"alpha"}
    first = body["documents"][0]
    assert first["document"] == ids[("alpha", "nda-0021.pdf")] and first["file"] == "nda-0021.pdf"
    assert set(first) == DOCUMENT_KEYS and first["pages"] and set(first["pages"][0]) == PAGE_KEYS
    assert first["status"] in ("ok", "needs_review") and first["failed_pages"] == []
    assert first["pages"][0]["thumbnail"] == f"/api/documents/{first['document']}/pages/1/thumbnail"
    crafted = _search(client, tokens, "alice", "agreement", where="matter=beta")
    assert crafted["documents"] == [] and crafted["facets"] == {}  # no counts of another matter either
    both = _search(client, tokens, "root", "agreement", limit=50)
    assert {d["matter"] for d in both["documents"]} == {"alpha", "beta"}
    assert (
        client.get(
            "/api/search", params={"q": "x", "where": "value>3"}, headers=_as(tokens, "alice")
        ).status_code
        == 400
    )
    assert client.get("/api/search", params={"q": "salary"}, headers=_as(tokens, "ann")).status_code == 403
    assert client.get("/api/search", params={"q": '""'}, headers=_as(tokens, "alice")).status_code == 400


def test_search_groups_pages_by_document_in_a_stable_order(api):
    client, tokens, ids = api
    body = _search(client, tokens, "root", "agreement party term", limit=50)
    documents = [d["document"] for d in body["documents"]]
    assert len(documents) == len(set(documents)) == len(ids)  # every document once, none twice
    for document in body["documents"]:
        pages = [p["page"] for p in document["pages"]]
        assert pages and len(pages) == len(set(pages)), document["file"]
        base = f"/api/documents/{document['document']}/pages"
        assert [p["thumbnail"] for p in document["pages"]] == [f"{base}/{n}/thumbnail" for n in pages]
    # The same question over the same index lists the same documents, pages and snippets in the same order.
    assert _search(client, tokens, "root", "agreement party term", limit=50) == body
    # The limit counts documents, not pages.
    two = _search(client, tokens, "root", "agreement party term", limit=2)["documents"]
    assert [d["document"] for d in two] == documents[:2]


def test_snippets_highlight_the_questions_words_and_boxes_lie_on_the_page(api):
    client, tokens, _ = api
    body = _search(client, tokens, "alice", "Horizon Biotech Massachusetts")
    asked = {"horizon", "biotech", "massachusetts"}
    marked: set[str] = set()
    for document in body["documents"]:
        for page in document["pages"]:
            snippet = page["snippet"]
            assert snippet is not None  # text search found it: there is a passage
            for start, end in page["highlights"]:
                assert 0 <= start < end <= len(snippet)
                marked.add(snippet[start:end].lower())
            assert all(word in asked for word in marked), marked  # only the question's words
            for left, top, right, bottom in page["boxes"]:
                assert 0 <= left < right <= 1700 and 0 <= top < bottom <= 2200  # the page image in pixels
            assert page["boxes"], page
    assert {"horizon", "biotech"} <= marked
    best = body["documents"][0]["pages"][0]
    spans = [best["snippet"][s:e] for s, e in best["highlights"]]
    assert "Horizon" in spans and "Biotech" in spans


def test_relevance_is_a_probability_or_null_and_answered_says_whether_the_floor_was_met(api):
    client, tokens, _ = api
    body = _search(client, tokens, "root", "agreement", limit=50)
    relevances = [d["relevance"] for d in body["documents"]]
    assert all(r is None or 0.0 <= r <= 1.0 for r in relevances)
    assert body["answered"] in (True, False, None)
    if body["answered"] is None:  # no calibration for this encoder: no document gets a number
        assert relevances == [None] * len(relevances)
    assert "score" not in body["documents"][0] and "score" not in body["documents"][0]["pages"][0]


def test_a_quoted_phrase_must_stand_in_the_matching_passage(api):
    client, tokens, ids = api
    loose = _search(client, tokens, "root", "statement of work", limit=50)
    phrase = _search(client, tokens, "root", '"statement of work"', limit=50)
    assert len(loose["documents"]) > 1
    assert [d["document"] for d in phrase["documents"]] == [ids[("alpha", "sow-0023.pdf")]]
    for page in phrase["documents"][0]["pages"]:
        spans = [page["snippet"][s:e] for s, e in page["highlights"]]
        assert "statement of work" in " ".join(page["snippet"].lower().split())
        assert any(" ".join(span.lower().split()) == "statement of work" for span in spans), spans
    nowhere = _search(client, tokens, "root", 'agreement "work statement"', limit=50)
    assert nowhere["documents"] == []  # the words are there, never in that order


def test_search_where_takes_clause_filters_and_refuses_bad_ones_with_400(stored_clauses, api):
    client, tokens, ids = api
    root = _as(tokens, "root")
    params = {"q": "agreement", "limit": 50, "where": "clause.anti_assignment=true"}
    found = client.get("/api/search", params=params, headers=root)
    assert found.status_code == 200
    assert {d["document"] for d in found.json()["documents"]} == {ids[("beta", "nda-0077.pdf")]}
    for bad in ("clause.anti_assignment=yes", "clause.assignment=true"):
        refused = client.get("/api/search", params={"q": "agreement", "where": bad}, headers=root)
        assert refused.status_code == 400 and "clause.a" in refused.json()["detail"], bad


def test_facets_count_the_admitted_documents_per_clause_in_the_callers_matters(stored_clauses, api):
    client, tokens, _ = api
    everything = _search(client, tokens, "root", "agreement", limit=50)
    assert everything["facets"] == {"termination_for_convenience": 1, "anti_assignment": 1}
    # The filters narrow the counts: nda-0077 has anti-assignment and not termination for convenience.
    narrowed = _search(client, tokens, "root", "agreement", where="clause.anti_assignment=true")
    assert narrowed["facets"] == {"anti_assignment": 1}
    # A lawyer counts only their matters: sow-0023 is alpha's, nda-0077 beta's.
    assert _search(client, tokens, "alice", "agreement")["facets"] == {"termination_for_convenience": 1}
    assert _search(client, tokens, "bob", "agreement")["facets"] == {"anti_assignment": 1}


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


@pytest.mark.parametrize("value", ["nan", "NaN", "inf", "-inf", "Infinity"])
def test_a_non_finite_amount_in_a_filter_is_a_400_not_a_panic_in_the_index(api, value):
    client, tokens, _ = api
    answer = client.get(
        "/api/search",
        params={"q": "agreement", "where": f"contract_value>={value}"},
        headers=_as(tokens, "alice"),
    )
    assert answer.status_code == 400 and "is not an amount" in answer.json()["detail"]


def test_ids_and_page_numbers_past_the_databases_integers_are_a_422_not_a_500(api):
    client, tokens, ids = api
    alice, huge = _as(tokens, "alice"), 2**63
    document = ids[("alpha", "sow-0023.pdf")]
    for path in (
        f"/api/documents/{huge}",
        f"/api/documents/{huge}/original",
        f"/api/documents/{document}/pages/{huge}/image",
        f"/api/documents/{document}/pages/0/image",
    ):
        assert client.get(path, headers=alice).status_code == 422, path
    assert client.get(f"/api/documents/{2**63 - 1}", headers=alice).status_code == 404  # in range: none


def test_the_apis_question_is_as_long_as_the_search_pages_at_most(api):
    client, tokens, _ = api
    too_long = client.get("/api/search", params={"q": "a" * 501}, headers=_as(tokens, "alice"))
    assert too_long.status_code == 422
    assert client.get("/api/search", params={"q": "a" * 500}, headers=_as(tokens, "alice")).status_code == 200


def test_a_crash_is_answered_with_the_security_headers(search_home):
    app = create_app(Settings())

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("a bug")

    with TestClient(app, raise_server_exceptions=False) as client:
        crashed = client.get("/boom")
    assert crashed.status_code == 500 and crashed.text == "Internal Server Error"
    assert "script-src 'self'" in crashed.headers["content-security-policy"]
    assert (
        crashed.headers["x-content-type-options"] == "nosniff"
        and crashed.headers["cache-control"] == "no-store"
    )


def _audit_rows() -> list[tuple[str, str, str, str, dict]]:
    db = open_database(Settings().resolved_database_url)
    with db.session() as session:
        rows = [
            (r.actor, r.action, r.outcome, r.client, r.detail)
            for r in session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        ]
    db.dispose()
    return rows


def test_refused_tokens_crashes_and_missing_pages_are_audited_too(api, search_home):
    client, tokens, ids = api
    client.get("/api/search", params={"q": "term"}, headers={"Authorization": f"Bearer {tokens['revoked']}"})
    client.get("/api/documents/1", headers={"Authorization": "Bearer nonsense"})
    sow = ids[("alpha", "sow-0023.pdf")]
    missing = client.get(f"/api/documents/{sow}/pages/99/image", headers=_as(tokens, "alice"))
    assert missing.status_code == 404
    rows = _audit_rows()
    assert rows[:2] == [
        ("anonymous", "request", "http_401", "testclient", {"method": "GET", "path": "/api/search"}),
        ("anonymous", "request", "http_401", "testclient", {"method": "GET", "path": "/api/documents/1"}),
    ]
    assert rows[2][:3] == ("alice", "page", "not_found") and rows[2][4] == {"page": 99}


def test_a_crash_is_audited(search_home):
    app = create_app(Settings())

    @app.get("/api/boom")
    def boom() -> None:
        raise RuntimeError("a bug")

    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.get("/api/boom").status_code == 500
    assert _audit_rows()[-1] == (
        "unknown",
        "request",
        "http_500",
        "testclient",
        {"method": "GET", "path": "/api/boom"},
    )
