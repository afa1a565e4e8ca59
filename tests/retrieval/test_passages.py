"""OCR words -> passages: paragraphs, short ones joined, long ones cut, with a box per line."""

from __future__ import annotations

from retrieval.passages import page_passages
from schemas.ocr import OcrWord, PageOcr


def page(paragraphs: list[list[str]]) -> PageOcr:
    """Each paragraph is a list of lines; every word is 10 px wide, a line 20 px high."""
    words = []
    top = 0
    for p, lines in enumerate(paragraphs):
        for n, line in enumerate(lines):
            for i, text in enumerate(line.split()):
                words.append(
                    OcrWord(text=text, left=12 * i, top=top, width=10, height=15, confidence=90,
                            block=1, paragraph=p, line=n)
                )  # fmt: skip
            top += 20
    return PageOcr(width=1000, height=1400, words=words, engine_version="t")


def test_a_heading_joins_the_paragraph_after_it_and_boxes_follow_lines() -> None:
    ocr = page([["TERMINATION"], ["Either party may end", "this agreement on notice."], ["Signed"]])
    passages = page_passages(ocr, min_words=3, max_words=50)
    assert [p.text for p in passages] == [
        "TERMINATION\nEither party may end\nthis agreement on notice.",
        "Signed",  # a short last run stays a passage of its own
    ]
    assert passages[0].boxes == [(0, 0, 10, 15), (0, 20, 46, 35), (0, 40, 46, 55)]
    assert passages[0].words == 9


def test_a_long_paragraph_is_cut_between_lines_at_max_words() -> None:
    lines = [" ".join(f"w{n}{i}" for i in range(5)) for n in range(10)]  # 10 lines of 5 words
    passages = page_passages(page([lines]), min_words=3, max_words=12)
    assert [p.words for p in passages] == [10, 10, 10, 10, 10]
    assert all(len(p.boxes) == 2 for p in passages)


def test_a_page_without_words_has_no_passages() -> None:
    assert page_passages(PageOcr(width=10, height=10, words=[], engine_version="t"), 3, 50) == []
