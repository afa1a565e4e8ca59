"""Phrasings and layouts of the TEST split (reporting). Disjoint from the dev pool: a score here means
the extractor generalises to wordings it was not tuned on. Editing this file changes
`goldset/TEST_TEMPLATES.sha256` (rewrite it with `python -m goldset.templates --write-hash`)."""

from __future__ import annotations

from goldset.templates.pool import PhrasingPool

TEST_POOL = PhrasingPool(
    layouts=(
        "Courier:9.5:roman:upper",
        "Helvetica:9.5:clause:title",
        "Times-Roman:10:roman:title",
    ),
    date_formats=(
        "the {ordinal} day of {month}, {yyyy}",
        "{day} {month} {yyyy}",
        "{ordinal} {month} {yyyy}",
        "{mon}. {day}, {yyyy}",
        "{dd}.{mm}.{yyyy}",
    ),
    money_formats=("{code} {millions} million", "{n0} {code}", "{sym}{n0}"),
    duration_formats=("{words} {unit}", "a period of {n} {unit}"),
    days_formats=("{words} days", "{n} calendar days"),
    titles={
        "nda": ("Non-Disclosure Agreement", "Agreement Regarding Confidential Information"),
        "master_services": ("Services Agreement", "Framework Agreement for Services"),
        "statement_of_work": ("Work Order", "Project Statement of Work"),
        "lease": ("Lease of Premises", "Deed of Lease"),
        "employment": ("Contract of Employment", "Offer and Employment Terms"),
        "license": ("Licence Agreement", "Trademark Licence"),
        "supply": ("Purchase and Supply Agreement", "Agreement for the Supply of Goods"),
    },
    preambles=(
        'THIS {title} is dated {date} and is made BETWEEN (1) {p1}, {d1} (the "{r1}"); and (2) {p2}, {d2} '
        '(the "{r2}").',
        '{p1}, {d1} (hereinafter "{r1}"), and {p2}, {d2} (hereinafter "{r2}"), agree to this {title} as '
        "set forth below.",
    ),
    recital_openings=(
        "{title}, made on {date}. BACKGROUND:",
        "This {title} is made on {date}. The parties are identified in the recitals that follow.",
    ),
    recitals=(
        '(A) {p1}, {d1} (the "{r1}"), carries on the business of {business}. (B) {p2}, {d2} (the "{r2}"), '
        "has agreed to the terms of this agreement. IT IS AGREED as follows.",
    ),
    signature_only_openings=(
        "This {title} takes effect on {date} between the parties named in the execution block at the end "
        "of this document.",
    ),
    effective_date_clauses=(
        "The Commencement Date of this agreement is {date}.",
        "The rights and obligations of the parties begin on {date}.",
    ),
    term_clauses=(
        "This agreement continues for {term} from the Commencement Date.",
        "The parties agree that the initial period of this agreement is {term}.",
    ),
    expiration_clauses=(
        "This agreement ends automatically on {expiration} unless terminated before then.",
        "The agreement terminates on {expiration}.",
    ),
    renewal_auto_clauses=(
        "At the end of the initial period the agreement is extended by further periods of {renewal} each, "
        "unless a party objects in writing no later than {nonrenew} before the extension would begin.",
    ),
    renewal_none_clauses=("There is no automatic extension of this agreement.",),
    termination_clauses=(
        "A party may end this agreement at any time by serving {notice}' notice in writing.",
        "Either party may bring this agreement to an end on not less than {notice}' written notice.",
    ),
    cure_clauses=(
        "A party may end this agreement at once by notice if the other commits a material breach which is "
        "not remedied within {cure} of being asked to do so.",
    ),
    governing_law_clauses=(
        "This agreement shall be construed in accordance with {law_adj}.",
        "The validity, interpretation and performance of this agreement are subject to {law}.",
        "{law_cap} shall govern this agreement and any non-contractual obligations arising out of it.",
    ),
    venue_clauses=("Any proceedings shall be brought before the courts sitting in {city}.",),
    value_clauses={
        "master_services": ("The maximum amount payable under this agreement is {value}.",),
        "statement_of_work": ("The price of the work described in this Work Order is {value} in total.",),
        "lease": ("Over the initial period, rent totalling {value} falls due from the {b}.",),
        "license": ("The {b} will pay the {a} a licence fee of {value}.",),
        "supply": ("The total value of Goods to be purchased under this agreement is {value}.",),
    },
    liability_cap_clauses=("Each party's total liability is capped at {cap}.",),
    payment_terms_clauses=(
        "Invoices fall due for payment {days} after the date on which they are received.",
        "The {a} must settle every invoice within {days} of its date.",
    ),
    reference_clauses=(
        "Reference is made to the {ref_title} made on {ref_date}, which remains in effect.",
        "The {ref_title} of {ref_date} is amended by this agreement only as expressly stated.",
    ),
    witness_clauses=(
        "Executed by the parties on the dates set out below.",
        "SIGNED as an agreement on {exec_date}.",
    ),
    signature_blocks=(
        "Signed for and on behalf of\n{party} ({role})\nby {name}, {title}\nDate signed: {date}",
        "For the {role}:\n{party}\nPer: ______________________\n{name} / {title}\nDated {date}",
    ),
    schedule_titles=("Schedule 1 - Payment Milestones", "Annex 1: Instalments"),
    schedule_headers=("Instalment|Payable on|Sum", "Stage|Date due|Payment"),
    scope_titles=("Schedule 2 - Particulars", "Annex 2: Specification"),
)
