"""Signature blocks as real contracts lay them out (synthetic OCR lines, one list per page)."""

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from extractors.engines.base import PageInput
from extractors.merge import merge_pages
from extractors.rules.engine import RulesEngine
from schemas.contract import ContractFields
from schemas.introspect import list_fields

Pages = Callable[..., list[PageInput]]
WITNESS = "IN WITNESS WHEREOF, the parties have executed this Agreement as of the date first written above."


def _record(pages: list[PageInput]) -> dict[str, list[Any]]:
    results = asyncio.run(RulesEngine().extract_pages(pages))
    fields = merge_pages(results, list_fields(ContractFields)).fields
    return {name: [item.value for item in field.items] for name, field in fields.items()}


def _signers(lines: list[str], make_pages: Pages) -> list[tuple[str, str | None, str | None, str | None]]:
    got = _record(make_pages(lines))
    return [(s["name"], s["title"], s["party"], s["date"]) for s in got["signatories"]]


STYLES: dict[str, tuple[list[str], list[tuple[str, str | None, str | None, str | None]]]] = {
    "stacked_by_name_title_date": (
        [
            WITNESS,
            "",
            "ACME WIDGETS, INC.",
            "By: ______________________",
            "Name: Jane Roe",
            "Title: Chief Executive Officer",
            "Date: March 3, 2024",
            "",
            "BEACON LTD.",
            "By: ____________",
            "Name: John Smith",
            "Title: Director",
            "Date: March 5, 2024",
        ],
        [
            ("Jane Roe", "Chief Executive Officer", "ACME WIDGETS, INC.", "2024-03-03"),
            ("John Smith", "Director", "BEACON LTD.", "2024-03-05"),
        ],
    ),
    "two_columns_on_one_line": (
        [
            WITNESS,
            "",
            "ACME WIDGETS, INC. BEACON LTD.",
            "By: __________ By: __________",
            "Name: Jane Roe Name: John Smith",
            "Title: President Title: Director",
            "Date: 3 March 2024 Date: 5 March 2024",
        ],
        [
            ("Jane Roe", "President", "ACME WIDGETS, INC.", "2024-03-03"),
            ("John Smith", "Director", "BEACON LTD.", "2024-03-05"),
        ],
    ),
    "typed_signature_and_its": (
        [
            WITNESS,
            "",
            "NORTHWIND TRADERS LLC",
            "By: /s/ Jane Roe",
            "Its: Managing Member",
            "",
            "CONTOSO CORPORATION",
            "By: /s/ Mark Lee",
            "Its: Vice President",
        ],
        [
            ("Jane Roe", "Managing Member", "NORTHWIND TRADERS LLC", None),
            ("Mark Lee", "Vice President", "CONTOSO CORPORATION", None),
        ],
    ),
    "party_and_by_on_one_line": (
        [
            WITNESS,
            "",
            "ACME WIDGETS, INC. By: Jane Roe Its: Chief Executive Officer",
            "BEACON LTD. By: John Smith Its: Director",
        ],
        [
            ("Jane Roe", "Chief Executive Officer", "ACME WIDGETS, INC.", None),
            ("John Smith", "Director", "BEACON LTD.", None),
        ],
    ),
    "signature_print_name": (
        [
            "Agreed and accepted by:",
            "",
            "Company: Acme Widgets, Inc.",
            "Signature: ____________",
            "Print Name: Jane Roe",
            "Position: Director",
            "Date Signed: 2024-03-03",
        ],
        [("Jane Roe", "Director", "Acme Widgets, Inc.", "2024-03-03")],
    ),
    "name_under_rule_then_title": (
        [
            WITNESS,
            "",
            "ACME WIDGETS, INC.",
            "",
            "______________________",
            "Jane Roe",
            "Chief Executive Officer",
            "",
            "BEACON LTD.",
            "",
            "______________________",
            "John Smith, Director",
        ],
        [
            ("Jane Roe", "Chief Executive Officer", "ACME WIDGETS, INC.", None),
            ("John Smith", "Director", "BEACON LTD.", None),
        ],
    ),
    "signed_for_and_on_behalf": (
        [
            "Signed for and on behalf of Acme Supplies Limited by Jane Roe, Director",
            "",
            "Signed by John Smith, Chief Executive Officer, for and on behalf of Beacon Retail PLC",
        ],
        [
            ("Jane Roe", "Director", "Acme Supplies Limited", None),
            ("John Smith", "Chief Executive Officer", "Beacon Retail PLC", None),
        ],
    ),
    "executed_as_a_deed_with_witness": (
        [
            "Executed as a deed by Acme Supplies Limited acting by Jane Roe, a director, in the presence of:",
            "",
            "Witness signature: ____________",
            "Name: Peter Witness",
            "Address: 1 High Street, London",
            "Occupation: Solicitor",
        ],
        [("Jane Roe", "director", "Acme Supplies Limited", None)],
    ),
    "pipe_table": (
        [
            "SIGNATURES",
            "Party | Name | Title | Date",
            "Acme Widgets, Inc. | Jane Roe | President | 2024-03-01",
            "Beacon Ltd. | John Smith | Secretary | 2024-03-02",
        ],
        [
            ("Jane Roe", "President", "Acme Widgets, Inc.", "2024-03-01"),
            ("John Smith", "Secretary", "Beacon Ltd.", "2024-03-02"),
        ],
    ),
    "name_on_the_line_below_its_label": (
        [
            WITNESS,
            "",
            "LANDLORD:",
            "Harbor Properties LLC",
            "By: ____________",
            "Name:",
            "Jane Roe",
            "Title:",
            "Managing Member",
        ],
        [("Jane Roe", "Managing Member", "Harbor Properties LLC", None)],
    ),
    "labels_and_values_in_separate_columns": (
        [
            WITNESS,
            "",
            "CUSTOMER: Globex Corporation",
            "By: ______________",
            "Name:",
            "Title:",
            "Date:",
            "Hank Scorpio",
            "Chief Executive Officer",
            "June 1, 2024",
        ],
        [("Hank Scorpio", "Chief Executive Officer", "Globex Corporation", "2024-06-01")],
    ),
    "notary_block_is_not_a_signatory": (
        [
            WITNESS,
            "",
            "ACME WIDGETS, INC.",
            "By: ____________",
            "Name: Jane Roe",
            "Title: President",
            "",
            "STATE OF NEW YORK )",
            "COUNTY OF KINGS )",
            "Subscribed and sworn to before me this 3rd day of March",
            "Notary Public",
            "Name: Mary Notary",
            "My commission expires: 2027-01-01",
        ],
        [("Jane Roe", "President", "ACME WIDGETS, INC.", None)],
    ),
    # OCR dropped the signature rules: names and capacities are all that is left.
    "unlabelled_names_after_as_witness": (
        [
            "AS WITNESS the hands of the parties on 28 May 2023.",
            "",
            "Greyhound Holdings GmbH",
            "",
            "Maria Fairbanks (Managing Director)",
            "28 May 2023",
            "",
            "Summit Labs, LLC",
            "Michael Ramirez",
            "General Counsel",
            "Date: 29 May 2023",
        ],
        [
            ("Maria Fairbanks", "Managing Director", "Greyhound Holdings GmbH", "2023-05-28"),
            ("Michael Ramirez", "General Counsel", "Summit Labs, LLC", "2023-05-29"),
        ],
    ),
    "label_rows_under_blocks_side_by_side": (
        [
            WITNESS,
            "APEX ROBOTICS, LLC                  SIERRA ANALYTICS INC.",
            "_______________________             _______________________",
            "Signature                           Signature",
            "John Carter                         Emily Stone",
            "Printed Name                        Printed Name",
            "Managing Member                     President",
            "Title                               Title",
            "June 3, 2024                        June 4, 2024",
            "Date                                Date",
        ],
        [
            ("John Carter", "Managing Member", "APEX ROBOTICS, LLC", "2024-06-03"),
            ("Emily Stone", "President", "SIERRA ANALYTICS INC.", "2024-06-04"),
        ],
    ),
    "individual_under_a_role_heading": (
        [
            WITNESS,
            "KEYSTONE BIOTECH CORP.",
            "By: ___________________________",
            "Name: Alan Brooks",
            "Title: Chief People Officer",
            "",
            "EXECUTIVE",
            "___________________________",
            "Rachel Moreno",
        ],
        [
            ("Alan Brooks", "Chief People Officer", "KEYSTONE BIOTECH CORP.", None),
            ("Rachel Moreno", None, None, None),
        ],
    ),
    "e_signatures_between_headers_and_labels": (
        [
            "DocuSign Envelope ID: 7F3A2B1C-9D8E-4F6A-B5C4-3D2E1F0A9B8C",
            WITNESS,
            "REDWOOD ANALYTICS, INC.                SUMMIT OUTDOOR CO.",
            "DocuSigned by:                         DocuSigned by:",
            "Kevin Walsh                            Laura Bennett",
            "8A1B2C3D4E5F6A7B...                    9C8D7E6F5A4B3C2D...",
            "Name: Kevin Walsh                      Name: Laura Bennett",
            "Title: CFO                             Title: Owner",
        ],
        [
            ("Kevin Walsh", "CFO", "REDWOOD ANALYTICS, INC.", None),
            ("Laura Bennett", "Owner", "SUMMIT OUTDOOR CO.", None),
        ],
    ),
    "signed_for_a_company_by_a_person_on_a_date": (
        [
            "Signed for Nordic Components AB by Lars Nilsson, CEO on 28 March 2024",
            "Signed for Pacific Assembly Pty Ltd by Olivia Chen, Director on 30 March 2024",
        ],
        [
            ("Lars Nilsson", "CEO", "Nordic Components AB", "2024-03-28"),
            ("Olivia Chen", "Director", "Pacific Assembly Pty Ltd", "2024-03-30"),
        ],
    ),
    "signed_for_the_council": (
        [
            '(2) THE BOROUGH COUNCIL OF WESTFIELD of Town Hall, Westfield WF1 1AA (the "Council").',
            "Signed by Joanne Price, Head of Commercial Services",
            "for and on behalf of THE BOROUGH COUNCIL OF WESTFIELD",
            "Date: 14 February 2024",
        ],
        [("Joanne Price", "Head of Commercial Services", "THE BOROUGH COUNCIL OF WESTFIELD", "2024-02-14")],
    ),
    "party_colon_signer_lines": (
        [
            "AS WITNESS the hands of the parties on the date above.",
            "Orion Data Ltd: Fiona Campbell, Director",
            "For the Licensee: Marcus Lee (CFO)",
        ],
        [("Fiona Campbell", "Director", "Orion Data Ltd", None), ("Marcus Lee", "CFO", None, None)],
    ),
    # Canadian "Per:" signature lines, a capacity in brackets.
    "per_line_and_capacity_in_brackets": (
        [
            WITNESS,
            "",
            "MAPLE LEAF SUPPLY LTD.",
            "Per: ______________________",
            "Jane Roe (President)",
            "",
            "NORTHERN FREIGHT INC.",
            "Per: ______________________",
            "John Smith (Authorized Signing Officer)",
        ],
        [
            ("Jane Roe", "President", "MAPLE LEAF SUPPLY LTD.", None),
            ("John Smith", "Authorized Signing Officer", "NORTHERN FREIGHT INC.", None),
        ],
    ),
    "authorised_signatory_and_designation_labels": (
        [
            WITNESS,
            "",
            "For and on behalf of Acme Supplies Limited",
            "Signature: ______________________",
            "Authorised Signatory: Jane Roe",
            "Designation: Director",
            "Date of signing: 3 March 2024",
        ],
        [("Jane Roe", "Director", "Acme Supplies Limited", "2024-03-03")],
    ),
    "print_hints_and_combined_capacity_labels": (
        [
            WITNESS,
            "",
            "Acme Widgets, Inc.",
            "By (signature): ______________________",
            "Name (print): Jane Roe",
            "Title/Position: Chief Financial Officer",
        ],
        [("Jane Roe", "Chief Financial Officer", "Acme Widgets, Inc.", None)],
    ),
    "party_by_signer_its_title": (
        [
            WITNESS,
            "",
            "ACME WIDGETS, INC., by Jane Roe, its President",
            "BEACON LABS LLC, by John Smith, its Managing Member",
        ],
        [
            ("Jane Roe", "President", "ACME WIDGETS, INC.", None),
            ("John Smith", "Managing Member", "BEACON LABS LLC", None),
        ],
    ),
    "signer_line_for_and_on_behalf_of_the_party": (
        [
            "AS WITNESS the hands of the parties.",
            "______________________",
            "Jane Roe, Director, for and on behalf of Acme Supplies Limited",
            "______________________",
            "John Smith (Secretary) for Beacon Retail PLC",
        ],
        [
            ("Jane Roe", "Director", "Acme Supplies Limited", None),
            ("John Smith", "Secretary", "Beacon Retail PLC", None),
        ],
    ),
    "by_without_a_colon": (
        [
            WITNESS,
            "",
            "ACME INC.",
            "By Jane Roe",
            "Its President",
            "",
            "BEACON LTD.",
            "By Mark Lee",
            "Date: 3 March 2024",
            "",
            "Notices go By Return Mail",
        ],
        [("Jane Roe", "President", "ACME INC.", None), ("Mark Lee", None, "BEACON LTD.", "2024-03-03")],
    ),
    # The first block's witness line sits right above the second block's header.
    "a_witness_line_under_each_block": (
        [
            WITNESS,
            "",
            "ACME WIDGETS, INC.",
            "By: ______________________",
            "Name: Jane Roe",
            "Title: President",
            "Witness: ______________________",
            "BEACON LTD.",
            "By: ______________________",
            "Name: John Smith",
            "Title: Director",
            "Witness: ______________________",
        ],
        [
            ("Jane Roe", "President", "ACME WIDGETS, INC.", None),
            ("John Smith", "Director", "BEACON LTD.", None),
        ],
    ),
    # A table of labels and values without colons, as OCR reads a ruled form.
    "labels_without_colons": (
        [
            WITNESS,
            "",
            "Signed for and on behalf of Agape Holdings Limited",
            "Signature",
            "Name How Kok Choong",
            "Title Managing Director",
            "Date 31 January 2018",
        ],
        [("How Kok Choong", "Managing Director", "Agape Holdings Limited", "2018-01-31")],
    ),
    # No capacity given: the party's header above and the date below make the name a signer's.
    "names_with_a_date_and_no_capacity": (
        [
            WITNESS,
            "",
            "ACME WIDGETS, INC.",
            "______________________",
            "Jane Roe",
            "Date: 3 March 2024",
            "",
            "Signed for Beacon Ltd.:",
            "John Smith",
            "Dated 5 March 2024",
        ],
        [
            ("Jane Roe", None, "ACME WIDGETS, INC.", "2024-03-03"),
            ("John Smith", None, "Beacon Ltd.", "2024-03-05"),
        ],
    ),
}


