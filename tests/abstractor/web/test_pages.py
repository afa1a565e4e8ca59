"""The web pages through TestClient: what each role sees, and that the pages use the same data as the API."""

from __future__ import annotations

import csv
import io
import json

from sqlalchemy import select

from abstractor.settings import Settings
from goldset.labels import load_goldset
from goldset.score import Prediction, score
from goldset.sets import NAMED
from storage.db import AuditEntry, Document, EvalRun, open_database


def _audit(actor: str | None = None) -> list[AuditEntry]:
    db = open_database(Settings().resolved_database_url)
    try:
        with db.session() as session:
            query = select(AuditEntry).order_by(AuditEntry.id)
            if actor is not None:
                query = query.where(AuditEntry.actor == actor)
            rows = list(session.scalars(query))
            session.expunge_all()
            return rows
    finally:
        db.dispose()


def test_sign_in_sets_a_hardened_session_cookie_and_lands_on_the_roles_first_page(client, corpus, csrf_of):
    form = client.get("/signin")
    assert form.status_code == 200 and 'type="password"' in form.text
    response = client.post(
        "/signin", data={"token": corpus.tokens["alice"], "csrf": csrf_of(form.text), "next": "/"}
    )
    assert response.status_code == 303 and response.headers["location"] == "/"
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith("abstractor_session="))
    flags = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "samesite=lax", "path=/"} <= flags
    assert "secure" not in flags  # plain http here; see the https test in test_security.py
    assert client.get("/").headers["location"] == "/search"
    assert [e.action for e in _audit("alice")] == ["sign_in"]


def test_the_navigation_shows_each_role_only_its_pages(client, sign_in):
    expected = {
        "alice": ["Search"],
        "ann": ["Reports"],
        "root": ["Search", "Reports", "Runs", "Audit log"],
    }
    for user, links in expected.items():
        sign_in(client, user)
        page = client.get(client.get("/").headers["location"]).text
        nav = page.split('<nav aria-label="main">')[1].split("</nav>")[0]
        shown = [label for label in ("Search", "Reports", "Runs", "Audit log") if f">{label}</a>" in nav]
        assert shown == links, user


def _hits(html: str) -> list[str]:
    """The result items of a search page, in order."""
    return [item.split("</li>\n    ")[0] for item in html.split('<li class="hit"')[1:]]


def _titles(html: str) -> list[str]:
    """The file names the results are titled by, in order."""
    return [
        item.split('<h3 class="docname">')[1].split("</h3>")[0].split(">")[1].split("<")[0]
        for item in _hits(html)
    ]


def _api(client, q: str, **params) -> dict:
    response = client.get("/api/search", params={"q": q, **params})
    assert response.status_code == 200, response.text
    return response.json()


def test_search_shows_thumbnails_with_evidence_boxes_from_the_callers_matters_only(client, corpus, sign_in):
    sign_in(client, "alice")
    empty = client.get("/search")
    assert empty.status_code == 200 and "Massachusetts" in empty.text  # a filter choice from the fields
    assert "&#34;quoted words&#34; search a phrase" in empty.text  # the help line under the box
    page = client.get("/search", params={"q": "Horizon Biotech Massachusetts"})
    assert page.status_code == 200
    mine = corpus.ids[("alpha", "nda-0021.pdf")]
    assert f'href="/documents/{mine}?page=1&amp;q=Horizon+Biotech+Massachusetts&amp;box=' in page.text
    assert f'src="/api/documents/{mine}/pages/1/thumbnail"' in page.text
    assert 'viewBox="0 0 1700 2200"' in page.text and '<rect class="box' in page.text
    assert '<rect class="box passage"' in page.text  # the passage that matched, on the thumbnail
    assert "governing law: Massachusetts" in page.text and 'class="chip match"' in page.text
    assert "nda-0077.pdf" not in page.text and "employment-0025.pdf" not in page.text  # beta's
    assert "found by text (no ColPali model loaded)" in page.text
    # The thumbnails load through the API's checked route, with the session cookie.
    thumbnail = client.get(f"/api/documents/{mine}/pages/1/thumbnail")
    assert thumbnail.status_code == 200 and thumbnail.content[:2] == b"\xff\xd8"


