"""Merging yes/no questions (clause presence) across pages."""

from extractors.merge import merge_pages
from schemas.results import Evidence, ExtractedField, ExtractedValue, PageExtraction
from schemas.status import Status

QUESTION = "clauses.anti_assignment"


def _page(number: int, answer: bool | None, confidence: float | None) -> PageExtraction:
    items = []
    if answer is not None:
        evidence = Evidence(page=number, text="may not assign") if answer else None
        item = ExtractedValue(value=answer, confidence=confidence, evidence=evidence, engine="t", model="t")
        items = [item]
    field = ExtractedField(items=items, confidence=confidence)
    return PageExtraction(
        page=number, status=Status.ok, engine="t", model="t", fields={QUESTION: field}, confidence=confidence
    )


def _merged(*pages: PageExtraction, presence: bool = True) -> ExtractedField:
    return merge_pages(list(pages), set(), presence_fields={QUESTION} if presence else set()).fields[QUESTION]


def test_present_on_one_page_is_present_however_sure_the_other_pages_are_of_absence() -> None:
    merged = _merged(_page(1, False, 0.95), _page(2, True, 0.6), _page(3, False, 0.9))
    assert [item.value for item in merged.items] == [True]
    assert merged.items[0].evidence is not None and merged.items[0].evidence.page == 2
    assert merged.confidence == 0.6
    assert merged.conflicts == []


def test_the_surest_present_page_gives_the_evidence() -> None:
    merged = _merged(_page(1, True, 0.7), _page(2, True, 0.8))
    assert merged.items[0].evidence is not None and merged.items[0].evidence.page == 2


def test_absent_everywhere_is_absent_as_sure_as_the_least_sure_page() -> None:
    merged = _merged(_page(1, False, 0.9), _page(2, False, 0.7), _page(3, None, 0.3))
    assert [item.value for item in merged.items] == [False]
    assert merged.confidence == 0.7


def test_no_page_answering_leaves_the_question_unknown() -> None:
    merged = _merged(_page(1, None, 0.4), _page(2, None, 0.5))
    assert merged.items == []
    assert merged.confidence == 0.4


def test_without_presence_semantics_the_surer_absent_page_would_win() -> None:
    # The reason presence questions merge differently: as a scalar, page 1's sure "absent" beats page 2.
    merged = _merged(_page(1, False, 0.95), _page(2, True, 0.6), presence=False)
    assert merged.items[0].value is False


def test_an_unknown_confidence_loses_to_a_measured_one_and_makes_a_lowest_unknown() -> None:
    # A page read by an endpoint without logprobs carries None: it never outranks a measured answer.
    merged = _merged(_page(1, False, None), _page(2, False, 0.8), presence=False)
    assert merged.items[0].confidence == 0.8
    assert _merged(_page(1, True, None), _page(2, True, 0.7)).items[0].evidence.page == 2
    assert _merged(_page(1, False, None), _page(2, False, 0.9)).confidence is None
    assert _merged(_page(1, None, None), _page(2, None, 0.5)).confidence is None
