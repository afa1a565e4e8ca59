"""The clause categories lawyers review: CUAD's 33 yes/no categories, each a slug and CUAD's name.

A contract's answer per category is present (True), absent (False) or unknown (None, not read). The slug
is the name everywhere in Abstractor (schema field, search filter `clause.<slug>=true`, export column);
CUAD's name is kept for the golden set's labels, which carry CUAD's wording.
"""

from __future__ import annotations

from enum import StrEnum


class ClauseCategory(StrEnum):
    affiliate_license_licensee = "affiliate_license_licensee"
    affiliate_license_licensor = "affiliate_license_licensor"
    anti_assignment = "anti_assignment"
    audit_rights = "audit_rights"
    cap_on_liability = "cap_on_liability"
    change_of_control = "change_of_control"
    competitive_restriction_exception = "competitive_restriction_exception"
    covenant_not_to_sue = "covenant_not_to_sue"
    exclusivity = "exclusivity"
    insurance = "insurance"
    ip_ownership_assignment = "ip_ownership_assignment"
    irrevocable_or_perpetual_license = "irrevocable_or_perpetual_license"
    joint_ip_ownership = "joint_ip_ownership"
    license_grant = "license_grant"
    liquidated_damages = "liquidated_damages"
    minimum_commitment = "minimum_commitment"
    most_favored_nation = "most_favored_nation"
    no_solicit_of_customers = "no_solicit_of_customers"
    no_solicit_of_employees = "no_solicit_of_employees"
    non_compete = "non_compete"
    non_disparagement = "non_disparagement"
    non_transferable_license = "non_transferable_license"
    post_termination_services = "post_termination_services"
    price_restrictions = "price_restrictions"
    revenue_profit_sharing = "revenue_profit_sharing"
    rofr_rofo_rofn = "rofr_rofo_rofn"
    source_code_escrow = "source_code_escrow"
    termination_for_convenience = "termination_for_convenience"
    third_party_beneficiary = "third_party_beneficiary"
    uncapped_liability = "uncapped_liability"
    unlimited_license = "unlimited_license"
    volume_restriction = "volume_restriction"
    warranty_duration = "warranty_duration"


# CUAD's name of each category (a column of master_clauses.csv), in the golden set's labels.
CUAD_NAMES: dict[ClauseCategory, str] = {
    ClauseCategory.affiliate_license_licensee: "Affiliate License-Licensee",
    ClauseCategory.affiliate_license_licensor: "Affiliate License-Licensor",
    ClauseCategory.anti_assignment: "Anti-Assignment",
    ClauseCategory.audit_rights: "Audit Rights",
    ClauseCategory.cap_on_liability: "Cap On Liability",
    ClauseCategory.change_of_control: "Change Of Control",
    ClauseCategory.competitive_restriction_exception: "Competitive Restriction Exception",
    ClauseCategory.covenant_not_to_sue: "Covenant Not To Sue",
    ClauseCategory.exclusivity: "Exclusivity",
    ClauseCategory.insurance: "Insurance",
    ClauseCategory.ip_ownership_assignment: "Ip Ownership Assignment",
    ClauseCategory.irrevocable_or_perpetual_license: "Irrevocable Or Perpetual License",
    ClauseCategory.joint_ip_ownership: "Joint Ip Ownership",
    ClauseCategory.license_grant: "License Grant",
    ClauseCategory.liquidated_damages: "Liquidated Damages",
    ClauseCategory.minimum_commitment: "Minimum Commitment",
    ClauseCategory.most_favored_nation: "Most Favored Nation",
    ClauseCategory.no_solicit_of_customers: "No-Solicit Of Customers",
    ClauseCategory.no_solicit_of_employees: "No-Solicit Of Employees",
    ClauseCategory.non_compete: "Non-Compete",
    ClauseCategory.non_disparagement: "Non-Disparagement",
    ClauseCategory.non_transferable_license: "Non-Transferable License",
    ClauseCategory.post_termination_services: "Post-Termination Services",
    ClauseCategory.price_restrictions: "Price Restrictions",
    ClauseCategory.revenue_profit_sharing: "Revenue/Profit Sharing",
    ClauseCategory.rofr_rofo_rofn: "Rofr/Rofo/Rofn",
    ClauseCategory.source_code_escrow: "Source Code Escrow",
    ClauseCategory.termination_for_convenience: "Termination For Convenience",
    ClauseCategory.third_party_beneficiary: "Third Party Beneficiary",
    ClauseCategory.uncapped_liability: "Uncapped Liability",
    ClauseCategory.unlimited_license: "Unlimited/All-You-Can-Eat-License",
    ClauseCategory.volume_restriction: "Volume Restriction",
    ClauseCategory.warranty_duration: "Warranty Duration",
}
_BY_CUAD_NAME = {name: category for category, name in CUAD_NAMES.items()}


