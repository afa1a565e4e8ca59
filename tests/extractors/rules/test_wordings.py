"""Contracts worded and laid out differently from one another: US and English drafting habits."""

import asyncio
from collections.abc import Callable
from typing import Any

from extractors.engines.base import PageInput
from extractors.merge import merge_pages
from extractors.rules.engine import RulesEngine
from schemas.contract import ContractFields
from schemas.introspect import list_fields

Pages = Callable[..., list[PageInput]]


def _record(pages: list[PageInput]) -> dict[str, list[Any]]:
    results = asyncio.run(RulesEngine().extract_pages(pages))
    fields = merge_pages(results, list_fields(ContractFields)).fields
    return {name: [item.value for item in field.items] for name, field in fields.items()}


def test_us_consulting_agreement(make_pages: Pages) -> None:
    got = _record(
        make_pages(
            [
                "CONSULTING AGREEMENT",
                "",
                'THIS CONSULTING AGREEMENT (the "Agreement") is made effective as of March 1, 2024 (the',
                '"Effective Date"), by and between Northwind Traders LLC, a Texas limited liability company',
                '("Client"), and Jane Q. Public, an individual ("Consultant").',
                "This Agreement shall commence on the Effective Date and shall continue until",
                "December 31, 2026.",
                "Either party may terminate this Agreement upon three (3) months' written notice.",
                "Payment shall be made within forty-five (45) days of the invoice date.",
                "This Agreement shall be governed by, and construed in accordance with, the laws of",
                "the State",
                "of Texas. Client shall pay Consultant a fee of $5,000 per month.",
            ]
        )
    )
    assert got["effective_date"] == ["2024-03-01"]
    assert got["expiration_date"] == ["2026-12-31"]
    assert got["termination_notice_days"] == [90]
    assert got["payment_terms_days"] == [45]
    assert got["governing_law"] == ["Texas"]
    assert got["contract_value"] == []  # a monthly fee is not the contract's value
    assert [p["name"] for p in got["parties"]] == ["Northwind Traders LLC", "Jane Q. Public"]


def test_lease_with_day_of_date_and_one_year_renewals(make_pages: Pages) -> None:
    got = _record(
        make_pages(
            [
                "LEASE",
                "",
                "This Lease is made this 15th day of June, 2023, between Harbor Properties, Inc.",
                '("Landlord") and Blue Fin Cafe LLC ("Tenant"). The Lease term shall be five (5) years.',
                "This Lease will automatically renew for successive one-year terms unless either party",
                "provides notice of non-renewal at least 60 days prior to the end of the then-current term.",
                "This Lease is governed by Florida law.",
            ]
        )
    )
    assert got["effective_date"] == ["2023-06-15"]
    assert got["term"] == ["5 years"]
    assert got["renewal_term"] == ["1 year"]
    assert got["auto_renewal"] == [True]
    assert got["governing_law"] == ["Florida"]
    assert got["termination_notice_days"] == []  # a non-renewal notice is not a termination notice


def test_english_agreement(make_pages: Pages) -> None:
    got = _record(
        make_pages(
            [
                "SERVICES AGREEMENT",
                "THIS AGREEMENT is dated 3 April 2024",
                "PARTIES",
                "(1) ACME SUPPLIES LIMITED incorporated and registered in England and Wales with company",
                "number 01234567 whose registered office is at 1 King Street, London (Supplier); and",
                "(2) BEACON RETAIL PLC incorporated and registered in England and Wales (Customer).",
                "The Customer shall pay each invoice submitted by the Supplier within 30 days of",
                "receipt.",
                "The Supplier may terminate this agreement on not less than 90 days' notice.",
                "This agreement shall be governed by and construed in accordance with the law of England.",
                "Signed by John Smith, Director, for and on behalf of Acme Supplies Limited",
            ]
        )
    )
    assert got["effective_date"] == ["2024-04-03"]
    assert got["payment_terms_days"] == [30]
    assert got["termination_notice_days"] == [90]
    assert got["governing_law"] == ["England and Wales"]
    assert got["parties"] == [
        {"name": "ACME SUPPLIES LIMITED", "role": "Supplier"},
        {"name": "BEACON RETAIL PLC", "role": "Customer"},
    ]
    assert got["signatories"] == [
        {"name": "John Smith", "title": "Director", "party": "ACME SUPPLIES LIMITED", "date": None}
    ]


def test_figures_before_words_and_an_expiry_at_a_time_of_day(make_pages: Pages) -> None:
    got = _record(
        make_pages(
            [
                "SERVICES AGREEMENT",
                "",
                "This Agreement is subject to the Master Services Agreement dated Sep 22, 2015.",
                "Effective 8 August 2022, the undersigned parties agree to the terms set out below.",
                "This Agreement will continue in effect for 24 (twenty-four) months from the Effective Date.",
                "The Term ends at 11:59 p.m. on 7 August 2024.",
                "Thereafter this Agreement will automatically renew for additional periods of 2 (two) years",
                "unless either party gives notice of termination at least 90 (ninety) days before the",
                "renewal date.",
                "Either party may end this Agreement on not less than 120 (one hundred and twenty) days",
                "notice in writing to the other. A party in breach shall have 30 days to cure the breach.",
            ]
        )
    )
    assert got["effective_date"] == ["2022-08-08"]  # not the other agreement's date
    assert got["term"] == ["24 months"]
    assert got["expiration_date"] == ["2024-08-07"]
    assert got["renewal_term"] == ["2 years"]
    # The 90 days stop a renewal and the 30 days cure a breach: neither is the notice to end it early.
    assert got["termination_notice_days"] == [120]


