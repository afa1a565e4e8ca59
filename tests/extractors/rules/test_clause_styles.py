"""Renewal, notice, effective and execution dates and contract types in real-world wordings."""

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


def _value(lines: list[str], field: str, make_pages: Pages) -> Any:
    results = asyncio.run(RulesEngine().extract_pages(make_pages(lines)))
    items = merge_pages(results, list_fields(ContractFields)).fields[field].items
    return items[0].value if items else None


CASES: list[tuple[str, str, Any]] = [
    # auto renewal
    (
        "This Agreement shall automatically renew for successive one (1) year "
        "periods unless either party gives "
        "written notice of non-renewal at least sixty (60) days prior to the end of the then-current term.",
        "auto_renewal",
        True,
    ),
    (
        "Thereafter this Agreement will be extended for additional terms of twelve (12) months each unless "
        "terminated by either party.",
        "auto_renewal",
        True,
    ),
    ("This Agreement shall renew for successive one-year terms.", "auto_renewal", True),
    ("This Agreement shall not renew automatically.", "auto_renewal", False),
    (
        "This Agreement may be renewed for a further term of one year by "
        "mutual written agreement of the parties.",
        "auto_renewal",
        False,
    ),
    ("Automatic Renewal: No", "auto_renewal", False),
    ("The Lease is an evergreen arrangement.", "auto_renewal", True),
    # renewal term
    (
        "This Agreement shall automatically renew for successive one (1) year "
        "periods unless either party gives "
        "notice.",
        "renewal_term",
        "1 year",
    ),
    (
        "Thereafter the Term shall continue for further periods of twelve (12) months unless terminated.",
        "renewal_term",
        "12 months",
    ),
    ("Renewal Term | 24 months", "renewal_term", "24 months"),
    ("The Agreement renews automatically each year.", "renewal_term", "1 year"),
    # notice that stops a renewal: not the termination notice, and not the renewal term
    (
        "This Agreement shall automatically renew for successive one (1) year "
        "periods unless either party gives "
        "written notice of non-renewal at least sixty (60) days prior to the end of the then-current term.",
        "renewal_notice_days",
        60,
    ),
    (
        "Thereafter it renews for additional one year terms unless either party notifies the other of "
        "its intention not to renew no later than ninety (90) days before the expiration of the then "
        "current term.",
        "renewal_notice_days",
        90,
    ),
    (
        "The term shall be extended for successive periods of twelve months unless terminated by either "
        "party upon three (3) months' written notice prior to the end of the then-current term.",
        "renewal_notice_days",
        90,
    ),
    (
        "This Agreement shall automatically renew for successive one (1) year "
        "periods unless either party gives "
        "written notice of non-renewal at least sixty (60) days prior to the end of the then-current term.",
        "termination_notice_days",
        None,
    ),
    (
        "Either party may terminate this Agreement for convenience upon ninety "
        "(90) days' prior written notice.",
        "renewal_notice_days",
        None,
    ),
    # termination notice
    (
        "Either party may terminate this Agreement for convenience upon ninety "
        "(90) days' prior written notice.",
        "termination_notice_days",
        90,
    ),
    (
        "Either party may terminate this Agreement by giving not less than "
        "three months' notice to the other.",
        "termination_notice_days",
        90,
    ),
    ("The Customer may terminate the Services on 30 days' written notice.", "termination_notice_days", 30),
    (
        "Either party may terminate this Agreement upon written notice of not less than sixty (60) days.",
        "termination_notice_days",
        60,
    ),
    (
        "Either party may cancel this Agreement at any time by giving 45 days written notice.",
        "termination_notice_days",
        45,
    ),
    # effective date
    ("This Agreement is effective as of March 3, 2024.", "effective_date", "2024-03-03"),
    ('"Effective Date" means 1 April 2024.', "effective_date", "2024-04-01"),
    (
        "This Lease is made and entered into on this 3rd day of March, 2024 by the parties below.",
        "effective_date",
        "2024-03-03",
    ),
    ("Effective Date | 15 May 2024", "effective_date", "2024-05-15"),
    ("The services shall be provided with effect from 1 June 2024.", "effective_date", "2024-06-01"),
    ("This Agreement is dated as of January 10, 2025.", "effective_date", "2025-01-10"),
    ("The term of this Lease shall commence on July 1, 2024.", "effective_date", "2024-07-01"),
    # execution date
    ("This Agreement was signed on 4 March 2024 by both parties.", "execution_date", "2024-03-04"),
    ("Date of signature: 5 March 2024", "execution_date", "2024-03-05"),
    # contract type
    ("CONSULTANCY AGREEMENT", "contract_type", "consulting"),
    ("SUBLEASE AGREEMENT", "contract_type", "lease"),
    ("WORK ORDER NO. 7", "contract_type", "statement_of_work"),
    ("DISTRIBUTION AGREEMENT", "contract_type", "distribution"),
    ("EXCLUSIVE DISTRIBUTION AND SUPPLY AGREEMENT", "contract_type", "distribution"),
    ("CO-BRANDING AND MARKETING AGREEMENT", "contract_type", "co_branding"),
    ("JOINT VENTURE AGREEMENT", "contract_type", "joint_venture"),
    ("WEB HOSTING AND SERVICES AGREEMENT", "contract_type", "hosting"),
    ("FRANCHISE AGREEMENT", "contract_type", "franchise"),
    ("STRATEGIC ALLIANCE AGREEMENT", "contract_type", "strategic_alliance"),
    ("PATENT AND TECHNOLOGY LICENSE AGREEMENT", "contract_type", "license"),
    ("MASTER SERVICES AGREEMENT", "contract_type", "master_services"),
    ("END USER LICENSE AGREEMENT", "contract_type", "license"),
    ("OFFER LETTER", "contract_type", "employment"),
    ("PROFESSIONAL SERVICES AGREEMENT", "contract_type", "services"),
    ("MUTUAL CONFIDENTIALITY AGREEMENT", "contract_type", "nda"),
]


@pytest.mark.parametrize(
    ("line", "field", "expected"), CASES, ids=[f"{c[1]}-{i}" for i, c in enumerate(CASES)]
)
def test_clause_style(line: str, field: str, expected: Any, make_pages: Pages) -> None:
    words = line.split()
    lines = [" ".join(words[i : i + 14]) for i in range(0, len(words), 14)]
    assert _value(lines, field, make_pages) == expected


def test_type_from_the_parties_roles(make_pages: Pages) -> None:
    lines = [
        "AGREEMENT",
        "",
        'Harbor Properties LLC, a Delaware limited liability company ("Landlord"), and',
        'Blue Fin Cafe, Inc., a California corporation ("Tenant"), agree as follows.',
    ]
    assert _value(lines, "contract_type", make_pages) == "lease"
