"""One conformance suite, run against both index backends (qdrant-edge embedded, qdrant-client server)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from retrieval.index import PAGE, PASSAGE, IndexFilter, PageIndex, PageQuery
from retrieval.index.base import SparseVector

MakeIndex = Callable[[], PageIndex]
ALL = ["m1", "m2"]

Corpus = Any  # the conftest fixture's class: pytest's importlib mode cannot import conftest


def docs_of(index: PageIndex, flt: IndexFilter, query: PageQuery | None = None) -> set[str]:
    query = query or PageQuery(sparse_text=SparseVector(indices=[7], values=[1.0]))  # term 7 is on every page
    return {hit.document_id for hits in index.search(query, 50, flt).values() for hit in hits}


def test_upsert_overwrites_by_deterministic_id(make_index: MakeIndex, corpus: type[Corpus]) -> None:
    index = make_index()
    index.upsert(corpus.build(seed=1))
    index.upsert(corpus.build(seed=2))  # same ids (matter, sha256, page, passage), new vectors
    assert index.count() == len(corpus.build()) == 2 * 2 * len(corpus.DOCS)
    assert (
        index.count(PAGE) == index.count(PASSAGE) == 2 * len(corpus.DOCS)
    )  # a page point and a passage each
    hits = index.search(PageQuery(sparse_text=corpus.sparse([7])), 50, IndexFilter(matters=ALL))["sparse"]
    assert len({hit.point_id for hit in hits}) == len(hits) == 2 * len(corpus.DOCS)  # passages only


def test_matter_acl_is_always_applied(make_index: MakeIndex, corpus: type[Corpus]) -> None:
    index = make_index()
    index.upsert(corpus.build())
    assert docs_of(index, IndexFilter(matters=["m1"])) == {"doc-a", "doc-b"}
    assert docs_of(index, IndexFilter(matters=["m3"])) == set()
    assert index.search(PageQuery(sparse_text=corpus.sparse([7])), 10, IndexFilter(matters=[])) == {
        "sparse": []
    }
    assert index.facet("clauses_present", IndexFilter(matters=[]), 10) == {}


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
    hits = index.search(PageQuery(sparse_text=corpus.sparse([1002])), 3, IndexFilter(matters=ALL))
    assert list(hits) == ["sparse"]
    assert (hits["sparse"][0].document_id, hits["sparse"][0].page) == ("doc-c", 1)
    both = PageQuery(dense_text=points[4].dense_text, sparse_text=corpus.sparse([1002]))
    hits = index.search(both, 3, IndexFilter(matters=ALL))
    assert hits["dense"][0].point_id == hits["sparse"][0].point_id == points[4].id  # doc-c page 1
    assert hits["dense"][0].score == pytest.approx(1.0, abs=1e-5)  # cosine of a vector with itself
    assert hits["dense"][0].payload["text"] == corpus.TEXTS[1]
    visual = PageQuery(multivector=corpus.unit(np.random.default_rng(1), 4, 128))
    assert index.search(visual, 5, IndexFilter(matters=ALL)) == {"visual": []}


def test_each_channel_ranks_its_own_kind_of_point(make_index: MakeIndex, corpus: type[Corpus]) -> None:
    index = make_index()
    points = corpus.build()
    index.upsert(points)
    page, passage = points[4], points[5]  # doc-b page 1: its page point and its passage
    query = PageQuery(
        multivector=page.multivector[:6], sparse_text=corpus.sparse([1001]), dense_text=passage.dense_text
    )
    hits = index.search(query, 5, IndexFilter(matters=ALL))
    assert list(hits) == ["visual", "dense", "sparse"]
    assert hits["visual"][0].point_id == page.id
    assert hits["dense"][0].point_id == hits["sparse"][0].point_id == passage.id
    assert {hit.payload["kind"] for hit in hits["visual"]} == {"page"}
    assert {hit.payload["kind"] for name in ("dense", "sparse") for hit in hits[name]} == {"passage"}


@pytest.mark.parametrize(
    ("phrase", "pages"),
    [
        ("terminate this agreement", {1}),
        ("Agreement   FOR convenience", {1}),  # case and spacing aside
        ("convenience of the parties", {2}),
        ("terminate convenience", set()),  # the words, but not as a phrase
    ],
)
def test_phrases_narrow_the_text_channels(
    make_index: MakeIndex, corpus: type[Corpus], phrase: str, pages: set[int]
) -> None:
    index = make_index()
    index.upsert(corpus.build())
    flt = IndexFilter(matters=ALL, phrases=[" ".join(phrase.split())])
    hits = index.search(PageQuery(sparse_text=corpus.sparse([7])), 50, flt)["sparse"]
    assert {hit.page for hit in hits} == pages
    assert len(hits) == len(pages) * len(corpus.DOCS)


def test_facets_count_documents_not_points(make_index: MakeIndex, corpus: type[Corpus]) -> None:
    index = make_index()
    index.upsert(corpus.build())
    assert index.facet("clauses_present", IndexFilter(matters=ALL), 50) == {
        "termination_for_convenience": 2,
        "anti_assignment": 1,
    }
    assert index.facet("clauses_present", IndexFilter(matters=["m1"]), 50) == {
        "termination_for_convenience": 1
    }
    narrowed = IndexFilter(matters=ALL, contract_type="nda", clauses_absent=["anti_assignment"])
    assert index.facet("clauses_present", narrowed, 50) == {"termination_for_convenience": 1}


def test_maxsim_scores_equal_numpy(make_index: MakeIndex, corpus: type[Corpus]) -> None:
    index = make_index()
    points = [p for p in corpus.build() if p.multivector is not None]
    index.upsert(corpus.build())
    query = corpus.unit(np.random.default_rng(3), 7, 128)  # (query_tokens, dim)
    hits = index.search(PageQuery(multivector=query), len(points), IndexFilter(matters=ALL))["visual"]
    expected = {p.id: corpus.maxsim(query, p.multivector) for p in points}
    assert len(hits) == len(points)
    for hit in hits:
        assert hit.score == pytest.approx(expected[hit.point_id], abs=1e-5)
    assert [h.point_id for h in hits] == sorted(expected, key=expected.__getitem__, reverse=True)
