"""The query-set format: what the loader accepts, what it refuses, and the hash it records."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from goldset.queries import QUERIES_FILE, load_queries, page_item, queries_hash, queries_path

GOOD = {
    "id": "dev-audit-1",
    "split": "dev",
    "text": "can they inspect our books?",
    "category": "audit_rights",
    "relevant": [
        {"document": "a.pdf", "grade": 1, "pages": [{"page": 3, "grade": 2}, {"page": 4, "grade": 1}]},
        {"document": "b.pdf", "grade": 2},
    ],
}
UNANSWERABLE = {"id": "test-none-1", "split": "test", "text": "maritime salvage rights", "relevant": []}


def _write(tmp_path: Path, *lines: object) -> Path:
    path = tmp_path / QUERIES_FILE
    path.write_text(
        "".join((x if isinstance(x, str) else json.dumps(x)) + "\n" for x in lines), encoding="utf-8"
    )
    return path


def test_a_set_loads_skipping_blank_and_comment_lines_and_filters_by_split(tmp_path) -> None:
    path = _write(tmp_path, "# a comment", GOOD, "", "   ", UNANSWERABLE)
    queries = load_queries(path)
    assert [q.id for q in queries] == ["dev-audit-1", "test-none-1"]
    assert [q.id for q in load_queries(path, "test")] == ["test-none-1"]
    good, none = queries
    assert good.answerable and not none.answerable and none.category is None
    assert good.document_grades() == {"a.pdf": 1, "b.pdf": 2}
    assert good.page_grades() == {"a.pdf#3": 2, "a.pdf#4": 1}
    assert page_item("a.pdf", 3) == "a.pdf#3"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda q: q.pop("relevant"), "relevant"),  # [] means unanswerable: leaving it out must fail
        (lambda q: q.update(split="train"), "split"),
        (lambda q: q.update(extra=1), "extra"),
        (lambda q: q.update(text=""), "text"),
        (lambda q: q["relevant"][1].update(grade=0), "grade"),
        (lambda q: q["relevant"][0]["pages"][0].update(page=0), "page"),
        (lambda q: q["relevant"][1].update(document="a.pdf"), "a document is listed more than once"),
        (lambda q: q["relevant"][0]["pages"][1].update(page=3), "a page is listed more than once"),
    ],
)
def test_a_bad_line_is_refused_naming_its_line(tmp_path, change, message) -> None:
    bad = json.loads(json.dumps(GOOD))
    change(bad)
    path = _write(tmp_path, UNANSWERABLE, bad)
    with pytest.raises(ValueError, match=message) as error:
        load_queries(path)
    assert f"{QUERIES_FILE}:2:" in str(error.value)


def test_a_repeated_id_is_refused(tmp_path) -> None:
    path = _write(tmp_path, GOOD, UNANSWERABLE, {**UNANSWERABLE, "text": "other"})
    with pytest.raises(ValueError, match=r":3: query id 'test-none-1' is used twice"):
        load_queries(path)


def test_a_line_that_is_not_json_is_refused(tmp_path) -> None:
    with pytest.raises(ValueError, match=":1:"):
        load_queries(_write(tmp_path, "{not json"))


def test_queries_path_is_none_without_a_query_set(tmp_path) -> None:
    assert queries_path(tmp_path) is None
    path = _write(tmp_path, GOOD)
    assert queries_path(tmp_path) == path


def test_the_hash_is_the_bytes_sha256_and_follows_any_change(tmp_path) -> None:
    path = _write(tmp_path, GOOD)
    first = queries_hash(path)
    assert first == hashlib.sha256(path.read_bytes()).hexdigest()
    _write(tmp_path, GOOD, "# a new comment")
    assert queries_hash(path) != first
