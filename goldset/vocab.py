"""Words the generator draws from in BOTH splits: names, places, roles and filler prose.

Nothing here says how a labelled field is phrased (that lives in `goldset/templates/`, one pool per split),
so sharing it between dev and test does not leak test phrasings into tuning.
"""

from __future__ import annotations

from dataclasses import dataclass

from schemas.contract import ContractType

COMPANY_HEADS = (
    "Acme", "Northwind", "Bluestone", "Harbor", "Meridian", "Crescent", "Summit", "Pioneer", "Redwood",
    "Ironclad", "Silverline", "Granite", "Evergreen", "Beacon", "Cobalt", "Orchard", "Keystone", "Lakeside",
    "Falcon", "Sterling", "Horizon", "Atlas", "Juniper", "Riverbend", "Highgate", "Oakmont", "Westbrook",
    "Vantage", "Quantum", "Apex", "Brightwater", "Copperfield", "Driftwood", "Foxglove", "Greyhound",
)  # fmt: skip
COMPANY_TAILS = (
    "Widgets", "Holdings", "Logistics", "Analytics", "Software", "Foods", "Energy", "Capital", "Systems",
    "Pharma", "Robotics", "Media", "Partners", "Labs", "Industries", "Realty", "Textiles", "Biotech",
    "Networks", "Materials", "Consulting", "Freight", "Health", "Instruments",
)  # fmt: skip
FIRST_NAMES = (
    "James", "Maria", "Robert", "Linda", "Michael", "Priya", "David", "Sarah", "Thomas", "Aisha", "Daniel",
    "Emma", "Kenji", "Olivia", "Carlos", "Hannah", "Samuel", "Fatima", "Peter", "Grace", "Lukas", "Chloe",
)  # fmt: skip
LAST_NAMES = (
    "Whitfield", "Okafor", "Brennan", "Castillo", "Nakamura", "Lindqvist", "Harrington", "Delgado", "Moreau",
    "Patel", "Schneider", "O'Connell", "Abernathy", "Kowalski", "Fairbanks", "Ramirez", "Thornton", "Hughes",
)  # fmt: skip
SIGNATORY_TITLES = (
    "Chief Executive Officer", "President", "General Counsel", "Chief Financial Officer", "Managing Director",
    "Vice President, Operations", "Director", "Chief Operating Officer", "Head of Procurement", "Secretary",
)  # fmt: skip
STREETS = ("Main Street", "Market Street", "Harbour Road", "Elm Avenue", "King Street", "Commerce Drive",
           "Park Lane", "Industrial Way", "Station Road", "Wall Street")  # fmt: skip


@dataclass(frozen=True)
class Jurisdiction:
    """A place a contract can choose. `canonical` is the label; the rest is how contracts say it."""

    canonical: str
    law_phrases: tuple[str, ...]  # noun phrases: "the laws of the State of New York"
    adjective_phrases: tuple[str, ...]  # "New York law", "English law"
    entity_suffixes: tuple[str, ...]
    entity_kind: str  # "corporation", "limited company"
    currency: str
    cities: tuple[str, ...]


def _us(state: str, cities: tuple[str, ...], *, commonwealth: bool = False) -> Jurisdiction:
    polity = "Commonwealth" if commonwealth else "State"
    return Jurisdiction(
        canonical=state,
        law_phrases=(f"the laws of the {polity} of {state}", f"the laws of {state}"),
        adjective_phrases=(f"{state} law", f"the law of the {polity} of {state}"),
        entity_suffixes=("Inc.", "LLC", "L.L.C.", "Corporation", "Corp.", "Incorporated", "Co.", "L.P."),
        entity_kind="corporation",
        currency="USD",
        cities=cities,
    )


