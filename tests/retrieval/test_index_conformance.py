"""One conformance suite, run against both index backends (qdrant-edge embedded, qdrant-client server)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from retrieval.index import IndexFilter, PageIndex, PageQuery
from retrieval.index.base import SparseVector

MakeIndex = Callable[[], PageIndex]
ALL = ["m1", "m2"]

Corpus = Any  # the conftest fixture's class: pytest's importlib mode cannot import conftest


def docs_of(index: PageIndex, flt: IndexFilter, query: PageQuery | None = None) -> set[str]:
    query = query or PageQuery(sparse_text=SparseVector(indices=[7], values=[1.0]))  # term 7 is on every page
    return {hit.document_id for hit in index.search(query, limit=50, filter=flt)}


def test_upsert_overwrites_by_deterministic_id(make_index: MakeIndex, corpus: type[Corpus]) -> None:
    index = make_index()
    index.upsert(corpus.build(seed=1))
    index.upsert(corpus.build(seed=2))  # same ids (matter, sha256, page), new vectors
    assert index.count() == 2 * len(corpus.DOCS)
    hits = index.search(PageQuery(sparse_text=corpus.sparse([7])), limit=50, filter=IndexFilter(matters=ALL))
    assert len({hit.point_id for hit in hits}) == len(hits) == 2 * len(corpus.DOCS)


def test_matter_acl_is_always_applied(make_index: MakeIndex, corpus: type[Corpus]) -> None:
    index = make_index()
    index.upsert(corpus.build())
    assert docs_of(index, IndexFilter(matters=["m1"])) == {"doc-a", "doc-b"}
    assert docs_of(index, IndexFilter(matters=["m3"])) == set()
    assert (
        index.search(PageQuery(sparse_text=corpus.sparse([7])), limit=10, filter=IndexFilter(matters=[]))
        == []
    )


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        ({"contract_type": "nda"}, {"doc-a", "doc-c"}),
        ({"party": "Acme Widgets, Inc."}, {"doc-a", "doc-d"}),
        ({"governing_law": "New York"}, {"doc-a", "doc-d"}),
        ({"effective_from": dt.date(2024, 1, 1)}, {"doc-b", "doc-d"}),
        ({"effective_from": dt.date(2023, 1, 15), "effective_to": dt.date(2024, 6, 1)}, {"doc-a", "doc-b"}),
        ({"expires_to": dt.date(2026, 12, 31)}, {"doc-a", "doc-d"}),
        ({"value_min": 10_000.0, "value_max": 300_000.0}, {"doc-a", "doc-b"}),
        ({"value_min": 1_000_000.0}, {"doc-d"}),
        ({"contract_type": "nda", "party": "Globex"}, {"doc-a", "doc-c"}),
        ({"clauses_present": ["termination_for_convenience"]}, {"doc-a", "doc-c"}),
        ({"clauses_absent": ["termination_for_convenience"]}, {"doc-b"}),  # not doc-d: it is unknown there
        ({"clauses_present": ["termination_for_convenience", "anti_assignment"]}, {"doc-c"}),
        (
            {"clauses_present": ["termination_for_convenience"], "clauses_absent": ["anti_assignment"]},
            {"doc-a"},
        ),
        ({"clauses_present": ["anti_assignment"], "contract_type": "supply"}, set()),
    ],
)
def test_filters(make_index: MakeIndex, corpus: type[Corpus], flt: dict, expected: set[str]) -> None:
    index = make_index()
    index.upsert(corpus.build())
    assert docs_of(index, IndexFilter(matters=ALL, **flt)) == expected
    visual = PageQuery(
        multivector=corpus.unit(np.random.default_rng(9), 5, 128)
    )  # the visual path filters too
    assert docs_of(index, IndexFilter(matters=ALL, **flt), visual) == expected


def test_delete_by_id_document_and_matter(make_index: MakeIndex, corpus: type[Corpus]) -> None:
    index = make_index()
    points = corpus.build()
    index.upsert(points)
    index.delete([points[0].id, "00000000-0000-0000-0000-000000000000"])
    assert index.count() == len(points) - 1
    index.delete_where(document_id="doc-b")
    assert docs_of(index, IndexFilter(matters=ALL)) == {"doc-a", "doc-c", "doc-d"}
    index.delete_where(matter="m2")
    assert docs_of(index, IndexFilter(matters=ALL)) == {"doc-a"}
    with pytest.raises(ValueError, match="exactly one"):
        index.delete_where()


def test_text_only_index_and_queries(make_index: MakeIndex, corpus: type[Corpus]) -> None:
    index = make_index()
    points = corpus.build(visual=False)
    index.upsert(points)
    hits = index.search(
        PageQuery(sparse_text=corpus.sparse([1002])), limit=3, filter=IndexFilter(matters=ALL)
    )
    assert (hits[0].document_id, hits[0].page, hits[0].channels) == ("doc-c", 1, ["sparse"])
    dense_query = PageQuery(dense_text=points[4].dense_text, sparse_text=corpus.sparse([1002]))
    hits = index.search(dense_query, limit=3, filter=IndexFilter(matters=ALL))
    assert hits[0].point_id == points[4].id  # doc-c page 1: first in both channels
    assert hits[0].channels == ["dense", "sparse"]
    assert (
        index.search(
            PageQuery(multivector=corpus.unit(np.random.default_rng(1), 4, 128)), 5, IndexFilter(matters=ALL)
        )
        == []
    )


def test_visual_and_text_fusion(make_index: MakeIndex, corpus: type[Corpus]) -> None:
    index = make_index()
    points = corpus.build()
    index.upsert(points)
    target = points[2]  # doc-b page 1: its own words and its own image tokens
    query = PageQuery(
        multivector=target.multivector[:6], sparse_text=corpus.sparse([1001]), dense_text=target.dense_text
    )
    hits = index.search(query, limit=5, filter=IndexFilter(matters=ALL))
    assert hits[0].point_id == target.id
    assert hits[0].channels == ["visual", "dense", "sparse"]
    assert all(hit.score <= hits[0].score for hit in hits)
    assert all(hit.payload["matter"] in ALL for hit in hits)


def test_maxsim_scores_equal_numpy(make_index: MakeIndex, corpus: type[Corpus]) -> None:
    index = make_index()
    points = corpus.build()
    index.upsert(points)
    query = corpus.unit(np.random.default_rng(3), 7, 128)  # (query_tokens, dim)
    hits = index.search(PageQuery(multivector=query), limit=len(points), filter=IndexFilter(matters=ALL))
    expected = {p.id: corpus.maxsim(query, p.multivector) for p in points}
    assert len(hits) == len(points)
    for hit in hits:
        assert hit.score == pytest.approx(expected[hit.point_id], abs=1e-5)
    assert [h.point_id for h in hits] == sorted(expected, key=expected.__getitem__, reverse=True)