@pytest.mark.parametrize("style", sorted(STYLES))
def test_signature_style(style: str, make_pages: Pages) -> None:
    lines, expected = STYLES[style]
    assert _signers(lines, make_pages) == expected


def test_execution_date_is_the_last_signature(make_pages: Pages) -> None:
    got = _record(make_pages(STYLES["stacked_by_name_title_date"][0]))
    assert got["execution_date"] == ["2024-03-05"]


def test_unlabelled_blocks_on_the_page_after_the_execution_clause(make_pages: Pages) -> None:
    got = _record(
        make_pages(
            [
                'This Lease is made between Westbrook Industries LLC ("Landlord") and Sterling Foods',
                'Corporation ("Tenant").',
                "SIGNATURES",
            ],
            [
                "LANDLORD",
                "",
                "Samuel Whitfield, Director",
                "6 March 2018",
                "",
                "TENANT",
                "Grace Castillo",
                "Chief Operating Officer",
            ],
        )
    )
    assert [(s["name"], s["title"], s["party"], s["date"]) for s in got["signatories"]] == [
        ("Samuel Whitfield", "Director", "Westbrook Industries LLC", "2018-03-06"),  # a role header resolved
        ("Grace Castillo", "Chief Operating Officer", "Sterling Foods Corporation", None),
    ]


