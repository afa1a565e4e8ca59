"""A page's OCR words as text: words broken at a line's end are joined, and spans still find their words."""

from collections.abc import Callable

from extractors.engines.base import PageInput
from extractors.rules.engine import RulesEngine
from extractors.rules.text import PageText

Pages = Callable[..., list[PageInput]]


def _text(make_pages: Pages, *lines: str) -> PageText:
    (page,), _ = RulesEngine.read(make_pages(list(lines)))
    return page


def test_a_word_hyphenated_across_lines_is_one_word(make_pages: Pages) -> None:
    page = _text(make_pages, "entered into as of Febru-", "ary 3, 2025 (the Effec-", "tive Date)")
    assert page.text == "entered into as of February 3, 2025 (the Effective Date)"
    start = page.text.index("February")
    assert page.words_text(start, start + len("February 3, 2025")) == "Febru- ary 3, 2025"


def test_words_that_keep_their_hyphen_and_lines_that_do_not_break_a_word(make_pages: Pages) -> None:
    page = _text(make_pages, "of twenty-", "four (24) months; a non-", "exclusive licence -", "and", "Acme-")
    assert page.text == "of twenty-four (24) months; a non-exclusive licence -\nand\nAcme-"
    assert _text(make_pages, "Acme-", "Beacon").text == "Acme-\nBeacon"