def test_search_lists_each_document_once_with_its_best_page_marked_and_its_other_pages(client, sign_in):
    sign_in(client, "root")
    q = "statement of work"
    found = _api(client, q, limit=10)
    page = client.get("/search", params={"q": q})
    items = _hits(page.text)
    # One item per document, in the API's order, titled by the file and linking to the viewer.
    assert [item.split('data-document="')[1].split('"')[0] for item in items] == [
        str(d["document"]) for d in found["documents"]
    ]
    for item, document in zip(items, found["documents"], strict=True):
        title = item.split('<h3 class="docname">')[1].split("</h3>")[0]
        assert f">{document['file']}</a>" in title
        assert f'href="/documents/{document["document"]}?page=' in title
        best, *rest = document["pages"]
        assert f"page {best['page']} · {document['matter']}" in item
        others = item.split('aria-label="other matching pages"')[1] if rest else ""
        assert [f">p. {p['page']}</a>" in others for p in rest] == [True] * len(rest)
    sow = next(d for d in found["documents"] if d["file"] == "sow-0023.pdf")
    assert len(sow["pages"]) == 2  # both pages match: the second is a link under the first
    sow_item = items[found["documents"].index(sow)]
    assert sow_item.count('class="thumb"') == 1 and sow_item.count("<img ") == 1
    second = f'href="/documents/{sow["document"]}?page={sow["pages"][1]["page"]}&amp;q=statement+of+work'
    assert second in sow_item
    # The highlights are <mark>s on exactly the API's spans.
    best = sow["pages"][0]
    marks = [best["snippet"][s:e] for s, e in best["highlights"]]
    assert marks and sow_item.count("<mark>") >= len(marks)
    assert all(f"<mark>{word}</mark>" in sow_item for word in marks)
    assert "<mark>STATEMENT</mark> OF <mark>WORK</mark>" in sow_item  # "of" is a stop word: not marked


def test_search_marks_snippets_safely_and_shows_relevance_only_when_it_is_known(client, sign_in):
    from abstractor.web.pages.search import marked

    html = str(marked('<b>"Terms" & conditions</b>', [[13, 23], [3, 10], [5, 8], [30, 99]]))
    assert html == "&lt;b&gt;<mark>&#34;Terms&#34;</mark> &amp; <mark>conditions</mark>&lt;/b&gt;"
    assert str(marked("plain", [])) == "plain"
    sign_in(client, "root")
    q = 'agreement <script>alert("x")</script>'
    page = client.get("/search", params={"q": q})
    assert page.status_code == 200 and "<script>alert" not in page.text and "&lt;script&gt;" in page.text
    found = _api(client, "agreement", limit=10)
    items = _hits(client.get("/search", params={"q": "agreement"}).text)
    for item, document in zip(items, found["documents"], strict=True):
        shown = 'class="relevance" title="calibrated probability that this contract answers the question"'
        if document["relevance"] is None:  # unknown: no number at all
            assert 'class="relevance"' not in item and "%</span>" not in item
        else:
            assert f"{shown}>{round(document['relevance'] * 100)}%</span>" in item
    notice = "No page answers this well; closest:" in client.get("/search", params={"q": "agreement"}).text
    assert notice == (found["answered"] is False)


def test_search_filters_are_the_where_clauses_of_the_cli(client, corpus, sign_in):
    sign_in(client, "root")
    colorado = client.get("/search", params={"q": "agreement", "governing_law": "Colorado"})
    assert "sow-0023.pdf" in colorado.text and "nda-0021.pdf" not in colorado.text
    typed = client.get("/search", params={"q": "agreement", "contract_type": "employment"})
    assert "employment-0025.pdf" in typed.text and "sow-0023.pdf" not in typed.text
    valued = client.get("/search", params={"q": "agreement", "value_min": "100000", "value_max": "200000"})
    assert "sow-0023.pdf" in valued.text and "nda-0077.pdf" not in valued.text
    bad = client.get("/search", params={"q": "agreement", "effective_from": "yesterday"})
    assert bad.status_code == 400 and "is not a date" in bad.text
    # A where clause in the address (a link from the viewer or the facets) fills the form's field again.
    linked = client.get("/search", params={"q": "agreement", "where": "governing_law=Colorado"})
    assert "sow-0023.pdf" in linked.text and "nda-0021.pdf" not in linked.text
    assert "<option selected>Colorado</option>" in linked.text and "Also narrowed by" not in linked.text
    loose, phrase = (
        client.get("/search", params={"q": q}).text for q in ("statement of work", '"statement of work"')
    )
    assert len(_titles(loose)) > 1 and _titles(phrase) == ["sow-0023.pdf"]


