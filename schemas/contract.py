"""The contract fields Abstractor extracts: values only, no confidence or evidence.

This is the shape of the golden set's labels and of every engine's answer. Every string and number is
bounded (length, pattern, range) because the schema also drives guided JSON decoding: an unbounded string
lets a weak model ramble until it runs out of tokens.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, create_model

from schemas.clauses import QUESTIONS, ClauseCategory
from schemas.introspect import QuestionGroup

SCHEMA_VERSION = "contract-fields/2"

ShortText = Annotated[str, Field(min_length=1, max_length=120)]
Name = Annotated[str, Field(min_length=1, max_length=100)]
Duration = Annotated[
    str,
    Field(
        pattern=r"^[0-9]{1,4} (day|week|month|year)s?$",
        max_length=16,
        description='A length of time written as "<number> <unit>", e.g. "24 months" or "30 days".',
    ),
]
Days = Annotated[int, Field(ge=0, le=3650)]
Date = Annotated[dt.date, Field(description="ISO date, YYYY-MM-DD.")]


class ContractType(StrEnum):
    """What kind of agreement: the synthetic set's seven kinds and CUAD's 25 agreement types, merged."""

    nda = "nda"
    master_services = "master_services"
    statement_of_work = "statement_of_work"
    lease = "lease"
    employment = "employment"
    license = "license"
    supply = "supply"
    affiliate = "affiliate"
    agency = "agency"
    co_branding = "co_branding"
    collaboration = "collaboration"
    consulting = "consulting"
    development = "development"
    distribution = "distribution"
    endorsement = "endorsement"
    franchise = "franchise"
    hosting = "hosting"
    intellectual_property = "intellectual_property"
    joint_venture = "joint_venture"
    maintenance = "maintenance"
    manufacturing = "manufacturing"
    marketing = "marketing"
    non_compete = "non_compete"
    outsourcing = "outsourcing"
    promotion = "promotion"
    reseller = "reseller"
    services = "services"
    sponsorship = "sponsorship"
    strategic_alliance = "strategic_alliance"
    transportation = "transportation"
    other = "other"


class Party(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name = Field(description="Legal name of the party as written, e.g. 'Acme Widgets, Inc.'.")
    role: Annotated[str, Field(max_length=40)] | None = Field(
        default=None, description="The defined term or role, e.g. 'Supplier', 'Landlord', 'Employee'."
    )


class Money(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amount: Annotated[float, Field(ge=0, le=1e12)]
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] = Field(description="ISO 4217 code, e.g. USD.")


class Signatory(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    title: Annotated[str, Field(max_length=60)] | None = None
    party: Annotated[str, Field(max_length=100)] | None = Field(
        default=None, description="Name of the party the signatory signs for."
    )
    date: Date | None = None


# One present/absent/unknown answer per clause category, each field described by its question.
Clauses = create_model(
    "Clauses",
    __base__=QuestionGroup,
    __doc__="Whether the contract has each clause lawyers review; null where it was not read.",
    **{
        category.value: (bool | None, Field(default=None, description=QUESTIONS[category]))
        for category in ClauseCategory
    },
)


class ContractFields(BaseModel):
    """Key terms of one contract. A field the document does not state stays null (or an empty list)."""

    model_config = ConfigDict(extra="forbid")

    contract_type: ContractType | None = None
    title: ShortText | None = Field(default=None, description="The agreement's title as written.")
    parties: Annotated[list[Party], Field(max_length=8)] = Field(default_factory=list)
    effective_date: Date | None = None
    execution_date: Date | None = Field(default=None, description="Date the agreement was signed.")
    expiration_date: Date | None = None
    term: Duration | None = Field(default=None, description="Initial term, e.g. '36 months'.")
    auto_renewal: bool | None = Field(default=None, description="Whether the term renews automatically.")
    renewal_term: Duration | None = None
    termination_notice_days: Days | None = Field(
        default=None, description="Days of notice a party must give to terminate the agreement."
    )
    renewal_notice_days: Days | None = Field(
        default=None, description="Days of notice a party must give to stop a renewal (non-renewal notice)."
    )
    governing_law: Annotated[str, Field(max_length=60)] | None = Field(
        default=None, description="Jurisdiction whose law governs, e.g. 'New York' or 'England and Wales'."
    )
    contract_value: Money | None = None
    payment_terms_days: Days | None = Field(default=None, description="Days allowed to pay an invoice.")
    signatories: Annotated[list[Signatory], Field(max_length=8)] = Field(default_factory=list)
    clauses: Clauses = Field(default_factory=Clauses)  # type: ignore[valid-type]