def test_a_name_and_title_in_the_body_are_not_a_signature(make_pages: Pages) -> None:
    got = _record(make_pages(["Notices shall be sent to:", "Jane Roe", "General Counsel", "Acme Inc."]))
    assert got["signatories"] == []


def test_names_under_rules_on_the_page_after_the_execution_clause(make_pages: Pages) -> None:
    got = _record(
        make_pages(
            ["The parties agree to the terms above.", WITNESS],
            ["ACME INC.", "______________________", "Jane Roe", "Date: 3 March 2024"],
        )
    )
    assert [(s["name"], s["party"], s["date"]) for s in got["signatories"]] == [
        ("Jane Roe", "ACME INC.", "2024-03-03")
    ]


def test_a_schedule_after_the_signatures_names_no_one(make_pages: Pages) -> None:
    got = _record(
        make_pages(
            [WITNESS, "", "Exhibit A - Payment Schedule", "Due Date", "Milestone 1", "March 3, 2024"],
        )
    )
    assert got["signatories"] == []


def test_effective_on_the_last_signature(make_pages: Pages) -> None:
    got = _record(
        make_pages(
            [
                'This License Agreement is effective as of the date of the last signature below ("Effective',
                'Date") and is between Quanta Labs GmbH ("Licensor") and Meridian Bank plc ("Licensee").',
                "",
                "Quanta Labs GmbH                         Meridian Bank plc",
                "Signature: ________________              Signature: ________________",
                "Name: Klaus Weber                        Name: Sarah Whitfield",
                "Title: Managing Director                 Title: Head of Procurement",
                "Date: 12.09.2024                         Date: 16.09.2024",
            ]
        )
    )
    assert got["effective_date"] == got["execution_date"] == ["2024-09-16"]