def test_search_pages_through_results_keeping_the_filters(client, sign_in):
    sign_in(client, "root")
    first = client.get("/search", params={"q": "agreement party term", "matter": "ignored"})
    assert first.status_code == 200
    # Five documents in the corpus: everything fits on the first page, so there is no next page.
    assert 'rel="next"' not in first.text
    second = client.get(
        "/search", params={"q": "agreement party term", "governing_law": "Colorado", "page": 2}
    )
    assert second.status_code == 200 and 'rel="prev"' in second.text
    previous = second.text.split('rel="prev"')[0].rsplit("href=", 1)[1]
    assert previous == '"/search?q=agreement+party+term&amp;where=governing_law=Colorado" '
    assert client.get("/search", params={"q": "x", "page": 11}).status_code == 422  # beyond MAX_LIMIT


def test_the_clause_facets_count_documents_and_their_links_narrow_the_search(stored_clauses, client, sign_in):
    sign_in(client, "root")
    page = client.get("/search", params={"q": "agreement"})
    facets = page.text.split('<aside class="facets" aria-label="clauses">')[1].split("</aside>")[0]
    assert '>Anti-Assignment</a> <span class="count">1</span>' in facets
    assert '>Termination For Convenience</a> <span class="count">1</span>' in facets
    assert facets.count("<li") == 2  # only clauses some document has
    link = facets.split('href="')[1].split('"')[0].replace("&amp;", "&")
    assert link == "/search?q=agreement&where=clause.anti_assignment=true"
    narrowed = client.get(link)
    assert [i.split('data-document="')[1].split('"')[0] for i in _hits(narrowed.text)] == [
        str(stored_clauses[("beta", "nda-0077.pdf")])
    ]
    # The clause is a filter now: the form shows it, and its facet link takes it off again.
    assert '<option value="anti_assignment" selected>' in narrowed.text
    active = narrowed.text.split('<aside class="facets"')[1].split("</aside>")[0]
    assert '<li class="active"><a href="/search?q=agreement" aria-current="true"' in active
    # A second clause from the facets is shown apart, with a way to remove it, and kept by the form.
    both = client.get(link + "&where=clause.termination_for_convenience=true")
    assert _hits(both.text) == [] and "Also narrowed by" in both.text
    assert '<input type="hidden" name="where" value="clause.termination_for_convenience=true">' in both.text
    sign_in(client, "alice")  # alpha only: beta's anti-assignment is not counted
    mine = client.get("/search", params={"q": "agreement"}).text.split('<aside class="facets"')[1]
    assert "Termination For Convenience" in mine.split("</aside>")[0]
    assert "Anti-Assignment" not in mine.split("</aside>")[0]


def test_document_page_shows_the_viewer_the_fields_and_their_evidence_links(client, corpus, sign_in):
    sign_in(client, "alice")
    sow = corpus.ids[("alpha", "sow-0023.pdf")]
    page = client.get(f"/documents/{sow}", params={"page": 1})
    assert page.status_code == 200
    text = page.text
    assert f'src="/api/documents/{sow}/pages/1/image"' in text
    assert f'href="/documents/{sow}?page=2" rel="next"' in text
    assert f'href="/api/documents/{sow}/original" download' in text
    assert "alpha" in text and "/sow-0023.pdf" in text  # the matter and the source
    # Every field: value, confidence, model, and a link to its box on its page.
    assert "170,000.00 USD" in text and "<code>rules-" in text
    assert f'href="/documents/{sow}?page=1#box-contract_value-0"' in text
    assert 'id="box-contract_value-0"' in text
    # A field with no value says so, and shows no number that would read as a value's confidence.
    empty_rows = [row for row in text.split("<tr") if "not-found" in row]
    assert empty_rows and all('class="num muted"' in row and ">—<" in row for row in empty_rows)
    assert all("0." not in row.split("not found")[1].split("<code>")[0] for row in empty_rows)
    assert client.get(f"/documents/{sow}", params={"page": 3}).status_code == 404
    original = client.get(f"/api/documents/{sow}/original")
    assert original.status_code == 200 and original.content[:4] == b"%PDF"
    views = [(e.action, e.document_id, e.outcome) for e in _audit("alice") if e.document_id == sow]
    assert ("view", sow, "ok") in views and ("download", sow, "ok") in views


