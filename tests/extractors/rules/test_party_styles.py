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
}


@pytest.mark.parametrize("style", sorted(STYLES))
def test_party_style(style: str, make_pages: Pages) -> None:
    lines, expected = STYLES[style]
    assert _parties(lines, make_pages) == expected
