"""The CUAD converter on real rows of master_clauses.csv (dev-split contracts only)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from goldset.cuad_labels import (
    CSV_FILE,
    CUAD_DIR,
    NOT_IN_CUAD,
    NOTICE_CATEGORY,
    convert,
    convert_row,
    read_rows,
)
from goldset.cuad_split import SPLIT_FILE
from goldset.field_match import compare_field
from goldset.labels import DOCUMENTS_DIR, LABELS_FILE, GoldDocument
from schemas.clauses import CUAD_NAMES, ClauseCategory
from schemas.contract import SCHEMA_VERSION, ContractType, Party


@pytest.fixture(scope="module")
def converted() -> dict[str, tuple[dict[str, str], GoldDocument]]:
    """Each row, by its file name, beside its conversion."""
    rows, categories = read_rows(CUAD_DIR / CSV_FILE)
    return {row["Filename"]: (row, convert_row(row, row["Filename"], "dev", categories)) for row in rows}


def _label(converted: dict[str, tuple[dict[str, str], GoldDocument]], prefix: str) -> GoldDocument:
    (name,) = [name for name in converted if name.startswith(prefix)]
    return converted[name][1]


def test_parties_keep_their_defined_terms_as_roles(converted) -> None:
    # 'Mortgage Logic.com, Inc. ("Client"); TrueLink, Inc. ("TrueLink")'
    assert _label(converted, "BNCMORTGAGEINC").fields.parties == [
        Party(name="Mortgage Logic.com, Inc.", role="Client"),
        Party(name="TrueLink, Inc.", role="TrueLink"),
    ]
    # '... Fonterra (USA) Inc., ("Supplier" or "Fonterra"); (each "Party", collectively "Parties")':
    # an unquoted parenthesis is part of the name, the collective note is no party.
    assert _label(converted, "BELLRINGBRANDS,INC_02_07_2020").fields.parties == [
        Party(name="Premier Nutrition Company, LLC", role="Buyer"),
        Party(name="Fonterra (USA) Inc.", role="Supplier"),
    ]
    # 'Excite, Inc."Excite"; CyberShop "Client"': CUAD's unbracketed defined terms.
    assert [p.role for p in _label(converted, "GSVINC").fields.parties] == ["Excite", "Client"]


def test_parties_cuad_gives_for_a_redacted_filing_are_not_scored(converted) -> None:
    # '[ * * * ] ("Provider"); TELCOSTAR PTE, LTD.; ...': a partial list would make false positives.
    label = _label(converted, "ABILITYINC")
    assert label.fields.parties == [] and "redacted" in label.unlabelled["parties"]


def test_month_day_two_digit_year_dates_become_iso(converted) -> None:
    # Agreement and Effective Date '1/1/98', Expiration Date '12/31/98' (written in its clause).
    fields = _label(converted, "SYKESHEALTHPLANSERVICESINC").fields
    assert fields.execution_date == fields.effective_date == dt.date(1998, 1, 1)
    assert fields.expiration_date == dt.date(1998, 12, 31)
    # '11/5/96' agreed, '3/1/96' effective: two different dates, each where CUAD put it.
    netgear = _label(converted, "NETGEAR,INC_04_21_2003-EX-10.16-DISTRIBUTOR AGREEMENT.pdf").fields
    assert (netgear.execution_date, netgear.effective_date) == (dt.date(1996, 11, 5), dt.date(1996, 3, 1))


def test_a_perpetual_contract_has_no_scored_expiration(converted) -> None:
    label = _label(converted, "BIOPURECORP")
    assert label.fields.expiration_date is None
    assert "perpetual" in label.unlabelled["expiration_date"]


def test_an_expiration_cuad_computed_from_the_term_is_not_scored(converted) -> None:
    row, label = next(pair for name, pair in converted.items() if name.startswith("AgapeAtpCorp"))
    assert row["Expiration Date-Answer"] == "1/15/28"
    assert "ten (10) years" in row["Expiration Date"]  # the page states a term, not a date
    assert label.fields.expiration_date is None
    assert "'1/15/28' is not written" in label.unlabelled["expiration_date"]


def test_renewal_terms_drop_cuads_successive(converted) -> None:
    assert _label(converted, "AgapeAtpCorp").fields.renewal_term == "10 years"  # "successive 10 years"
    netgear = "NETGEAR,INC_04_21_2003-EX-10.16-DISTRIBUTOR AGREEMENT.pdf"
    assert _label(converted, netgear).fields.renewal_term == "1 year"  # CUAD's "succesive 1 year"


def test_governing_law_is_one_jurisdiction_the_scorer_reads(converted) -> None:
    law = _label(converted, "DIVERSINETCORP").fields.governing_law
    assert law == "Ontario, Canada"
    assert compare_field("governing_law", law, "the laws of the Province of Ontario").tp == 1
    two = _label(converted, "DRAGONSYSTEMSINC")  # "Massachusetts; Netherlands"
    assert two.fields.governing_law is None and "several" in two.unlabelled["governing_law"]


def test_fields_cuad_does_not_label_are_marked(converted) -> None:
    label = _label(converted, "AgapeAtpCorp")
    assert set(NOT_IN_CUAD) <= set(label.unlabelled)
    # An empty Effective Date is unlabelled; an empty Expiration Date is labelled "not stated".
    shopping = _label(converted, "AMERICASSHOPPINGMALLINC")
    assert "effective_date" in shopping.unlabelled
    assert shopping.fields.expiration_date is None and "expiration_date" not in shopping.unlabelled


def test_the_33_yes_no_clauses_are_kept_with_their_texts(converted) -> None:
    label = _label(converted, "BNCMORTGAGEINC")
    assert len(label.clauses) == 33 and "Parties" not in label.clauses
    assert all(isinstance(clause.answer, bool) for clause in label.clauses.values())
    assert all(clause.texts for clause in label.clauses.values() if clause.answer)
    assert all(not clause.texts for clause in label.clauses.values() if not clause.answer)


def test_the_committed_labels_and_split_are_what_the_converter_writes(tmp_path: Path) -> None:
    (tmp_path / CSV_FILE).symlink_to(CUAD_DIR / CSV_FILE)
    (tmp_path / DOCUMENTS_DIR).symlink_to(CUAD_DIR / DOCUMENTS_DIR)
    copies = convert(tmp_path)
    assert copies == ["ADUROBIOTECH,INC_06_02_2020-EX-10.7-CONSULTING AGREEMENT(1).PDF"]  # same bytes
    for name in (LABELS_FILE, SPLIT_FILE):
        assert (tmp_path / name).read_bytes() == (CUAD_DIR / name).read_bytes(), name


def test_the_contract_type_is_cuads_type_from_the_file_name(converted) -> None:
    assert _label(converted, "AgapeAtpCorp").fields.contract_type == ContractType.supply
    # "MASTER SUPPLY AGREEMENT" is a supply agreement, not a master services one.
    assert _label(converted, "BELLRINGBRANDS,INC_02_07_2020").fields.contract_type == ContractType.supply
    # "TRANSPORTATION SERVICE AGREEMENT": one type, not transportation and services.
    assert _label(converted, "ATMOSENERGYCORP").fields.contract_type == ContractType.transportation


def test_a_file_name_with_several_types_or_a_foreign_one_leaves_the_type_unlabelled(converted) -> None:
    several = _label(converted, "BNCMORTGAGEINC")  # LICENSING AND WEB SITE HOSTING AGREEMENT
    assert several.fields.contract_type is None
    assert "several agreement types (license, hosting)" in several.unlabelled["contract_type"]
    filing = _label(converted, "ONEMAINHOLDINGS")  # JOINT FILING AGREEMENT
    assert filing.fields.contract_type is None and "'joint filing'" in filing.unlabelled["contract_type"]
    yield_ = _label(converted, "WELLSFARGOMORTGAGEBACKED")  # Yield Maintenance Agreement: no maintenance
    assert yield_.fields.contract_type is None and "'yield maintenance'" in yield_.unlabelled["contract_type"]


def test_the_notice_that_stops_a_renewal_becomes_days(converted) -> None:
    row, label = next(pair for name, pair in converted.items() if name.startswith("AgapeAtpCorp"))
    assert row[f"{NOTICE_CATEGORY}- Answer"] == "6 months"
    assert label.fields.renewal_notice_days == 180  # a month is 30 days, as the scorer counts it
    assert _label(converted, "AMERICANPHYSICIANSCAPITALINC").fields.renewal_notice_days == 120
    # No notice in CUAD: labelled "not stated", so a predicted notice is a false positive.
    row, silent = next(pair for name, pair in converted.items() if name.startswith("BIOPURECORP"))
    assert row[f"{NOTICE_CATEGORY}- Answer"] == ""
    assert silent.fields.renewal_notice_days is None and silent.scores("renewal_notice_days")


def test_a_notice_the_field_cannot_hold_is_unlabelled_with_cuads_answer(converted) -> None:
    two = _label(converted, "ATMOSENERGYCORP")  # "60 days; 180 days"
    assert two.fields.renewal_notice_days is None and "several" in two.unlabelled["renewal_notice_days"]
    typo = _label(converted, "PacificapEntertainmentHoldings")  # "60) days"
    assert "'60) days'" in typo.unlabelled["renewal_notice_days"]


def test_each_yes_no_answer_is_the_clause_fields_answer(converted) -> None:
    row, label = next(pair for name, pair in converted.items() if name.startswith("BNCMORTGAGEINC"))
    assert label.schema_version == SCHEMA_VERSION
    answers = label.fields.clauses.model_dump()
    assert set(answers) == {category.value for category in ClauseCategory}
    for category, name in CUAD_NAMES.items():
        assert answers[category.value] is (row[f"{name}-Answer"] == "Yes"), name
        assert label.clauses[name].answer is answers[category.value]
        assert label.scores(f"clauses.{category.value}")
    assert any(answers.values()) and not all(answers.values())
