"""Cue phrases decide which value answers which field; the distractors beside them must not."""

from collections.abc import Callable

import pytest

from extractors.engines.base import PageInput
from extractors.rules.engine import RulesEngine
from extractors.rules.titles import contract_type_of

Found = Callable[..., dict[str, set[object]]]


@pytest.fixture
def found(make_pages: Callable[..., list[PageInput]]) -> Found:
    """found(*lines) -> {field: values any rule read from a one-page document of those lines}."""

    def read(*lines: str) -> dict[str, set[object]]:
        texts, _ = RulesEngine.read(make_pages(lines))
        out: dict[str, set[object]] = {}
        for candidate in RulesEngine.candidates(texts):
            value = candidate.value
            out.setdefault(candidate.field, set()).add(str(value) if isinstance(value, dict) else value)
        return out

    return read


def test_effective_date_and_not_the_date_of_another_document(found: Found) -> None:
    got = found(
        "This Agreement supersedes the Master Services Agreement dated 2016-07-04, which is terminated.",
        "This Master Services Agreement is entered into as of March 3, 2024 between the parties.",
    )
    assert got["effective_date"] == {"2024-03-03"}


def test_defined_effective_and_expiration_dates(found: Found) -> None:
    got = found(
        'This Agreement shall become effective on 12/14/2025 (the "Effective Date").',
        "Unless terminated earlier, this Agreement shall expire on 12/13/2027.",
    )
    assert got["effective_date"] == {"2025-12-14"}
    assert got["expiration_date"] == {"2027-12-13"}


def test_term_but_not_a_survival_or_non_solicitation_period(found: Found) -> None:
    got = found(
        'The term of this Agreement shall continue for a period of twelve (12) months (the "Initial Term").',
        "During the term and for twelve months thereafter, neither party shall solicit any employee.",
        "Records shall be kept for a period of not less than three years following its expiration.",
    )
    assert got["term"] == {"12 months"}


def test_renewal_term_and_auto_renewal(found: Found) -> None:
    got = found(
        "Upon expiry of the Initial Term, this Agreement shall automatically renew for successive renewal",
        "periods of two (2) years each, unless either party gives written notice of non-renewal at least",
        "sixty (60) days before the end of the then-current term.",
    )
    assert got["renewal_term"] == {"2 years"}
    assert got["auto_renewal"] == {True}
    assert "term" not in got


def test_no_automatic_renewal(found: Found) -> None:
    got = found("This Agreement shall not renew automatically; any extension must be agreed in writing.")
    assert got["auto_renewal"] == {False}


def test_termination_notice_but_not_a_cure_period(found: Found) -> None:
    got = found(
        "Either party may terminate this Agreement upon ninety (90) days' prior written notice.",
        "Either party may terminate this Agreement immediately if the other party materially breaches it and",
        "fails to cure such breach within 30 days after receiving written notice thereof.",
    )
    assert got["termination_notice_days"] == {90}


def test_payment_terms(found: Found) -> None:
    assert found("All invoices are payable net 45 days from the date of invoice.")["payment_terms_days"] == {
        45
    }
    got = found("Customer shall pay each undisputed invoice within thirty (30) days of receipt.")
    assert got["payment_terms_days"] == {30}
    assert found("Payment terms: Net 60.")["payment_terms_days"] == {60}


def test_contract_value_but_not_a_liability_cap_or_an_instalment(found: Found) -> None:
    got = found(
        "The total fees payable by Customer under this Agreement shall not exceed $3,000,000.00.",
        "In no event shall either party's aggregate liability under this Agreement exceed USD 1,000,000.",
        "Milestone 1   November 25, 2018   USD 1,000,000.00",
    )
    assert got["contract_value"] == {str({"amount": 3_000_000.0, "currency": "USD"})}


def test_governing_law_but_not_venue_or_incorporation(found: Found) -> None:
    got = found(
        "Acme GmbH, a company organised under the laws of Germany, and Beacon Inc. agree as follows.",
        "This Agreement shall be governed by and construed in accordance with the laws of the State of New",
        "York, without regard to its conflict of laws principles. The courts of Delaware shall have",
        "exclusive jurisdiction.",
    )
    assert got["governing_law"] == {"New York"}
    assert found("This Agreement is governed by English law.")["governing_law"] == {"England and Wales"}
    assert found("Governing Law: Ontario")["governing_law"] == {"Ontario"}


def test_title_and_contract_type_from_the_heading(found: Found) -> None:
    got = found("MUTUAL NON-DISCLOSURE AGREEMENT", "", "This Agreement is entered into as of 2024-03-03.")
    assert got["title"] == {"Mutual Non-Disclosure Agreement"}
    assert got["contract_type"] == {"nda"}
    assert contract_type_of("Master Supply Agreement") == "supply"
    assert contract_type_of("Statement of Work No. 3") == "statement_of_work"
    assert contract_type_of("Framework Agreement") == "other"


def test_candidates_carry_their_span(make_pages: Callable[..., list[PageInput]]) -> None:
    texts, _ = RulesEngine.read(make_pages(["Governing Law: Ontario"]))
    (law,) = [c for c in RulesEngine.candidates(texts) if c.field == "governing_law"]
    assert texts[0].text[law.start : law.end] == "Ontario"


def test_contract_type_survives_words_split_by_ocr() -> None:
    assert contract_type_of("EMPLOY MENT AGREEMENT") == "employment"
    assert contract_type_of("Non Disclo sure Agreement") == "nda"


def test_renewal_by_default_and_year_to_year(found: Found) -> None:
    got = found(
        "This Agreement shall be renewed for successive one-year periods unless either party objects."
    )
    assert got["auto_renewal"] == {True}
    assert got["renewal_term"] == {"1 year"}
    got = found("Thereafter this Lease shall continue from year to year until terminated.")
    assert got["auto_renewal"] == {True}
    assert got["renewal_term"] == {"1 year"}


def test_notice_running_from_its_receipt_and_effective_date_without_a_verb(found: Found) -> None:
    got = found(
        "Either party may terminate this Agreement effective sixty (60) days after receipt of written notice."
    )
    assert got["termination_notice_days"] == {60}
    assert found("Effective Date  March 3, 2024")["effective_date"] == {"2024-03-03"}
    assert found("This Agreement is effective March 3, 2024.")["effective_date"] == {"2024-03-03"}
