"""A contract type predicted in today's vocabulary, read the way an older label's vocabulary meant it.

contract-fields/1 had seven kinds: a distribution or reseller agreement was `supply`, a consulting or
outsourcing agreement `master_services`, and a franchise or sponsorship `other`. /2 names those kinds
(CUAD's agreement types). A label written against /1 (the synthetic set) still says `supply`, so a /2
"distribution" answer is scored as the /1 kind it falls under: right for a distribution agreement
labelled supply, as /1's own rules would have read its title.
"""

from __future__ import annotations

from goldset.labels import FIRST_VERSION
from schemas.contract import ContractType

_FIRST_VERSION_KINDS = {
    ContractType.nda,
    ContractType.master_services,
    ContractType.statement_of_work,
    ContractType.lease,
    ContractType.employment,
    ContractType.license,
    ContractType.supply,
    ContractType.other,
}
# The /2 kinds /1 filed under one of its own (its title rules: "distribut", "manufactur", "reseller" ->
# supply; "consult", "services agreement", "outsourcing", "maintenance agreement" -> master_services).
_UNDER_FIRST_VERSION = {
    ContractType.distribution: ContractType.supply,
    ContractType.manufacturing: ContractType.supply,
    ContractType.reseller: ContractType.supply,
    ContractType.services: ContractType.master_services,
    ContractType.consulting: ContractType.master_services,
    ContractType.outsourcing: ContractType.master_services,
    ContractType.maintenance: ContractType.master_services,
}


def as_labelled(kind: ContractType | None, schema_version: str) -> ContractType | None:
    """`kind` in the vocabulary of the schema version a label was written against."""
    if kind is None or schema_version != FIRST_VERSION or kind in _FIRST_VERSION_KINDS:
        return kind
    return _UNDER_FIRST_VERSION.get(kind, ContractType.other)
