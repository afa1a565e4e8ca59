"""Word windows over a page's text, and a window's span back to the OCR words and box it covers."""

from collections.abc import Callable

import pytest

from extractors.clauses.chunks import Chunking, chunk_page, chunk_pages, windows
from extractors.engines.base import PageInput
from extractors.grounding import union_box
from extractors.rules.engine import RulesEngine

Pages = Callable[..., list[PageInput]]


def test_windows_overlap_by_the_stride_and_the_last_ends_on_the_last_word() -> None:
    assert windows(0, Chunking(4, 2)) == []
    assert windows(3, Chunking(4, 2)) == [(0, 3)]
    assert windows(4, Chunking(4, 2)) == [(0, 4)]
    assert windows(9, Chunking(4, 2)) == [(0, 4), (2, 6), (4, 8), (5, 9)]
    # Every word is in a window, and each window is full length once the text is long enough.
    ranges = windows(1000, Chunking())
    assert {i for first, last in ranges for i in range(first, last)} == set(range(1000))
    assert {last - first for first, last in ranges} == {64}


def test_chunking_refuses_a_stride_longer_than_the_window() -> None:
    with pytest.raises(ValueError, match="stride"):
        Chunking(words=4, stride=5)
    with pytest.raises(ValueError, match="stride"):
        Chunking(words=4, stride=0)


def test_a_window_reads_its_words_with_single_spaces_and_keeps_its_span() -> None:
    text = "Neither  party\nmay assign\n\nthis Agreement   without consent."
    first, second, third = chunk_page(7, text, Chunking(words=4, stride=2))
    assert first.text == "Neither party may assign"
    assert (first.page, first.first_word, first.last_word) == (7, 0, 4)
    assert text[first.start : first.end] == "Neither  party\nmay assign"
    assert second.text == "may assign this Agreement"
    assert third.text == "this Agreement without consent."
    assert text[third.start : third.end] == "this Agreement   without consent."


def test_windows_never_cross_a_page() -> None:
    chunks = chunk_pages([(1, "one two three"), (2, ""), (3, "four five six seven")], Chunking(4, 2))
    assert [(c.page, c.text) for c in chunks] == [(1, "one two three"), (3, "four five six seven")]


def test_a_window_span_maps_to_its_ocr_words_and_their_box(make_pages: Pages) -> None:
    lines = [
        "Neither party may assign this Agreement",
        "without the prior written consent of the other party.",
        "",
        "This Agreement is governed by the laws of Delaware.",
    ]
    (page,), _ = RulesEngine.read(make_pages(lines, numbers=[3]))
    chunks = chunk_page(page.number, page.text, Chunking(words=8, stride=4))
    assert [c.text for c in chunks][:2] == [
        "Neither party may assign this Agreement without the",
        "this Agreement without the prior written consent of",
    ]
    second = chunks[1]
    words = [page.words[i] for i in page.word_indices(second.start, second.end)]
    expected = ["this", "Agreement", "without", "the", "prior", "written", "consent", "of"]
    assert [w.text for w in words] == expected
    # The window wraps a line: its box spans both lines, from the line-1 words to the line-2 words.
    box = page.box(second.start, second.end)
    assert box == union_box(words)
    assert box is not None
    assert (box.y0, box.y1) == (words[0].top, words[-1].top + words[-1].height)
    assert box.x0 == min(w.left for w in words)
    assert page.words_text(second.start, second.end) == second.text
