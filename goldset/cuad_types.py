"""The agreement type a CUAD file name gives -> ContractType, by a fixed table of type phrases.

CUAD sorts its contracts into 25 types by their names, and its file names end in the agreement's name
("..._EX-10.10_Co-Branding Agreement_ Agency Agreement.pdf", "...-EX-10.13-JOINT VENTURE AGREEMENT.PDF").
Every phrase of TYPE_PHRASES found in the name (as whole words, longest first, case ignored) is one type:

- one type: the label;
- several ("Co-Branding Agreement_ Agency Agreement", "SUPPLY AND MANUFACTURING AGREEMENT"): unlabelled,
  since the field holds one and picking the first would be a guess;
- a phrase of UNMAPPED ("JOINT FILING AGREEMENT", "YIELD MAINTENANCE AGREEMENT"): unlabelled, the type
  is not one of the schema's;
- none: unlabelled.

Company names in CUAD's file names are written without spaces ("OPTIMIZEDTRANSPORTATIONMANAGEMENT,INC"),
so a whole-word phrase is only ever found in the agreement's name.
"""

from __future__ import annotations

import re

from goldset.cuad_answers import Unscorable
from schemas.contract import ContractType

# Type phrase -> type. A longer phrase is read before the words in it, so "transportation services" is
# one transportation agreement and "master services" is not also a services one.
TYPE_PHRASES: dict[str, ContractType] = {
    "affiliate": ContractType.affiliate,
    "agency": ContractType.agency,
    "co-branding": ContractType.co_branding,
    "collaboration": ContractType.collaboration,
    "cooperation": ContractType.collaboration,  # CUAD files cooperation agreements as collaborations
    "consulting": ContractType.consulting,
    "development": ContractType.development,
    "distributor": ContractType.distribution,
    "distribution": ContractType.distribution,
    "endorsement": ContractType.endorsement,
    "franchise": ContractType.franchise,
    "hosting": ContractType.hosting,
    "co-hosting": ContractType.hosting,
    "intellectual property": ContractType.intellectual_property,
    "joint venture": ContractType.joint_venture,
    "license": ContractType.license,
    "licensing": ContractType.license,
    "maintenance": ContractType.maintenance,
    "manufacturing": ContractType.manufacturing,
    "marketing": ContractType.marketing,
    "non-compete": ContractType.non_compete,
    "outsourcing": ContractType.outsourcing,
    "promotion": ContractType.promotion,
    "reseller": ContractType.reseller,
    "master service": ContractType.master_services,
    "master services": ContractType.master_services,
    "service": ContractType.services,
    "services": ContractType.services,
    "servicing": ContractType.services,
    "sponsorship": ContractType.sponsorship,
    "strategic alliance": ContractType.strategic_alliance,
    "supply": ContractType.supply,
    "transportation": ContractType.transportation,
    "transportation service": ContractType.transportation,
    "transportation services": ContractType.transportation,
}
# Type phrases that name no type of the schema's: a financial undertaking called "maintenance" is no
# maintenance contract, and a joint filing agreement (shareholders filing one SEC statement) is neither.
UNMAPPED: tuple[str, ...] = (
    "joint filing",
    "yield maintenance",
    "capital maintenance",
    "income maintenance",
)
_PHRASES = sorted([*TYPE_PHRASES, *UNMAPPED], key=len, reverse=True)
_FIND = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(p) for p in _PHRASES) + r")(?!\w)")


def agreement_name(filename: str) -> str:
    """The file name as words: extension dropped, CUAD's "_" separators read as spaces."""
    stem = re.sub(r"\.pdf$", "", filename, flags=re.IGNORECASE)
    return " ".join(stem.replace("_", " ").split()).casefold()


def read_contract_type(filename: str) -> ContractType | Unscorable:
    """The one type the file name names, or why the name gives none."""
    found = list(dict.fromkeys(_FIND.findall(agreement_name(filename))))
    unmapped = [phrase for phrase in found if phrase in UNMAPPED]
    if unmapped:
        return Unscorable(f"CUAD's agreement type {unmapped[0]!r} is none of the schema's contract types")
    types = list(dict.fromkeys(TYPE_PHRASES[phrase] for phrase in found))
    if not types:
        return Unscorable("the file name names no agreement type the mapping knows")
    if len(types) > 1:
        names = ", ".join(t.value for t in types)
        return Unscorable(f"the file name names several agreement types ({names}); the field holds one")
    return types[0]
