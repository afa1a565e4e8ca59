"""One vocabulary, three framings: a label beside its value, under its line, or heading a column."""

import pytest

from extractors.rules.signatures.lexicon import (
    LABEL_RE,
    header_cells,
    header_kind,
    is_capacity,
    label_alone,
    label_at,
    table_columns,
)


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("By: ____________", "by"),
        ("Per: ____________", "by"),
        ("Signature of Authorised Signatory: ______", "by"),
        ("Name: Jane Roe", "name"),
        ("Print Name: Jane Roe", "name"),
        ("Name (print): Jane Roe", "name"),
        ("Typed or Printed Name: Jane Roe", "name"),
        ("Authorised Signatory: Jane Roe", "name"),
        ("Name and Title: Jane Roe, Director", "name_title"),
        ("Its: President", "title"),
        ("Title/Position: Director", "title"),
        ("Designation: Director", "title"),
        ("Date Signed: 3 March 2024", "date"),
        ("Signature Date: 3 March 2024", "date"),
        ("Signed on: 3 March 2024", "date"),
        ("On: 3 March 2024", "date"),
    ],
)
def test_labels_beside_their_values(line: str, kind: str) -> None:
    match = LABEL_RE.match(line)
    assert match is not None and label_at(match) == kind


@pytest.mark.parametrize(
    "line",
    [
        "Company: Acme Widgets, Inc.",  # a block's header, read as its party
        "Contact Person: Jane Roe",  # a notice's addressee signs nothing
        "Project Director: Jane Roe",
        "Accepted by:",  # leads into a block as often as it labels the signature line
    ],
)
def test_words_that_are_no_label_at_the_start_of_a_line(line: str) -> None:
    assert LABEL_RE.match(line) is None


def test_the_same_phrases_under_the_line_and_as_column_headers() -> None:
    assert [label_alone(line) for line in ("Printed Name", "(Title)", "Date", "Signature")] == [
        "name",
        "title",
        "date",
        "by",
    ]
    assert label_alone("Name:") is None  # its value is on the next line, not above
    assert [header_kind(cell) for cell in ("Signed by", "Position", "Company", "Amount")] == [
        "by",
        "title",
        "party",
        None,
    ]


def test_a_header_row_holds_nothing_but_headers() -> None:
    assert header_cells("Party      Name      Title      Date") == [
        ("party", 0),
        ("name", 11),
        ("title", 21),
        ("date", 32),
    ]
    assert header_cells("Print Name: Jane Roe Title: Director") is None  # labels with values


def test_a_signature_column_holds_the_names_only_where_no_column_is_headed_name() -> None:
    assert table_columns(["party", "by", "title"]) == ["party", "name", "title"]
    assert table_columns(["party", "by", "name"]) == ["party", None, "name"]


def test_capacities() -> None:
    assert is_capacity("Chief Executive Officer") and is_capacity("Employee")
    assert not is_capacity("1 High Street") and not is_capacity("Acme Widgets")