def test_the_viewer_opened_from_a_result_boxes_the_passage_and_leads_back(client, corpus, sign_in):
    sign_in(client, "alice")
    q = "Horizon Biotech Massachusetts"
    hit = _api(client, q)["documents"][0]
    best = hit["pages"][0]
    results = client.get("/search", params={"q": q, "governing_law": "Massachusetts"}).text
    href = results.split('<h3 class="docname"><a href="')[1].split('"')[0].replace("&amp;", "&")
    boxes = "".join(f"&box={left},{top},{right},{bottom}" for left, top, right, bottom in best["boxes"])
    assert href == (
        f"/documents/{hit['document']}?page={best['page']}&q=Horizon+Biotech+Massachusetts"
        f"&where=governing_law=Massachusetts{boxes}"
    )
    viewer = client.get(href)
    assert viewer.status_code == 200
    drawn = viewer.text.split('<svg class="boxes"')[1].split("</svg>")[0]
    expected = [
        f'<rect class="box passage" x="{left}" y="{top}" width="{right - left}" height="{bottom - top}">'
        for left, top, right, bottom in best["boxes"]
    ]
    passages = [line.strip().removesuffix("</rect>") for line in drawn.splitlines() if "passage" in line]
    assert passages == expected
    back = (
        '<a class="back" href="/search?q=Horizon+Biotech+Massachusetts&amp;where=governing_law=Massachusetts'
    )
    assert back in viewer.text and "← back to results" in viewer.text
    # A made-up box is not drawn; without a search there is no way back and nothing boxed.
    made_up = [("q", "x"), ("box", "9,9,1,1"), ("box", "a,b"), ("box", "1,2,3")]
    crafted = client.get(f"/documents/{hit['document']}", params=made_up)
    assert crafted.status_code == 200 and 'class="box passage"' not in crafted.text
    plain = client.get(f"/documents/{hit['document']}").text
    assert "back to results" not in plain and 'class="box passage"' not in plain
    views = [(e.action, e.detail) for e in _audit("alice") if e.action == "view"]
    assert ("view", {"page": 1, "q": q}) in views  # the question that led to the page is audited


def test_reports_show_the_latest_run_trend_calibration_cost_comparison_and_wrong_answers(
    client, corpus, sign_in
):
    sign_in(client, "ann")
    page = client.get("/reports")
    assert page.status_code == 200
    latest = corpus.eval_runs["rules"][-1]
    text = page.text
    assert f'<option value="{latest}" selected>' in text
    assert "F1 per field" in text and "F1 over nights" in text  # server-rendered SVG charts
    assert text.count("<svg") >= 4 and "Reliability" in text and "escalation threshold" in text
    assert "95% bootstrap interval" in text and "n=" in text  # bars with intervals, bins with counts
    # The trend: micro F1 alone, each field's own chart behind the picker (the weakest field shown).
    trends = text.count('class="chart field-trend"')
    assert trends > 10 and text.count('class="chart field-trend" data-field=') - trends == 0
    assert text.count(" hidden>") >= trends - 1 and '<script src="/static/reports.js" defer>' in text
    assert client.get("/static/reports.js").status_code == 200
    confusion = text.split('<table class="fields confusion">')[1].split("</table>")[0]
    assert 'class="num hit"' in confusion and "label \\ predicted" in confusion
    assert "per 1,000 pages" in text and "$1.00 (measured)" in text  # 2 pages a document at $0.002
    # A run whose model had no price says so, and which model: never $0.
    unpriced = client.get("/reports", params={"run": corpus.eval_runs["vlm-small"][0]}).text
    assert "unpriced (no price for: Qwen/Qwen2.5-VL-7B-Instruct-AWQ)" in unpriced and "$0" not in unpriced
    comparison = text.split("Models compared")[1].split("</table>")[0]
    assert "vlm-small" in comparison and "rules" in comparison
    assert f'src="/reports/{latest}/report.html"' in text
    wrong = client.get("/reports", params={"run": corpus.eval_runs["rules"][0], "field": "governing_law"})
    assert wrong.status_code == 200 and "Atlantis" in wrong.text
    first = corpus.eval_runs["rules"][0]
    exported = client.get(f"/reports/{first}/wrong.csv", params={"field": "governing_law"})
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["document", "field", "truth", "predicted"] and len(rows) > 1
    assert all(row[1] == "governing_law" and row[3] == "Atlantis" for row in rows[1:])
    assert f'href="/reports/{first}/wrong.csv?field=governing_law"' in wrong.text
    image = wrong.text.split('class="golden" src="')[1].split('"')[0]
    thumbnail = client.get(image)
    assert thumbnail.status_code == 200 and thumbnail.content[:2] == b"\xff\xd8"
    report = client.get(f"/reports/{latest}/report.html")
    assert report.status_code == 200 and "Extraction accuracy" in report.text
    assert client.get("/reports", params={"run": 9999}).status_code == 404
    assert client.get(f"/reports/{latest}/outcomes/9999/page.jpg").status_code == 404


