"""Where layout readers overlap, the answer of the reader measured to be right most often is kept."""

from collections.abc import Callable

from extractors.engines.base import PageInput
from extractors.rules.confidence import Measured, measured_as
from extractors.rules.engine import RulesEngine
from extractors.rules.signatures.block import Block, Cell
from extractors.rules.signatures.resolve import resolve

Pages = Callable[..., list[PageInput]]


def _block(rule: str, name: str, start: int, party: str | None = None) -> Block:
    return Block(
        name=Cell(name, start, start + len(name)),
        rule=rule,
        party=Cell(party, 0, len(party)) if party else None,
    )


def test_the_more_precise_reader_wins_an_overlap_whatever_the_order() -> None:
    precision = {"signatory.a": 0.7, "signatory.b": 0.9}.__getitem__
    weak = _block("signatory.a", "Jane Roe", 40, party="Jane Roe")
    strong = _block("signatory.b", "Jane Roe", 40, party="Acme Widgets, Inc.")
    assert resolve([weak, strong], precision) == [strong]
    assert resolve([strong, weak], precision) == [strong]


def test_overlap_is_the_same_person_or_the_same_words() -> None:
    precision = {"signatory.a": 0.7, "signatory.b": 0.9}.__getitem__
    spelled_apart = _block("signatory.a", "JANE ROE", 10)  # the same person read elsewhere on the page
    same_words = _block("signatory.a", "Jane Roe Director", 100)  # a longer reading of the same words
    strong = _block("signatory.b", "Jane Roe", 100)
    assert resolve([spelled_apart, same_words, strong], precision) == [strong]


def test_signatories_that_do_not_overlap_are_all_kept_in_page_order() -> None:
    precision = {"signatory.a": 0.7, "signatory.b": 0.9}.__getitem__
    second = _block("signatory.b", "John Smith", 200)
    first = _block("signatory.a", "Jane Roe", 100)
    assert resolve([second, first], precision) == [first, second]


def test_a_tie_keeps_the_reader_listed_first() -> None:
    precision = {"signatory.a": 0.8, "signatory.b": 0.8}.__getitem__
    listed_first = _block("signatory.a", "Jane Roe", 40)
    assert resolve([listed_first, _block("signatory.b", "Jane Roe", 40)], precision) == [listed_first]


# The name under an empty "By:" rule reads as a labelled block and as a name under a rule.
BOTH_LAYOUTS = [
    "IN WITNESS WHEREOF, the parties have executed this Agreement.",
    "",
    "ACME WIDGETS, INC.",
    "By: ______________________",
    "Jane Roe, Chief Executive Officer",
]


def _signatory_rules(make_pages: Pages) -> list[str]:
    texts, _ = RulesEngine.read(make_pages(BOTH_LAYOUTS))
    return [c.rule for c in RulesEngine.candidates(texts) if c.field == "signatories"]


def test_the_measured_figures_decide_which_reader_answers(make_pages: Pages) -> None:
    labelled_better = Measured(rules={"signatory.labelled": 0.95, "signatory.under_rule": 0.7})
    with measured_as(labelled_better):
        assert _signatory_rules(make_pages) == ["signatory.labelled"]
    under_rule_better = Measured(rules={"signatory.labelled": 0.7, "signatory.under_rule": 0.95})
    with measured_as(under_rule_better):
        assert _signatory_rules(make_pages) == ["signatory.under_rule"]
