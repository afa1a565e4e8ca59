"""Parties as real contracts introduce them (synthetic OCR lines)."""

import asyncio
from collections.abc import Callable

import pytest

from extractors.engines.base import PageInput
from extractors.merge import merge_pages
from extractors.rules.engine import RulesEngine
from schemas.contract import ContractFields
from schemas.introspect import list_fields

Pages = Callable[..., list[PageInput]]


def _parties(lines: list[str], make_pages: Pages) -> list[str]:
    results = asyncio.run(RulesEngine().extract_pages(make_pages(lines)))
    fields = merge_pages(results, list_fields(ContractFields)).fields
    return [item.value["name"] for item in fields["parties"].items]


STYLES: dict[str, tuple[list[str], list[str]]] = {
    "by_and_between_defined": (
        [
            "This Agreement is entered into by and between Acme Widgets, Inc., a "
            'Delaware corporation ("Acme"),',
            'and Beacon Analytics LLC, a New York limited liability company ("Beacon").',
        ],
        ["Acme Widgets, Inc.", "Beacon Analytics LLC"],
    ),
    "company_and_individual": (
        [
            "This Employment Agreement is made by Northwind Traders Corp., a "
            'Delaware corporation (the "Company"),',
            'and Jane Q. Roe, an individual ("Executive").',
        ],
        ["Northwind Traders Corp.", "Jane Q. Roe"],
    ),
    "english_numbered_list": (
        [
            "THIS AGREEMENT is dated 3 March 2024",
            "",
            "PARTIES",
            "",
            "(1) ACME SUPPLIES LIMITED incorporated and registered in England and Wales with company number",
            "01234567 whose registered office is at 1 King Street, London; and",
            "(2) BEACON RETAIL PLC incorporated and registered in Scotland with company number SC123456.",
        ],
        ["ACME SUPPLIES LIMITED", "BEACON RETAIL PLC"],
    ),
    "hereinafter_referred": (
        [
            "This Agreement is made between Tata Widgets Private Limited, a company incorporated under the",
            'Companies Act, 2013 (hereinafter referred to as the "Company", which '
            "expression shall include its",
            'successors) and Orion Services LLP (hereinafter, "Vendor").',
        ],
        ["Tata Widgets Private Limited", "Orion Services LLP"],
    ),
    "role_headings": (
        [
            "COMMERCIAL LEASE",
            "",
            "Landlord: Harbor Properties LLC",
            "Tenant: Blue Fin Cafe, Inc.",
            "",
            "Premises: 10 Pier Road",
        ],
        ["Harbor Properties LLC", "Blue Fin Cafe, Inc."],
    ),
    "key_terms_table": (
        [
            "ORDER FORM",
            "Customer | Globex Corporation",
            "Provider | Initech Software Ltd.",
            "Order Start Date | 1 April 2024",
        ],
        ["Globex Corporation", "Initech Software Ltd."],
    ),
    "licensor_licensee_with_address": (
        [
            'Foxglove GmbH, Hauptstrasse 5, 10115 Berlin, Germany ("Licensor") and '
            "Quill Media BV, Keizersgracht",
            '1, Amsterdam ("Licensee") agree as follows.',
        ],
        ["Foxglove GmbH", "Quill Media BV"],
    ),
    "canadian_list_with_and_between_the_parties": (
        [
            "THIS AGREEMENT made as of the 15th day of January, 2025.",
            "BETWEEN:",
            "MAPLE LEAF FOODS DISTRIBUTION LTD., a corporation existing under the laws of Ontario",
            '(the "Supplier")',
            "- and -",
            "NORTHERN MARKETS INC., a corporation existing under the laws of British Columbia",
            '(the "Distributor")',
        ],
        ["MAPLE LEAF FOODS DISTRIBUTION LTD.", "NORTHERN MARKETS INC."],
    ),
    "british_plc_in_lower_case": (
        [
            'This Agreement is between Quanta Labs GmbH ("Licensor") and Meridian Bank plc',
            '("Licensee").',
        ],
        ["Quanta Labs GmbH", "Meridian Bank plc"],
    ),
    "address_after_a_name_in_capitals": (
        [
            "This Agreement is made on 12 February 2024",
            "BETWEEN",
            "(1) HARTWELL ADVISORY LLP, a limited liability partnership registered in England (the",
            '"Consultancy"); and',
            '(2) THE BOROUGH COUNCIL OF WESTFIELD of Town Hall, Westfield WF1 1AA (the "Council").',
        ],
        ["HARTWELL ADVISORY LLP", "THE BOROUGH COUNCIL OF WESTFIELD"],
    ),
    "lower_case_of_inside_a_name": (
        ['This Agreement is between Bank of America, N.A. ("Lender") and Foo Holdings LLC ("Borrower").'],
        ["Bank of America, N.A.", "Foo Holdings LLC"],
    ),
    "parties_label_on_a_cover_line": (
        ['Parties: Orion Data Ltd ("Orion") and Vega Systems Inc. ("Vega")'],
        ["Orion Data Ltd", "Vega Systems Inc."],
    ),
    # "The Company" in a later sentence is the defined term in use, not a third company.
    "defined_term_after_a_date_is_no_party": (
        [
            "This Employment Agreement is made this 1st day of July, 2023, between Keystone Biotech",
            'Corp., a Pennsylvania corporation (the "Company"), and Rachel Moreno ("Executive").',
            "1. Start Date. Executive's employment shall commence on July 15, 2023. 2. Compensation.",
            "The Company shall pay Executive a base salary.",
        ],
        ["Keystone Biotech Corp.", "Rachel Moreno"],
    ),
}


@pytest.mark.parametrize("style", sorted(STYLES))
def test_party_style(style: str, make_pages: Pages) -> None:
    lines, expected = STYLES[style]
    assert _parties(lines, make_pages) == expected