def test_runs_page_lists_runs_and_failed_documents_and_marks_one_for_retry(client, corpus, sign_in, csrf_of):
    sign_in(client, "root")
    page = client.get("/runs")
    assert page.status_code == 200
    assert "locked.pdf" in page.text and "the PDF is password-protected" in page.text
    assert "partial" in page.text and ">ok<" in page.text
    # The accuracy runs too, newest first, each with its headline and a link to its report.
    accuracy = page.text.split("<h2>Accuracy runs</h2>")[1].split("</table>")[0]
    nights = [run for engine in ("rules", "vlm-small") for run in corpus.eval_runs[engine]]
    links = [f'href="/reports/{run}/report.html"' for run in sorted(nights, reverse=True)]
    assert all(link in accuracy for link in links)
    assert [accuracy.index(link) for link in links] == sorted(accuracy.index(link) for link in links)
    assert "micro F1 0." in accuracy and "baseline" in accuracy
    response = client.post(
        f"/runs/documents/{corpus.failed_document}/retry", data={"csrf": csrf_of(page.text)}
    )
    assert response.status_code == 303
    db = open_database(Settings().resolved_database_url)
    with db.session() as session:
        assert session.get_one(Document, corpus.failed_document).retry_requested is True
    db.dispose()
    assert "marked for the next run" in client.get("/runs").text
    assert ("retry_request", corpus.failed_document) in [(e.action, e.document_id) for e in _audit("root")]
    done = corpus.ids[("alpha", "sow-0023.pdf")]  # not failed: nothing to retry
    again = client.post(f"/runs/documents/{done}/retry", data={"csrf": csrf_of(page.text)})
    assert again.status_code == 404


def test_audit_page_filters_and_exports(client, corpus, sign_in):
    sign_in(client, "alice")
    client.get(f"/documents/{corpus.ids[('alpha', 'sow-0023.pdf')]}")
    client.get("/search", params={"q": "term"})
    sign_in(client, "root")
    page = client.get("/audit", params={"actor": "alice", "action": "view"})
    assert page.status_code == 200
    rows = page.text.split("<tbody>")[1].split("</tbody>")[0]
    assert rows.count("<tr>") == 1 and ">view<" in rows and ">search<" not in rows
    assert client.get("/audit", params={"since": "2999-01-01"}).text.count("Nothing matches") == 1
    assert client.get("/audit", params={"since": "soon"}).status_code == 400
    exported = client.get("/audit/export", params={"format": "csv", "actor": "alice"})
    assert exported.status_code == 200 and "attachment" in exported.headers["content-disposition"]
    table = list(csv.DictReader(io.StringIO(exported.text)))
    assert {row["actor"] for row in table} == {"alice"}
    assert [row["action"] for row in table] == ["sign_in", "view", "search"]  # oldest first, like the CLI
    lines = client.get("/audit/export", params={"format": "jsonl"}).text.splitlines()
    assert {"actor", "action", "detail", "at"} <= set(json.loads(lines[0]))
    assert _audit("root")[-1].action == "audit_export"


def test_sign_out_ends_the_session_even_for_a_kept_cookie(client, sign_in, csrf_of):
    sign_in(client, "alice")
    kept = client.cookies.get("abstractor_session")
    page = client.get("/search")
    response = client.post("/signout", data={"csrf": csrf_of(page.text)})
    assert response.status_code == 303 and response.headers["location"] == "/signin"
    assert client.get("/search").headers["location"].startswith("/signin")
    client.cookies.clear()
    client.cookies.set("abstractor_session", kept)  # a copy of the cookie taken before signing out
    assert client.get("/search").status_code == 303
    assert client.get("/api/documents/1").status_code == 401


def test_pages_accept_a_bearer_token_too(client, corpus):
    headers = {"Authorization": f"Bearer {corpus.tokens['root']}"}
    assert client.get("/runs", headers=headers).status_code == 200
    assert client.get("/search", params={"q": "term"}, headers=headers).status_code == 200


