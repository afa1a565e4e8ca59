"""ground(): the OCR words that show a value, found fuzzily and across line breaks."""

from extractors.grounding import ground
from schemas.ocr import OcrWord, PageOcr
from schemas.results import BoundingBox


def _page(lines: list[list[str]]) -> PageOcr:
    words = []
    for line_no, tokens in enumerate(lines):
        left = 100
        for token in tokens:
            words.append(
                OcrWord(text=token, left=left, top=100 + 40 * line_no, width=12 * len(token), height=30,
                        confidence=90, block=1, paragraph=1, line=line_no + 1)
            )  # fmt: skip
            left += 12 * len(token) + 12
    return PageOcr(width=1000, height=1400, words=words, engine_version="test")


PAGE = _page(
    [
        ["This", "Agreement", "is", "made", "between", "Acme", "Widgets,"],
        ["Inc.", "and", "Beacon", "Ltd.", "for", "$1,250,000.00."],
        ["Governing", "law:", "the", "State", "of", "New", "York."],
    ]
)


def test_a_value_wrapping_onto_the_next_line_gets_the_union_box() -> None:
    found = ground("Acme Widgets, Inc.", PAGE)
    assert found is not None
    box, text = found
    assert text == "Acme Widgets, Inc."
    acme, inc = PAGE.words[5], PAGE.words[7]
    assert box == BoundingBox(x0=inc.left, y0=acme.top, x1=PAGE.words[6].bbox[2], y1=inc.bbox[3])


def test_case_and_punctuation_are_ignored() -> None:
    found = ground("new york", PAGE)
    assert found is not None and found[1] == "New York."
    money = ground("$1,250,000.00", PAGE)
    assert money is not None and money[1] == "$1,250,000.00."


def test_ocr_misreads_still_match_but_other_text_does_not() -> None:
    found = ground("Beacon Ltd", _page([["Deacon", "Ltd.", "and", "others"]]))
    assert found is not None and found[1] == "Deacon Ltd."
    assert ground("Quantum Consulting Corp.", PAGE) is None
    assert ground("", PAGE) is None
    assert ground("!!", PAGE) is None
