"""The contract table: the reader's matters only, sorted and filtered on the server, exported as CSV/XLSX."""

from __future__ import annotations

import csv
import io
import re

from openpyxl import load_workbook

from abstractor.settings import Settings
from abstractor.web.pages import contracts
from storage.db import open_database
from storage.db.queries import AuditFilter, audit_entries

ROW = re.compile(r'<tr data-document="(\d+)">(.*?)</tr>', re.S)
FILE = re.compile(r'<a href="/documents/\d+">([^<]+)</a>')


def _rows(html: str) -> list[tuple[int, str]]:
    """The table's rows in order: (document id, the row's HTML)."""
    return [(int(number), body) for number, body in ROW.findall(html)]


def _files(html: str) -> list[str]:
    return [found for _, body in _rows(html) for found in FILE.findall(body)[:1]]


def _cell(body: str, field: str) -> str:
    found = re.search(rf'<td data-field="{field}">(.*?)</td>', body, re.S)
    assert found is not None, body
    return found.group(1)


def _csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def test_a_lawyer_sees_every_contract_of_their_matters_and_no_other(client, corpus, sign_in):
    sign_in(client, "alice")  # alpha only
    page = client.get("/contracts")
    assert page.status_code == 200
    shown = {number for number, _ in _rows(page.text)}
    assert shown == {i for (matter, _), i in corpus.ids.items() if matter == "alpha"} | {
        corpus.failed_document
    }
    assert not shown & {i for (matter, _), i in corpus.ids.items() if matter == "beta"}
    # A `matter=` filter narrows the reader's matters, never widens them.
    assert _rows(client.get("/contracts?where=matter=beta").text) == []
    assert len(_csv_rows(client.get("/contracts.csv").text)) == len(shown)


def test_an_empty_field_says_not_found_with_no_confidence(client, corpus, sign_in):
    sign_in(client, "alice")
    rows = dict(_rows(client.get("/contracts").text))
    locked = rows[corpus.failed_document]  # failed before extraction: no field has a value
    assert _cell(locked, "governing_law") == '<span class="muted">not found</span>'
    assert 'title="confidence"' not in locked
    assert '<span class="status failed">failed</span>' in locked


def test_any_column_sorts_both_ways_with_missing_values_last(client, sign_in):
    sign_in(client, "root")
    ascending = _files(client.get("/contracts?sort=file&order=asc").text)
    assert ascending == sorted(ascending, key=str.casefold) and len(ascending) == 6
    descending = _files(client.get("/contracts?sort=file&order=desc").text)
    assert descending == sorted(ascending, key=str.casefold, reverse=True)
    by_date = _rows(client.get("/contracts?sort=effective_date&order=desc").text)
    dates = [_cell(body, "effective_date") for _, body in by_date]
    known = [re.match(r"\d{4}-\d\d-\d\d", d).group(0) for d in dates if "not found" not in d]
    assert known == sorted(known, reverse=True)
    assert all("not found" in d for d in dates[len(known) :])  # the failed document's, at the end


def test_the_headers_link_the_other_order_and_keep_the_filters(client, sign_in):
    sign_in(client, "root")
    page = client.get("/contracts?where=contract_type=nda&sort=file&order=asc").text
    assert 'href="/contracts?where=contract_type=nda&amp;sort=file&amp;order=desc"' in page
    assert 'href="/contracts?where=contract_type=nda&amp;sort=matter&amp;order=asc"' in page
    assert 'aria-sort="ascending"' in page


def test_the_search_filters_narrow_the_table(client, sign_in):
    sign_in(client, "root")
    every = _rows(client.get("/contracts").text)
    ndas = _rows(client.get("/contracts?contract_type=nda").text)
    assert 0 < len(ndas) < len(every)
    assert all(_cell(body, "contract_type").startswith("nda") for _, body in ndas)
    assert {n for n, _ in ndas} == {
        n for n, _ in _rows(client.get("/contracts?where=contract_type=nda").text)
    }
    california = _rows(client.get("/contracts?governing_law=California").text)
    assert [_cell(body, "governing_law").split(" <")[0] for _, body in california] == ["California"]
    # A range holds only for a document that has the value: the unpriced ones are not "at least 0".
    priced = _rows(client.get("/contracts?value_min=0").text)
    assert [_cell(body, "contract_value").split(" <")[0] for _, body in priced] == ["170,000.00 USD"]
    assert _rows(client.get("/contracts?value_min=1000000").text) == []


