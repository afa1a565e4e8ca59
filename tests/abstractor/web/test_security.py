"""The refusals: no session, another matter, the wrong role, missing CSRF, too many sign-ins; the headers."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from abstractor.settings import Settings
from abstractor.web.app import create_app
from storage.db import open_database
from storage.db.access import revoke_token

PAGES = ["/", "/search", "/search?q=term", "/documents/1", "/reports", "/reports/1/report.html",
         "/reports/1/outcomes/0/page.jpg", "/runs", "/audit", "/audit/export"]  # fmt: skip
API = ["/api/search?q=term", "/api/documents/1", "/api/documents/1/pages/1/thumbnail",
       "/api/documents/1/pages/1/image", "/api/documents/1/original"]  # fmt: skip
DOCUMENT_ROUTES = ["/documents/{}", "/api/documents/{}", "/api/documents/{}/pages/1/thumbnail",
                   "/api/documents/{}/pages/1/image", "/api/documents/{}/original"]  # fmt: skip


def test_without_a_session_pages_redirect_to_sign_in_and_the_api_answers_401(client):
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/signin?next=%2F"), path
    assert client.get("/search?q=term").headers["location"] == "/signin?next=%2Fsearch%3Fq%3Dterm"
    for path in API:
        assert client.get(path).status_code == 401, path
    for open_path in ("/healthz", "/signin", "/static/app.css", "/static/viewer.js"):
        assert client.get(open_path).status_code == 200, open_path
    for form in ("/signout", "/runs/documents/1/retry"):
        assert client.post(form).status_code == 303


def test_another_matters_document_is_404_everywhere_like_a_missing_one(client, corpus, sign_in):
    sign_in(client, "alice")
    theirs = corpus.ids[("beta", "nda-0077.pdf")]
    for route in DOCUMENT_ROUTES:
        assert client.get(route.format(theirs)).status_code == 404, route
        assert client.get(route.format(999_999)).status_code == 404, route
    same_bytes_other_matter = corpus.ids[("beta", "nda-0021.pdf")]
    assert client.get(f"/documents/{same_bytes_other_matter}").status_code == 404
    mine = corpus.ids[("alpha", "nda-0021.pdf")]
    assert client.get(f"/documents/{mine}").status_code == 200


def test_an_analyst_opens_no_client_document_and_no_search(client, corpus, sign_in):
    sign_in(client, "ann")
    for route in DOCUMENT_ROUTES:
        assert client.get(route.format(corpus.ids[("alpha", "sow-0023.pdf")])).status_code == 404, route
    assert client.get("/search").status_code == 403
    assert client.get("/api/search", params={"q": "term"}).status_code == 403
    for path in ("/runs", "/audit", "/audit/export"):
        assert client.get(path).status_code == 403, path
    assert client.get("/reports").status_code == 200


def test_a_lawyer_opens_no_reports_runs_or_audit(client, corpus, sign_in):
    sign_in(client, "alice")
    run = corpus.eval_runs["rules"][-1]
    for path in ("/reports", f"/reports/{run}/report.html", f"/reports/{run}/outcomes/0/page.jpg", "/runs",
                 "/audit", "/audit/export?format=csv"):  # fmt: skip
        response = client.get(path)
        assert response.status_code == 403, path
        assert "Extraction accuracy" not in response.text
    denied = client.get("/reports")
    assert "lawyers do not open the reports pages" in denied.text and "<nav" in denied.text


def test_forms_without_the_sessions_csrf_secret_are_refused(client, corpus, sign_in, csrf_of):
    form = client.get("/signin")
    token = corpus.tokens["root"]
    assert client.post("/signin", data={"token": token}).status_code == 403
    assert client.post("/signin", data={"token": token, "csrf": "guess"}).status_code == 403
    bare = TestClient(client.app, follow_redirects=False)  # the form's secret, but not its cookie
    assert bare.post("/signin", data={"token": token, "csrf": csrf_of(form.text)}).status_code == 403
    sign_in(client, "root")
    retry = f"/runs/documents/{corpus.failed_document}/retry"
    assert client.post(retry).status_code == 403
    assert client.post(retry, data={"csrf": "guess"}).status_code == 403
    assert client.post("/signout").status_code == 403
    assert client.get("/runs").status_code == 200  # still signed in
    # A secret from another session is no good either.
    other = TestClient(client.app, follow_redirects=False)
    sign_in(other, "root")
    assert client.post(retry, data={"csrf": csrf_of(other.get("/runs").text)}).status_code == 403


def test_failed_sign_ins_are_rate_limited_per_client(client, corpus, csrf_of):
    secret = csrf_of(client.get("/signin").text)
    for _ in range(5):
        response = client.post("/signin", data={"token": "abc.wrong", "csrf": secret})
        assert response.status_code == 401 and "not valid" in response.text
    blocked = client.post("/signin", data={"token": corpus.tokens["alice"], "csrf": secret})
    assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) >= 1


def test_a_revoked_token_ends_its_sessions_and_a_tampered_cookie_is_refused(client, corpus, sign_in):
    sign_in(client, "alice")
    cookie = client.cookies.get("abstractor_session")
    assert cookie is not None
    client.cookies.clear()
    client.cookies.set("abstractor_session", cookie[:-2] + ("AA" if not cookie.endswith("AA") else "BB"))
    assert client.get("/search").status_code == 303
    client.cookies.clear()
    client.cookies.set("abstractor_session", cookie)
    assert client.get("/search").status_code == 200
    db = open_database(Settings().resolved_database_url)
    revoke_token(db, corpus.tokens["alice"].split(".")[0])
    db.dispose()
    assert client.get("/search").status_code == 303


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil.example", "search"])
def test_sign_in_never_redirects_off_the_site(client, corpus, csrf_of, target):
    secret = csrf_of(client.get("/signin", params={"next": target}).text)
    response = client.post("/signin", data={"token": corpus.tokens["alice"], "csrf": secret, "next": target})
    assert response.status_code == 303 and response.headers["location"] == "/"


def test_over_https_the_cookies_are_secure(corpus, csrf_of):
    with TestClient(create_app(Settings()), base_url="https://testserver", follow_redirects=False) as client:
        form = client.get("/signin")
        assert "secure" in form.headers["set-cookie"].lower()
        response = client.post("/signin", data={"token": corpus.tokens["alice"], "csrf": csrf_of(form.text)})
        session = next(
            c for c in response.headers.get_list("set-cookie") if c.startswith("abstractor_session")
        )
        assert "secure" in session.lower()


def test_security_headers_on_every_response(client, corpus, sign_in):
    paths = ["/healthz", "/signin", "/static/app.css", "/search", "/api/search?q=x", "/no-such-page"]
    anonymous = [client.get(path) for path in paths]
    sign_in(client, "ann")
    run = corpus.eval_runs["rules"][-1]
    signed_in = [
        client.get("/reports"),
        client.get(f"/reports/{run}/outcomes/0/page.jpg"),
        client.get("/runs"),
    ]
    for response in anonymous + signed_in:
        headers = response.headers
        csp = headers["content-security-policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"
        assert headers["x-frame-options"] == "DENY"
    assert signed_in[0].headers["cache-control"] == "no-store"
    assert "cache-control" not in anonymous[2].headers  # static assets may be cached
    report = client.get(f"/reports/{run}/report.html")
    csp = report.headers["content-security-policy"]
    # Only the stored report may use inline styles: no scripts at all, sandboxed, framed by us only.
    assert "style-src 'unsafe-inline'" in csp and "sandbox" in csp and "script-src" not in csp
    assert "frame-ancestors 'self'" in csp and "x-frame-options" not in report.headers
    assert report.headers["x-content-type-options"] == "nosniff"


def test_pages_have_no_inline_scripts_or_styles(client, corpus, sign_in):
    sign_in(client, "root")
    sow = corpus.ids[("alpha", "sow-0023.pdf")]
    pages = ["/search?q=agreement", f"/documents/{sow}", "/reports", "/runs", "/audit"]
    for path in pages:
        text = client.get(path).text
        assert "<style" not in text and " style=" not in text, path
        for script in text.split("<script")[1:]:
            assert script.lstrip().startswith('src="/static/'), path
        assert "http://" not in text.replace("http://www.w3.org/2000/svg", ""), path  # nothing from elsewhere
