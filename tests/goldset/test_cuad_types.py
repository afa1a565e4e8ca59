"""The file-name -> contract type table, on names shaped like CUAD's."""

from __future__ import annotations

from goldset.cuad_answers import Unscorable
from goldset.cuad_types import TYPE_PHRASES, read_contract_type
from schemas.contract import ContractType

# The synthetic set's kinds that CUAD has no type for, and the catch-all.
NOT_CUAD = {ContractType.nda, ContractType.statement_of_work, ContractType.lease, ContractType.employment}


def test_every_cuad_type_of_the_schema_has_a_phrase() -> None:
    assert set(TYPE_PHRASES.values()) == set(ContractType) - NOT_CUAD - {ContractType.other}


def test_both_file_name_styles_give_their_type() -> None:
    assert read_contract_type("ACME_20190101_8-K_EX-10.1_123_EX-10.1_Content License Agreement2.pdf") == (
        ContractType.license
    )
    assert read_contract_type("ACMEINC_01_01_2000-EX-10.13-JOINT VENTURE AGREEMENT.PDF") == (
        ContractType.joint_venture
    )
    assert read_contract_type("ACMEINC_01_01_2000-EX-10.2-CO-HOSTING AGREEMENT.PDF") == ContractType.hosting


def test_a_company_name_is_not_read_as_a_type() -> None:
    # CUAD writes company names without spaces: "SUPPLY" inside one is no supply agreement.
    name = "GULFSOUTHMEDICALSUPPLYINC_12_24_1997-EX-4-AFFILIATE AGREEMENT.PDF"
    assert read_contract_type(name) == ContractType.affiliate


def test_no_type_in_the_name_is_unscorable() -> None:
    result = read_contract_type("ACMEINC_01_01_2000-EX-10.1-LETTER OF INTENT.PDF")
    assert isinstance(result, Unscorable) and "no agreement type" in result.reason
