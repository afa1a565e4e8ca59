"""Tuning pools: phrasings and signature pages written from common US and English drafting habits.

They generate extra tuning documents (`python -m goldset.generate --pool drafting --out DIR`), labelled
"dev", so rule writers can check that a rule generalises beyond the dev split without ever reading the
test pool. They are written independently of both split pools.
"""

from __future__ import annotations

from dataclasses import replace

from goldset.templates.pool import PhrasingPool

DRAFTING_POOL = PhrasingPool(
    layouts=(
        "Courier:10:roman:upper",
        "Helvetica:10.5:clause:title",
        "Times-Roman:11:decimal:title",
        "Helvetica:9.5:article:upper",
    ),
    date_formats=(
        "{day} {month} {yyyy}",
        "the {ordinal} day of {month}, {yyyy}",
        "{mon} {day}, {yyyy}",
        "{month} {ordinal}, {yyyy}",
        "{dd}.{mm}.{yyyy}",
        "{month} {day}, {yyyy}",
    ),
    money_formats=("{sym}{n0}", "{n2} {code}", "{sym}{millions} million", "{sym}{n2} ({code})", "{code}{n0}"),
    duration_formats=("{words} {unit}", "{n} ({words}) {unit}", "{words} ({n}) {unit}"),
    days_formats=("{words} days", "{n} ({words}) days", "{n} calendar days", "{words} ({n}) days"),
    titles={
        "nda": (
            "Non-Disclosure Agreement",
            "Mutual Confidentiality and Non-Disclosure Agreement",
            "Confidentiality and Nondisclosure Agreement",
        ),
        "master_services": (
            "Master Service Agreement",
            "Professional Services Agreement",
            "Master Consulting Services Agreement",
        ),
        "statement_of_work": (
            "Statement of Work #{sow_no}",
            "Statement of Work No. {sow_no} - Implementation",
        ),
        "lease": ("Lease Agreement", "Commercial Lease", "Lease of Commercial Premises"),
        "employment": (
            "Employment Contract",
            "Contract of Employment",
            "Employment and Confidentiality Agreement",
        ),
        "license": (
            "License Agreement",
            "Software Licence Agreement",
            "Patent and Technology License Agreement",
        ),
        "supply": (
            "Supply and Purchase Agreement",
            "Product Supply Agreement",
            "Distribution and Supply Agreement",
        ),
    },
    preambles=(
        'THIS {title} (the "Agreement") is made and entered into on {date}, by and between {p1}, {d1} '
        '(hereinafter referred to as "{r1}"), and {p2}, {d2} (hereinafter referred to as "{r2}").',
        'This {title} ("Agreement") is dated {date} and is made between: (1) {p1}, {d1} (the "{r1}"); '
        'and (2) {p2}, {d2} (the "{r2}").',
        'This {title} is made effective as of {date} by and among {p1}, {d1} ("{r1}"), and {p2}, {d2} '
        '("{r2}"). {r1} and {r2} are each referred to herein as a "Party".',
        'This {title} (this "Agreement") is entered into by {p1}, {d1} (the "{r1}") and {p2}, {d2} '
        '(the "{r2}").',
        'PARTIES: (1) {p1}, {d1} ("{r1}"); and (2) {p2}, {d2} ("{r2}"). DATE: {date}.',
    ),
    recital_openings=("THIS {title} is dated {date}.", "Dated: {date}"),
    recitals=(
        'BETWEEN: {p1}, {d1} (hereinafter the "{r1}") AND: {p2}, {d2} (hereinafter the "{r2}"). '
        "BACKGROUND: (A) The {r1} carries on the business of {business}. (B) The parties wish to record "
        "the terms agreed between them.",
        'RECITALS. A. {p1}, {d1} ("{r1}"), is in the business of {business}. B. {p2}, {d2} ("{r2}"), '
        "desires to engage {r1} on the terms below. NOW, THEREFORE, in consideration of the mutual "
        "covenants contained herein, the parties agree as follows:",
    ),
    signature_only_openings=(
        "This {title} is effective as of {date} and is agreed between the undersigned.",
        "Effective {date}, the undersigned parties agree to the terms set out in this {title}.",
    ),
    effective_date_clauses=(
        'This Agreement is effective as of {date} ("Effective Date").',
        '"Effective Date" means {date}.',
        'This Agreement will commence on {date} (the "Commencement Date").',
        "This Agreement takes effect on and from {date}.",
    ),
    term_clauses=(
        "This Agreement will continue in effect for {term} from the Effective Date, unless terminated "
        "earlier as provided herein.",
        "The initial term of this Agreement is {term}, commencing on the Effective Date.",
        'The term of this Agreement (the "Term") shall be {term} from the date hereof.',
    ),
    expiration_clauses=(
        "This Agreement will terminate on {expiration} unless extended by the parties.",
        "The Term ends at 11:59 p.m. on {expiration}.",
        "This Agreement shall remain in effect until {expiration}.",
    ),
    renewal_auto_clauses=(
        "Thereafter, this Agreement will automatically renew for additional periods of {renewal} unless "
        "either party notifies the other in writing of its intention not to renew at least {nonrenew} "
        "prior to the expiration of the then-current term.",
        "At the end of the Initial Term the Agreement shall be extended automatically for consecutive terms "
        "of {renewal}, unless terminated by either party upon {nonrenew} notice.",
        "This Agreement will renew automatically for further periods of {renewal} each unless a party gives "
        "notice of termination not less than {nonrenew} before the renewal date.",
    ),
    renewal_none_clauses=(
        "There shall be no automatic renewal of this Agreement.",
        "This Agreement may be renewed only by mutual written agreement of the parties.",
        "Upon expiration, this Agreement will not be renewed unless the parties agree otherwise in writing.",
    ),
    termination_clauses=(
        "Either party may terminate this Agreement at any time, with or without cause, by providing {notice} "
        "written notice to the other party.",
        "This Agreement may be terminated by either Party upon giving {notice} prior notice in writing.",
        "Either party may end this Agreement on not less than {notice} notice in writing to the other.",
    ),
    cure_clauses=(
        "If either party commits a material breach which is not remedied within {cure} of written notice, "
        "the other party may terminate this Agreement immediately.",
        "A party in breach shall have {cure} to cure the breach after receipt of notice thereof.",
    ),
    governing_law_clauses=(
        "This Agreement is governed by and shall be construed under {law}.",
        "The validity, interpretation and performance of this Agreement shall be governed by {law}.",
        "This Agreement and any dispute arising from it shall be governed by {law_adj}.",
        "{law_cap} shall govern this Agreement.",
    ),
    venue_clauses=(
        "The courts of {city} shall have exclusive jurisdiction over any dispute.",
        "Any action hereunder shall be brought exclusively in the courts sitting in {city}.",
    ),
    value_clauses={
        "master_services": (
            "In consideration for the Services, {a} shall pay {b} total fees of {value}.",
            "Total compensation under this Agreement shall not exceed {value}.",
        ),
        "statement_of_work": (
            "The fees for this SOW total {value}, payable as set out below.",
            "Estimated total cost of the Services: {value}.",
        ),
        "lease": (
            "The aggregate Base Rent for the Term is {value}.",
            "Total rent payable over the Term amounts to {value}.",
        ),
        "license": ("{b} shall pay {a} a one-time license fee in the amount of {value}.",),
        "supply": (
            "The total contract price for the Products is {value}.",
            "{b} agrees to purchase Products with an aggregate value of {value} during the Term.",
        ),
    },
    liability_cap_clauses=(
        "Each party's total liability arising out of or in connection with this Agreement shall be limited "
        "to {cap}.",
        "The maximum aggregate liability of either party shall not exceed {cap}.",
    ),
    payment_terms_clauses=(
        "{b} shall pay all invoices within {days} of the invoice date.",
        "Payment is due {n} days after receipt of a correct invoice.",
        "Invoices shall be paid in full within {days} from receipt.",
        "Payment terms: Net {n}.",
    ),
    reference_clauses=(
        "This Agreement is subject to the {ref_title} dated {ref_date}.",
        "This Agreement amends and restates the {ref_title} dated as of {ref_date}.",
        "Reference is made to the {ref_title} between the parties dated {ref_date}.",
    ),
    witness_clauses=(
        "Signed by the parties on {exec_date}.",
        "IN WITNESS WHEREOF, the parties hereto have executed this Agreement on {exec_date}.",
        "EXECUTED as an agreement.",
        "AGREED AND ACCEPTED by the parties:",
        "The parties have signed this Agreement on the dates set out below.",
    ),
    signature_blocks=(
        "For and on behalf of {party}\nSignature: ______________________\nName: {name}\nTitle: {title}\n"
        "Date: {date}",
        "{party}\nBy: /s/ {name}\nName: {name}\nIts: {title}\nDated: {date}",
        "SIGNED for and on behalf of {party} by {name}, {title}\n______________________\nDate: {date}",
        "{role}:\n{party}\nBy: ______________________\nPrinted Name: {name}\nTitle: {title}\n"
        "Date Signed: {date}",
        "ACCEPTED: {party}\nSignature: ____________\nPrint name: {name}\nPosition: {title}\nOn: {date}",
    ),
    schedule_titles=("Schedule 1 - Fees", "Appendix A: Payment Schedule"),
    schedule_headers=("Instalment|Date|Fee", "Payment|Due|Amount"),
    scope_titles=("Schedule 2 - Services", "Annex B: Specifications"),
)

