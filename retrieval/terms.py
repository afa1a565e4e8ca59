"""A document's merged extraction (JSON of `dict[str, ExtractedField]`) as the contract terms filters use."""

from __future__ import annotations

from typing import Any

from schemas.contract import ContractFields
from schemas.introspect import values_from_extracted
from schemas.results import ExtractedField


def contract_terms(extracted: dict[str, Any]) -> ContractFields:
    """Lenient: a malformed value costs a filter value, never the page's place in the index."""
    fields = {name: ExtractedField.model_validate(value) for name, value in extracted.items()}
    return values_from_extracted(fields, ContractFields)