JURISDICTIONS: tuple[Jurisdiction, ...] = (
    _us("New York", ("New York", "Albany", "Buffalo")),
    _us("Delaware", ("Wilmington", "Dover")),
    _us("California", ("San Francisco", "Los Angeles", "San Diego")),
    _us("Texas", ("Austin", "Houston", "Dallas")),
    _us("Massachusetts", ("Boston", "Cambridge"), commonwealth=True),
    _us("Illinois", ("Chicago",)),
    _us("Washington", ("Seattle",)),
    _us("Georgia", ("Atlanta",)),
    _us("Colorado", ("Denver",)),
    _us("Pennsylvania", ("Philadelphia", "Pittsburgh"), commonwealth=True),
    _us("Virginia", ("Richmond",), commonwealth=True),
    _us("North Carolina", ("Charlotte", "Raleigh")),
    Jurisdiction(
        "England and Wales",
        ("the laws of England and Wales", "the laws of England"),
        ("English law", "the law of England and Wales"),
        ("Limited", "Ltd.", "PLC", "LLP"),
        "company incorporated in England and Wales",
        "GBP",
        ("London", "Manchester", "Leeds"),
    ),
    Jurisdiction(
        "Ireland",
        ("the laws of Ireland",),
        ("Irish law",),
        ("Limited", "DAC"),
        "company incorporated in Ireland",
        "EUR",
        ("Dublin", "Cork"),
    ),
    Jurisdiction(
        "Germany",
        ("the laws of the Federal Republic of Germany", "the laws of Germany"),
        ("German law",),
        ("GmbH", "AG"),
        "company organised under the laws of Germany",
        "EUR",
        ("Berlin", "Munich", "Hamburg"),
    ),
    Jurisdiction(
        "Ontario",
        ("the laws of the Province of Ontario and the federal laws of Canada applicable therein",),
        ("the law of the Province of Ontario",),
        ("Inc.", "Ltd.", "Corp."),
        "Ontario corporation",
        "CAD",
        ("Toronto", "Ottawa"),
    ),
    Jurisdiction(
        "Singapore",
        ("the laws of Singapore", "the laws of the Republic of Singapore"),
        ("Singapore law",),
        ("Pte. Ltd.",),
        "company incorporated in Singapore",
        "SGD",
        ("Singapore",),
    ),
)

# Roles: (first party, second party) per contract type; the role is the defined term in the document.
ROLES: dict[ContractType, tuple[tuple[str, str], ...]] = {
    ContractType.nda: (("Disclosing Party", "Receiving Party"), ("Company", "Recipient")),
    ContractType.master_services: (("Customer", "Service Provider"), ("Client", "Vendor")),
    ContractType.statement_of_work: (("Client", "Consultant"), ("Customer", "Contractor")),
    ContractType.lease: (("Landlord", "Tenant"), ("Lessor", "Lessee")),
    ContractType.employment: (("Company", "Employee"), ("Employer", "Executive")),
    ContractType.license: (("Licensor", "Licensee"),),
    ContractType.supply: (("Buyer", "Supplier"), ("Purchaser", "Seller")),
}

SLUGS: dict[ContractType, str] = {
    ContractType.nda: "nda",
    ContractType.master_services: "msa",
    ContractType.statement_of_work: "sow",
    ContractType.lease: "lease",
    ContractType.employment: "employment",
    ContractType.license: "license",
    ContractType.supply: "supply",
}

# Page-count range per type, so the set spans 1..15 pages the way a real repository does.
PAGE_RANGES: dict[ContractType, tuple[int, int]] = {
    ContractType.nda: (1, 4),
    ContractType.master_services: (6, 15),
    ContractType.statement_of_work: (2, 6),
    ContractType.lease: (4, 12),
    ContractType.employment: (2, 7),
    ContractType.license: (3, 10),
    ContractType.supply: (4, 13),
}

CLAUSE_HEADINGS = (
    "Confidentiality", "Representations and Warranties", "Indemnification", "Limitation of Liability",
    "Insurance", "Assignment", "Notices", "Force Majeure", "Severability", "Entire Agreement", "Amendments",
    "Waiver", "Counterparts", "Independent Contractors", "Audit Rights", "Data Protection",
    "Non-Solicitation", "Intellectual Property", "Compliance with Laws", "Dispute Resolution", "Publicity",
    "Subcontracting", "Records", "Survival", "Third-Party Beneficiaries", "Further Assurances",
)  # fmt: skip