def test_the_table_is_paged_and_the_pager_keeps_filters_and_order(client, sign_in, monkeypatch):
    monkeypatch.setattr(contracts, "PER_PAGE", 2)
    sign_in(client, "root")
    first = client.get("/contracts?sort=file&order=desc").text
    second = client.get("/contracts?sort=file&order=desc&page=2").text
    assert 'href="/contracts?sort=file&amp;order=desc&amp;page=2" rel="next"' in first
    assert "Contracts 3–4 of 6" in second
    every = _files(client.get("/contracts?sort=file&order=desc&page=1").text) + _files(second)
    assert every == sorted(every, key=str.casefold, reverse=True) and len(every) == 4


def test_a_filter_that_cannot_be_understood_is_a_400_that_says_why(client, sign_in):
    sign_in(client, "root")
    page = client.get("/contracts?effective_from=yesterday")
    assert page.status_code == 400
    assert "is not a date" in page.text
    assert client.get("/contracts.csv?where=colour=red").status_code == 400
    assert client.get("/contracts?sort=colour").status_code == 422


def test_an_exported_value_never_runs_as_a_spreadsheet_formula():
    assert contracts._safe('=HYPERLINK("http://x.example")') == '\'=HYPERLINK("http://x.example")'
    assert contracts._safe("Acme, Inc.") == "Acme, Inc."


def test_csv_and_xlsx_hold_every_admitted_row_in_order_with_confidences(client, sign_in):
    sign_in(client, "root")
    query = "?governing_law=&contract_type=nda&sort=file&order=desc"
    shown = [number for number, _ in _rows(client.get(f"/contracts{query}").text)]
    exported = client.get(f"/contracts.csv{query}")
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    assert "attachment" in exported.headers["content-disposition"]
    rows = _csv_rows(exported.text)
    assert [int(row["document"]) for row in rows] == shown
    assert all(row["contract_type"] == "nda" and row["contract_type_confidence"] for row in rows)

    workbook = client.get(f"/contracts.xlsx{query}")
    assert workbook.status_code == 200
    sheet = load_workbook(io.BytesIO(workbook.content), read_only=True).active
    header, *values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert header == list(rows[0].keys())
    assert [row[0] for row in values] == shown
    assert all(isinstance(row[header.index("contract_type_confidence")], float) for row in values)

    db = open_database(Settings().resolved_database_url)
    try:
        exports = list(audit_entries(db, AuditFilter(actor="root", action="export")))
    finally:
        db.dispose()
    assert [(entry["detail"]["format"], entry["detail"]["rows"]) for entry in exports] == [
        ("xlsx", len(shown)),
        ("csv", len(shown)),
    ]


def test_an_export_holds_every_row_not_one_page(client, sign_in):
    sign_in(client, "root")
    assert len(_csv_rows(client.get("/contracts.csv").text)) == len(_rows(client.get("/contracts").text)) == 6


def test_analysts_open_no_contract_table_and_no_export(client, sign_in):
    sign_in(client, "ann")
    for address in ("/contracts", "/contracts.csv", "/contracts.xlsx"):
        assert client.get(address).status_code == 403, address


def test_the_navigation_links_the_table_for_those_who_may_open_it(client, sign_in):
    for user, shown in (("alice", True), ("root", True), ("ann", False)):
        sign_in(client, user)
        page = client.get("/search" if shown else "/reports").text
        nav = page.split('<nav aria-label="main">')[1].split("</nav>")[0]
        assert ('href="/contracts"' in nav) is shown, user
