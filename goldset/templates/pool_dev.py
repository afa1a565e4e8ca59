"""Phrasings and layouts of the DEV split (tuning). None of these strings occur in the test pool."""

from __future__ import annotations

from goldset.templates.pool import PhrasingPool

DEV_POOL = PhrasingPool(
    layouts=(
        "Times-Roman:10.5:decimal:upper",
        "Helvetica:10:section:title",
        "Times-Roman:11:article:upper",
    ),
    date_formats=("{month} {day}, {yyyy}", "{yyyy}-{mm}-{dd}", "{mm}/{dd}/{yyyy}"),
    money_formats=("{sym}{n2}", "{code} {n0}", "{code} {n2}"),
    duration_formats=("{words} ({n}) {unit}", "{n} {unit}"),
    days_formats=("{words} ({n}) days", "{n} days"),
    titles={
        "nda": ("Mutual Non-Disclosure Agreement", "Confidentiality Agreement"),
        "master_services": ("Master Services Agreement", "Master Professional Services Agreement"),
        "statement_of_work": ("Statement of Work", "Statement of Work No. {sow_no}"),
        "lease": ("Commercial Lease Agreement", "Office Lease"),
        "employment": ("Employment Agreement", "Executive Employment Agreement"),
        "license": ("Software License Agreement", "Technology License Agreement"),
        "supply": ("Supply Agreement", "Master Supply Agreement"),
    },
    preambles=(
        'This {title} (this "Agreement") is entered into as of {date} by and between {p1}, {d1} ("{r1}"), '
        'and {p2}, {d2} ("{r2}").',
        'This {title} (the "Agreement") is made by and between {p1}, {d1} (the "{r1}"), and {p2}, {d2} '
        '(the "{r2}").',
    ),
    recital_openings=("This {title} is entered into as of {date} between the parties described below.",),
    recitals=(
        'WHEREAS, {p1}, {d1} ("{r1}"), is engaged in {business}; and WHEREAS, {p2}, {d2} ("{r2}"), wishes '
        "to enter into the arrangements set out below; NOW, THEREFORE, the parties agree as follows.",
    ),
    signature_only_openings=(
        "This {title} is entered into as of {date} by and between the parties whose names appear in the "
        'signature block below (each, a "Party").',
    ),
    effective_date_clauses=(
        'This Agreement shall become effective on {date} (the "Effective Date").',
        'The effective date of this Agreement is {date} (the "Effective Date").',
    ),
    term_clauses=(
        "The term of this Agreement shall commence on the Effective Date and continue for a period of "
        '{term} (the "Initial Term"), unless earlier terminated in accordance with its terms.',
        'This Agreement shall remain in force for an initial term of {term} (the "Initial Term").',
    ),
    expiration_clauses=(
        "Unless terminated earlier, this Agreement shall expire on {expiration}.",
        'The Initial Term ends on {expiration} (the "Expiration Date").',
    ),
    renewal_auto_clauses=(
        "Upon expiry of the Initial Term, this Agreement shall automatically renew for successive renewal "
        "periods of {renewal} each, unless either party gives written notice of non-renewal at least "
        "{nonrenew} before the end of the then-current term.",
    ),
    renewal_none_clauses=(
        "This Agreement shall not renew automatically; any extension must be agreed in writing by the "
        "parties.",
    ),
    termination_clauses=(
        "Either party may terminate this Agreement for convenience upon {notice}' prior written notice to "
        "the other party.",
        "This Agreement may be terminated by either party without cause by giving not less than {notice}' "
        "written notice.",
    ),
    cure_clauses=(
        "Either party may terminate this Agreement immediately if the other party materially breaches it "
        "and fails to cure such breach within {cure} after receiving written notice thereof.",
    ),
    governing_law_clauses=(
        "This Agreement shall be governed by and construed in accordance with {law}, without regard to its "
        "conflict of laws principles.",
        "This Agreement and all matters arising out of it shall be governed by {law}.",
    ),
    venue_clauses=(
        "Each party irrevocably submits to the exclusive jurisdiction of the courts located in {city}.",
    ),
    value_clauses={
        "master_services": (
            "The total fees payable by {a} under this Agreement shall not exceed {value}.",
            "The aggregate contract value of this Agreement is {value}.",
        ),
        "statement_of_work": (
            "The total fixed fee for the Services under this Statement of Work is {value}.",
        ),
        "lease": ("The total base rent payable by {b} for the Initial Term is {value}.",),
        "license": ("In consideration of the license granted herein, {b} shall pay {a} a fee of {value}.",),
        "supply": ("The aggregate purchase price for the Products under this Agreement is {value}.",),
    },
    liability_cap_clauses=(
        "In no event shall either party's aggregate liability under this Agreement exceed {cap}.",
    ),
    payment_terms_clauses=(
        "{a} shall pay each undisputed invoice within {days} after receipt.",
        "All invoices are payable net {n} days from the date of invoice.",
    ),
    reference_clauses=(
        "This Agreement is entered into pursuant to the {ref_title} dated {ref_date} between the parties.",
        "This Agreement supersedes the {ref_title} dated {ref_date}, which is hereby terminated.",
    ),
    witness_clauses=(
        "IN WITNESS WHEREOF, the parties have executed this Agreement as of the date first written above.",
        "IN WITNESS WHEREOF, the parties have caused this Agreement to be executed by their duly authorized "
        "representatives.",
    ),
    signature_blocks=(
        "{role}: {party}\nBy: ______________________\nName: {name}\nTitle: {title}\nDate: {date}",
        "{party}\nBy: ______________________\nName: {name}\nTitle: {title}\nDate: {date}",
    ),
    schedule_titles=("Exhibit A - Payment Schedule",),
    schedule_headers=("Milestone|Due Date|Amount",),
    scope_titles=("Exhibit B - Description of Services", "Exhibit B - Scope"),
)
