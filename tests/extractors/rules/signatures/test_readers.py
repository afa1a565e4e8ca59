from collections.abc import Callable

from extractors.engines.base import PageInput
from extractors.rules.engine import RulesEngine
from extractors.rules.signatures.aligned_table import find_signature_table
from extractors.rules.signatures.clause import find_signed_by
from extractors.rules.signatures.labelled import find_blocks
from extractors.rules.signatures.labelled_below import find_labelled_below


def test_stacked_blocks_with_party_headers() -> None:
    text = "\n".join(
        [
            "IN WITNESS WHEREOF, the parties have executed this Agreement.",
            "",
            "Employer: Greyhound Consulting Corp.",
            "By: ______________________",
            "Name: Olivia Abernathy",
            "Title: Chief Executive Officer",
            "Date: 2025-11-29",
            "",
            "ACME WIDGETS, INC.",
            "By: /s/ Jane Roe",
            "Print Name: Jane Roe",
            "Its: President",
        ]
    )
    first, second = find_blocks(text)
    assert (first.name.value, first.title.value, first.date.value) == (  # type: ignore[union-attr]
        "Olivia Abernathy",
        "Chief Executive Officer",
        "2025-11-29",
    )
    assert (first.party.value, first.role) == ("Greyhound Consulting Corp.", "Employer")  # type: ignore[union-attr]
    assert (second.name.value, second.title.value, second.party.value) == (  # type: ignore[union-attr]
        "Jane Roe",
        "President",
        "ACME WIDGETS, INC.",
    )
    assert text[first.name.start : first.name.end] == "Olivia Abernathy"


def test_side_by_side_blocks_are_split_into_columns() -> None:
    text = "\n".join(
        [
            "By: ________ By: ________",
            "Name: Jane Roe Name: John Doe",
            "Title: Director Title: Secretary",
        ]
    )
    blocks = find_blocks(text)
    assert [(b.name.value, b.title.value) for b in blocks] == [  # type: ignore[union-attr]
        ("Jane Roe", "Director"),
        ("John Doe", "Secretary"),
    ]


def test_an_unfilled_block_is_not_a_signatory() -> None:
    assert find_blocks("By: ____________\nName: ____________\nTitle: ____________") == []


def test_a_typed_signature_without_a_name_line() -> None:
    (block,) = find_blocks("ACME LTD.\nBy: /s/ Jane Roe\nTitle: Director")
    assert (block.name.value, block.title.value) == ("Jane Roe", "Director")  # type: ignore[union-attr]


def test_english_execution_clause() -> None:
    (block,) = find_signed_by("Signed by Jane Roe, Director, for and on behalf of Acme Supplies Limited\n")
    assert (block.name.value, block.party.value) == ("Jane Roe", "Acme Supplies Limited")  # type: ignore[union-attr]
    assert block.title is not None and block.title.value == "Director"


def test_labels_under_the_lines_of_a_form(make_pages: Callable[..., list[PageInput]]) -> None:
    (page,) = make_pages(
        [
            "ACME WIDGETS, INC.",
            "______________________",
            "Signature",
            "Jane Roe",
            "Printed Name",
            "Director",
            "Title",
        ]
    )
    (text,), _ = RulesEngine.read([page])
    (block,) = find_labelled_below(text)
    assert (block.name.value, block.title.value, block.party.value) == (  # type: ignore[union-attr]
        "Jane Roe",
        "Director",
        "ACME WIDGETS, INC.",
    )


def test_name_and_title_on_one_line_and_a_for_header() -> None:
    (block,) = find_blocks("For Acme Widgets, Inc.:\nSignature: ________\nName and Title: Jane Roe, Director")
    assert (block.name.value, block.title.value) == ("Jane Roe", "Director")  # type: ignore[union-attr]
    assert block.party is not None and block.party.value == "Acme Widgets, Inc."


def test_a_table_of_signatories(make_pages: Callable[..., list[PageInput]]) -> None:
    (page,) = make_pages(
        [
            "Party                Name            Title        Date",
            "Acme Widgets, Inc.   Jane Roe        Director     2024-03-01",
            "Beacon Ltd.          John Smith      Secretary    2024-03-02",
        ]
    )
    (text,), _ = RulesEngine.read([page])
    blocks = find_signature_table(text)
    assert [(b.name.value, b.party and b.party.value, b.title and b.title.value, b.date and b.date.value)
            for b in blocks] == [
        ("Jane Roe", "Acme Widgets, Inc.", "Director", "2024-03-01"),
        ("John Smith", "Beacon Ltd.", "Secretary", "2024-03-02"),
    ]  # fmt: skip
    assert text.text[blocks[0].name.start : blocks[0].name.end] == "Jane Roe"