def test_an_agreement_that_takes_effect_on_and_from_a_date(make_pages: Pages) -> None:
    got = _record(
        make_pages(
            [
                "This Agreement takes effect on and from 21 January 2023.",
                "This Agreement amends and restates the Supply Agreement dated as of 6 August 2020.",
            ]
        )
    )
    assert got["effective_date"] == ["2023-01-21"]


def test_recitals_with_lettered_parties_and_english_execution_clauses(make_pages: Pages) -> None:
    got = _record(
        make_pages(
            [
                "EMPLOYMENT AND CONFIDENTIALITY AGREEMENT",
                "Dated: 16 June 2025",
                'RECITALS. A. J uniper Robotics Inc., a Delaware corporation ("Employer"), is in the',
                'business of logistics. B. Grace Whitfield, an individual ("Executive"), wishes to join.',
                "",
                "The parties have signed this Agreement on the dates set out below.",
                "",
                "SIGNED for and on behalf of Juniper Robotics Inc. by Maria Moreau, Managing Director",
                "",
                "Date: 17 June 2025",
                "",
                "SIGNED for and on behalf of Grace Whitfield by Grace Whitfield, Executive",
                "Date: 18 June 2025",
            ]
        )
    )
    assert got["contract_type"] == ["employment"]  # the title's first subject, not "confidentiality"
    # The heading and its letter are not part of the name; OCR's split capital is joined again.
    assert [p["name"] for p in got["parties"]] == ["Juniper Robotics Inc.", "Grace Whitfield"]
    assert [(s["name"], s["date"]) for s in got["signatories"]] == [
        ("Maria Moreau", "2025-06-17"),
        ("Grace Whitfield", "2025-06-18"),
    ]
    assert got["execution_date"] == ["2025-06-18"]


def test_notice_that_stops_a_renewal_is_not_the_termination_notice(make_pages: Pages) -> None:
    got = _record(
        make_pages(
            [
                "At the end of the Initial Term the Agreement shall be extended automatically for",
                "consecutive terms of 1 (one) year, unless terminated by either party upon",
                "ninety (90) days notice.",
            ]
        )
    )
    assert got["auto_renewal"] == [True] and got["renewal_term"] == ["1 year"]
    assert got["termination_notice_days"] == []


def test_cover_sheet_purchase_with_signature_dates_near_the_top(make_pages: Pages) -> None:
    got = _record(
        make_pages(
            [
                "PURCHASE AGREEMENT",
                "Agreement Date: 2024/03/01",
                "Seller: Ironclad Tools Co.",
                "Purchaser: Westbrook Manufacturing, Inc.",
                "Disputes shall be resolved under the laws of the State of Ohio.",
                "Accepted and agreed:",
                "Ironclad Tools Co.                        Westbrook Manufacturing, Inc.",
                "By: Greg Falk, Sales Director             By: Nina Patel, Purchasing Manager",
                "Date: March 2, 2024                       Date: March 4, 2024",
            ]
        )
    )
    assert got["effective_date"] == ["2024-03-01"] and got["execution_date"] == ["2024-03-04"]
    assert got["governing_law"] == ["Ohio"]
    assert [(s["name"], s["title"]) for s in got["signatories"]] == [
        ("Greg Falk", "Sales Director"),
        ("Nina Patel", "Purchasing Manager"),
    ]


def test_a_term_beginning_and_ending_on_dates_but_not_a_fiscal_year(make_pages: Pages) -> None:
    got = _record(
        make_pages(
            [
                "Under this Lease, accounts are due for the fiscal year ending December 31, 2024.",
                "This Lease shall be for a term of one (1) year beginning September 1, 2024 and ending",
                "August 31, 2025.",
            ]
        )
    )
    assert got["expiration_date"] == ["2025-08-31"]


def test_english_definitions_and_a_counted_renewal(make_pages: Pages) -> None:
    got = _record(
        make_pages(
            [
                "This Agreement is made on 9 January 2025 between Fernhill Data Services Limited (the",
                '"Processor") and Ashgrove Retail Group plc (the "Controller").',
                '"Term" means the period of thirty-six (36) months commencing on the Commencement Date;',
                "This Agreement shall renew automatically for one additional term of twelve months",
                "unless the Controller serves not less than one (1) month's notice to the contrary",
                "before the end of the Term.",
                "The Controller may terminate this Agreement by giving not less than three months'",
                "written notice.",
            ]
        )
    )
    assert got["term"] == ["36 months"] and got["auto_renewal"] == [True]
    assert got["renewal_term"] == ["12 months"] and got["termination_notice_days"] == [90]
    parties = [p["name"] for p in got["parties"]]
    assert parties == ["Fernhill Data Services Limited", "Ashgrove Retail Group plc"]