def test_document_page_lists_clauses_present_with_their_boxes_then_absent_and_unread(
    stored_clauses, client, sign_in
):
    sign_in(client, "alice")
    sow = stored_clauses[("alpha", "sow-0023.pdf")]
    text = client.get(f"/documents/{sow}", params={"page": 1}).text
    clauses = text.split("<h2>Clauses</h2>")[1].split("</aside>")[0]
    anchor = "box-clauses.termination_for_convenience-0"
    assert "Termination For Convenience" in clauses and "Either party may terminate this Agreement" in clauses
    assert f'href="/documents/{sow}?page=1#{anchor}"' in clauses
    assert f'id="{anchor}"' in text and 'x="100" y="200" width="800" height="120"' in text  # drawn on page 1
    assert "<strong>Absent (1):</strong> Anti-Assignment" in clauses
    assert "Not read: 31 of 33 clauses" in clauses
    assert "clauses." not in text.split("<h2>Clauses</h2>")[0].split("<h2>Extracted fields</h2>")[1]
    assert f'id="{anchor}"' not in client.get(f"/documents/{sow}", params={"page": 2}).text


def test_search_filters_on_one_clause_present_or_absent(stored_clauses, client, sign_in):
    sign_in(client, "root")
    form = client.get("/search").text.split('<select id="clause" name="clause">')[1].split("</select>")[0]
    assert form.count("<option") == 1 + 33 and '<option value="change_of_control">Change Of Control' in form
    present = client.get("/search", params={"q": "agreement", "clause": "termination_for_convenience"})
    assert present.status_code == 200
    assert "sow-0023.pdf" in present.text and "nda-0077.pdf" not in present.text
    assert "Termination For Convenience: present" in present.text  # its box on the hit's page
    absent = client.get(
        "/search", params={"q": "agreement", "clause": "termination_for_convenience", "clause_is": "absent"}
    )
    assert "nda-0077.pdf" in absent.text and "sow-0023.pdf" not in absent.text
    bad = client.get("/search", params={"q": "agreement", "clause": "termination"})
    assert bad.status_code == 400 and "no such clause" in bad.text


def test_reports_show_each_golden_set_with_its_own_trend_and_the_clause_table(client, corpus, sign_in):
    gold = load_goldset(NAMED["cuad"], split="dev")[:12]
    metrics = score({g.document: Prediction(fields=g.fields) for g in gold}, gold, engine="rules")
    metrics.goldset, metrics.variant, metrics.goldset_hash = "cuad", "scanned", "1" * 64
    db = open_database(Settings().resolved_database_url)
    with db.session() as session:
        run = EvalRun(
            engine="rules",
            engine_version="rules-1",
            split="test",
            goldset="cuad",
            variant="scanned",
            goldset_hash=metrics.goldset_hash,
            documents=metrics.documents,
            micro_f1=metrics.micro_f1,
            macro_f1=metrics.macro_f1,
            clause_macro_f1=metrics.clause_macro_f1,
            metrics=metrics.model_dump(mode="json"),
        )
        session.add(run)
        session.flush()
        cuad_run = run.id
    db.dispose()
    sign_in(client, "ann")
    text = client.get("/reports", params={"run": cuad_run}).text
    overview = text.split("<h2>Golden sets</h2>")[1].split("</table>")[0]
    assert "<td>cuad</td>" in overview and "<td>synthetic</td>" in overview
    synthetic_run = corpus.eval_runs["rules"][-1]
    assert f'href="/reports?run={cuad_run}"' in overview
    assert f'href="/reports?run={synthetic_run}"' in overview
    assert "golden set <strong>cuad</strong>" in text
    clauses = text.split('id="clauses"')[1].split("</table>")[0]
    assert "Anti-Assignment" in clauses and "1.000" in clauses  # the labels scored as answers: all right
    # The cuad run's trend and comparison hold its own set's runs only, not the synthetic set's nights.
    comparison = text.split("Models compared")[1].split("</table>")[0]
    assert "vlm-small" not in comparison and f"#{cuad_run}" in comparison


def test_pages_refuse_non_finite_amounts_and_ids_past_the_databases_integers(client, sign_in):
    sign_in(client, "root")
    huge = 2**63
    bad_amount = client.get("/search", params={"q": "term", "value_min": "nan"})
    assert bad_amount.status_code == 400 and "is not an amount" in bad_amount.text
    for path, params in (
        (f"/documents/{huge}", {}),
        ("/documents/1", {"page": huge}),
        ("/reports", {"run": huge}),
        (f"/reports/{huge}/report.html", {}),
    ):
        assert client.get(path, params=params).status_code == 422, path