# Signature pages with no labels (names, capacities, role-only headers) and other wordings again.
SIGNATURE_PAGES_POOL = replace(
    DRAFTING_POOL,
    layouts=("Times-Roman:10:decimal:title", "Helvetica:10:section:upper", "Courier:9.5:clause:title"),
    date_formats=("{dd} {mon} {yyyy}", "{mon}. {day}, {yyyy}", "{mm}/{dd}/{yyyy}", "{month} {day}, {yyyy}"),
    money_formats=("{sym} {n2}", "{code} {n2}", "{sym}{n0}"),
    preambles=(
        'This {title} (the "Agreement") dated {date} is between {p1} ("{r1}"), {d1}, and {p2} ("{r2}"), '
        "{d2}.",
        'This {title} is made on {date} between {p1}, {d1} (the "{r1}"), and {p2}, {d2} (the "{r2}").',
        '{p1} (the "{r1}") and {p2} (the "{r2}") agree to this {title} as follows.',
    ),
    effective_date_clauses=(
        "The effective date of this Agreement shall be {date}.",
        "Effective Date: {date}",
        'This Agreement is effective from {date} (the "Start Date").',
    ),
    term_clauses=(
        "This Agreement shall be for a term of {term} beginning on the Effective Date.",
        "The Term of this Agreement is {term}.",
        "This Agreement runs for {term} from the Effective Date.",
    ),
    expiration_clauses=(
        "Unless renewed, this Agreement expires on {expiration}.",
        "This Agreement shall terminate automatically on {expiration}.",
    ),
    renewal_auto_clauses=(
        "This Agreement shall be renewed automatically for successive {renewal} terms, unless either Party "
        "notifies the other of non-renewal in writing {nonrenew} before expiry.",
        "Unless either party gives {nonrenew} notice before the end of the term, the term is extended by "
        "{renewal} each time.",
    ),
    renewal_none_clauses=(
        "This Agreement is not subject to automatic renewal.",
        "No renewal of this Agreement shall occur without a written amendment signed by both parties.",
    ),
    termination_clauses=(
        "Either party may terminate this Agreement for convenience on {notice} written notice.",
        "Upon {notice} written notice, either party may terminate this Agreement.",
        "This Agreement may be cancelled by either party by {notice} notice in writing.",
    ),
    governing_law_clauses=(
        "This Agreement is governed by {law}.",
        "Governing law: {law_cap}.",
        "This Agreement shall be interpreted in accordance with {law_adj}.",
    ),
    payment_terms_clauses=(
        "Payment shall be made within {days} after the date of invoice.",
        "{a} shall pay all amounts due within {days} of receipt of an undisputed invoice.",
    ),
    witness_clauses=(
        "IN WITNESS WHEREOF the parties have signed this Agreement.",
        "Executed on {exec_date}.",
        "AS WITNESS the hands of the parties on {exec_date}.",
        "SIGNATURES",
    ),
    signature_blocks=(
        "{party}\n______________________\n{name}\n{title}\nDate: {date}",
        "{role}\n\n______________________\n{name}, {title}\n{date}",
        "Signed for {party}:\n\n{name}\n{title}\nDated {date}",
        "{party}\n______________________\n{name} ({title})\n{date}",
    ),
)

TUNING_POOLS: dict[str, PhrasingPool] = {"drafting": DRAFTING_POOL, "signature-pages": SIGNATURE_PAGES_POOL}