def from_cuad_name(name: str) -> ClauseCategory:
    """The category CUAD names `name`; ValueError for a name that is not one of the 33."""
    if name not in _BY_CUAD_NAME:
        raise ValueError(f"{name!r} is not one of CUAD's clause categories")
    return _BY_CUAD_NAME[name]


# The question each category answers: the schema's description of the field, so a VLM asked for the
# clauses through guided JSON reads the same question a lawyer's checklist asks.
QUESTIONS: dict[ClauseCategory, str] = {
    ClauseCategory.affiliate_license_licensee: "Does a license granted to a party extend to its affiliates?",
    ClauseCategory.affiliate_license_licensor: "Does a license include IP of the licensor's affiliates?",
    ClauseCategory.anti_assignment: "Is consent or notice required to assign the contract?",
    ClauseCategory.audit_rights: "May a party audit the other's books, records or compliance?",
    ClauseCategory.cap_on_liability: "Is a party's liability capped (an amount, a period of fees)?",
    ClauseCategory.change_of_control: "Does a change of control give rights (termination, consent)?",
    ClauseCategory.competitive_restriction_exception: "Are there exceptions to a non-compete or no-solicit?",
    ClauseCategory.covenant_not_to_sue: "Is a party barred from contesting IP or bringing claims?",
    ClauseCategory.exclusivity: "Is there an exclusive dealing or supply commitment, or exclusive rights?",
    ClauseCategory.insurance: "Must a party maintain insurance?",
    ClauseCategory.ip_ownership_assignment: "Does IP created by one party become the other's property?",
    ClauseCategory.irrevocable_or_perpetual_license: "Is a license irrevocable or perpetual?",
    ClauseCategory.joint_ip_ownership: "Is any IP jointly owned by the parties?",
    ClauseCategory.license_grant: "Does the contract grant a license to IP?",
    ClauseCategory.liquidated_damages: "Are liquidated damages or a termination fee set?",
    ClauseCategory.minimum_commitment: "Is there a minimum order, purchase or volume commitment?",
    ClauseCategory.most_favored_nation: "Must a party get terms at least as good as any third party gets?",
    ClauseCategory.no_solicit_of_customers: "Is a party barred from soliciting the other's customers?",
    ClauseCategory.no_solicit_of_employees: "Is a party barred from hiring the other's employees?",
    ClauseCategory.non_compete: "Is a party barred from competing (a market, a region, a period)?",
    ClauseCategory.non_disparagement: "Is a party barred from disparaging the other?",
    ClauseCategory.non_transferable_license: "Is a license non-transferable or non-sublicensable?",
    ClauseCategory.post_termination_services: "Must a party provide services after the contract ends?",
    ClauseCategory.price_restrictions: "Is a party restricted in raising or setting prices?",
    ClauseCategory.revenue_profit_sharing: "Must a party share revenue or profit, or pay royalties?",
    ClauseCategory.rofr_rofo_rofn: "Is there a right of first refusal, first offer or first negotiation?",
    ClauseCategory.source_code_escrow: "Must source code be deposited in escrow?",
    ClauseCategory.termination_for_convenience: "May a party terminate without cause (for convenience)?",
    ClauseCategory.third_party_beneficiary: "Does the contract name a non-party as a beneficiary?",
    ClauseCategory.uncapped_liability: "Is a party's liability uncapped for some breach or claim?",
    ClauseCategory.unlimited_license: "Is a license unlimited in use or number of users (all you can eat)?",
    ClauseCategory.volume_restriction: "Is usage limited, or a fee due beyond a threshold of use?",
    ClauseCategory.warranty_duration: "Does a warranty last a stated period?",
}
