"""The search eval's bookkeeping: a scanned copy answers for its document; relevance kept to the corpus."""

from __future__ import annotations

from goldset.labels import GoldDocument
from goldset.queries import RelevantDocument, RelevantPage, SearchQuery
from pipeline.search_evaluation import _cosine_ranking, _in_corpus, _ranked
from retrieval.search import SearchResult
from schemas.contract import ContractFields


def result(*files: str) -> SearchResult:
    documents = [{"file": file, "relevance": None, "pages": [{"page": 2}, {"page": 1}]} for file in files]
    return SearchResult(documents, None, False, {}, [0.5 - i / 10 for i in range(len(files))])


def query(*documents: str) -> SearchQuery:
    relevant = [RelevantDocument(document=d, pages=[RelevantPage(page=2, grade=2)]) for d in documents]
    return SearchQuery(id="q", split="test", text="t", relevant=relevant)


def test_a_scanned_copy_is_ranked_under_its_documents_name() -> None:
    names = {"Deal One": "Deal One.PDF", "b": "b.pdf"}
    ranked = _ranked(result("Deal One.tif", "b.pdf", "stray.pdf"), names)
    assert ranked.documents == ["Deal One.PDF", "b.pdf", "stray.pdf"]
    assert ranked.pages[:2] == ["Deal One.PDF#2", "Deal One.PDF#1"]
    assert ranked.answered is True  # no floor known: not counted as an abstention


def test_cosines_are_paired_with_relevance_by_stem() -> None:
    assert _cosine_ranking(result("Deal One.tif", "b.pdf"), query("Deal One.PDF")) == [
        (0.5, True),
        (0.4, False),
    ]


def test_relevance_is_narrowed_to_the_documents_indexed() -> None:
    gold = [GoldDocument(document="Deal One.tif", split="test", fields=ContractFields())]
    unanswerable = SearchQuery(id="none", split="test", text="alimony", relevant=[])
    outside = query("elsewhere.pdf").model_copy(update={"id": "outside"})
    narrowed = _in_corpus([query("Deal One.PDF", "elsewhere.pdf"), outside, unanswerable], gold)
    assert [(q.id, [r.document for r in q.relevant]) for q in narrowed] == [
        ("q", ["Deal One.PDF"]),
        ("none", []),
    ]