# Sentences of boilerplate. {a} and {b} are the parties' defined terms.
FILLER_SENTENCES = (
    "Each party shall comply with all applicable laws, regulations and ordinances in the performance of its "
    "obligations under this Agreement.",
    "Neither party may assign or transfer any of its rights or obligations under this Agreement without the "
    "prior written consent of the other party, which consent shall not be unreasonably withheld.",
    "{b} shall maintain complete and accurate records relating to its performance under this Agreement for "
    "a period of not less than three years following its expiration or termination.",
    "Any notice required or permitted under this Agreement shall be in writing and shall be deemed given "
    "when delivered personally, by courier, or by certified mail, return receipt requested.",
    "If any provision of this Agreement is held invalid or unenforceable, the remaining provisions shall "
    "continue in full force and effect.",
    "No failure or delay by either party in exercising any right under this Agreement shall operate as a "
    "waiver of that right.",
    "This Agreement may be executed in counterparts, each of which shall be deemed an original and all of "
    "which together shall constitute one and the same instrument.",
    "The relationship of the parties is that of independent contractors, and nothing in this Agreement "
    "creates any partnership, joint venture, agency or employment relationship.",
    "{a} shall have the right, upon reasonable notice and during normal business hours, to audit the "
    "relevant books and records of {b}.",
    "Each party shall process personal data received from the other only in accordance with applicable "
    "data protection legislation and the documented instructions of the other party.",
    "During the term and for twelve months thereafter, neither party shall solicit for employment any "
    "employee of the other party with whom it had material contact.",
    "All intellectual property rights existing prior to the date hereof shall remain the exclusive property "
    "of the party that owned them.",
    "Neither party shall be liable for any failure or delay in performance caused by events beyond its "
    "reasonable control, including acts of God, war, terrorism, epidemic, fire, flood or labour disputes.",
    "Except for breaches of confidentiality or indemnification obligations, neither party shall be liable "
    "for any indirect, incidental, special, consequential or punitive damages.",
    "{b} shall defend, indemnify and hold harmless {a} and its officers, directors and employees from and "
    "against any and all third-party claims arising out of the negligence or wilful misconduct of {b}.",
    "Each party represents and warrants that it has full power and authority to enter into and perform "
    "this Agreement.",
    "This Agreement constitutes the entire agreement between the parties with respect to its subject "
    "matter and supersedes all prior and contemporaneous understandings.",
    "No amendment or modification of this Agreement shall be binding unless in writing and signed by duly "
    "authorised representatives of both parties.",
    "The Receiving Party shall protect the Confidential Information of the other party using at least the "
    "same degree of care that it uses to protect its own confidential information, but no less than "
    "reasonable care.",
    "Neither party shall issue any press release or public announcement regarding this Agreement without "
    "the prior written approval of the other party.",
    "{b} may not subcontract any of its obligations without the prior written consent of {a}, and shall "
    "remain responsible for the acts and omissions of its subcontractors.",
    "The provisions of this Agreement which by their nature are intended to survive termination shall "
    "survive, including those relating to confidentiality, indemnification and limitation of liability.",
    "Nothing in this Agreement is intended to confer any right or remedy on any person other than the "
    "parties and their permitted successors and assigns.",
    "Each party shall execute such further documents and take such further actions as may be reasonably "
    "required to give full effect to this Agreement.",
    "The headings in this Agreement are for convenience only and shall not affect its interpretation.",
    "Any dispute shall first be referred to senior executives of each party, who shall meet in good faith "
    "within fifteen business days to attempt to resolve it.",
    "{b} shall obtain and maintain, at its own cost, commercial general liability insurance with reputable "
    "insurers in amounts customary in its industry.",
    "Time is of the essence with respect to the delivery obligations set out in this Agreement.",
    "The words 'including' and 'include' shall be deemed to be followed by the words 'without limitation'.",
    "References to a statute or statutory provision include that provision as amended, extended or "
    "re-enacted from time to time.",
)

RECITAL_BUSINESSES = (
    "the design and manufacture of industrial components",
    "the provision of software development and consulting services",
    "the ownership and management of commercial real estate",
    "the distribution of consumer goods",
    "the development of proprietary data analytics technology",
    "logistics and freight forwarding",
)
