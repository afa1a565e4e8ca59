"""Reciprocal-rank fusion per page, grouping by document, and a total, stable order."""

from __future__ import annotations

from retrieval.fusion import fuse
from retrieval.index import Hit


def hit(document: str, page: int, passage: int | None = None, score: float = 0.5) -> Hit:
    kind = "page" if passage is None else "passage"
    return Hit(
        point_id=f"{document}-{page}-{passage}",
        document_id=document,
        page=page,
        score=score,
        payload={"kind": kind, "text": f"text of {document} p{page} #{passage}"},
    )


def test_a_page_found_by_every_channel_leads_and_says_so() -> None:
    found = fuse(
        {
            "visual": [hit("2", 1), hit("1", 3)],
            "dense": [hit("1", 3, 0, 0.71), hit("1", 3, 1, 0.65), hit("2", 1, 0, 0.4)],
            "sparse": [hit("1", 3, 1, 9.0), hit("2", 2, 0, 4.0)],
        },
        k=60,
    )
    assert [d.document_id for d in found] == ["1", "2"]
    best = found[0].pages[0]
    assert (best.page, best.channels) == (3, ["visual", "dense", "sparse"])
    # page 3's passages: #0 first in dense; #1 second in dense and first in sparse -> #1 agrees most
    assert best.passage is not None and best.passage.point_id == "1-3-1"
    assert best.dense == 0.71 and found[0].dense == 0.71
    assert [p.page for p in found[1].pages] == [1, 2]  # the other matching pages, under their document
    assert found[1].pages[1].dense is None  # found by sparse only


def test_pages_rank_by_their_best_passage_counted_in_pages() -> None:
    # Three passages of page 1 ahead of page 2's: page 2 is still second, not fourth.
    found = fuse({"sparse": [hit("5", 1, 0), hit("5", 1, 1), hit("5", 1, 2), hit("6", 2, 0)]}, k=60)
    scores = {d.document_id: d.score for d in found}
    assert scores == {"5": 1 / 61, "6": 1 / 62}


def test_ties_are_broken_by_document_then_page_whatever_the_input_order() -> None:
    one = {"visual": [hit("10", 2), hit("9", 1)], "sparse": [hit("9", 1, 0), hit("10", 2, 0)]}
    other = {"sparse": [hit("10", 2, 0), hit("9", 1, 0)], "visual": [hit("9", 1), hit("10", 2)]}
    for channels in (one, other):
        found = fuse(channels, k=60)
        assert found[0].score == found[1].score  # a true tie: each is first once and second once
        assert [d.document_id for d in found] == ["9", "10"]  # numeric order, not "10" < "9"


def test_no_hits_fuse_to_no_documents() -> None:
    assert fuse({"dense": [], "sparse": []}, k=60) == []
