"""A document's merged extraction (JSON of `dict[str, ExtractedField]`) as the contract terms filters use.

Lenient on purpose: a value that does not validate is dropped (list fields: per element), so one malformed
answer costs a filter value, never the page's place in the index.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from schemas.contract import ContractFields

_LIST_FIELDS = {"parties", "signatories"}


def _valid(name: str, value: Any) -> bool:
    try:
        ContractFields.model_validate({name: value})
    except ValidationError:
        return False
    return True


def contract_terms(extracted: dict[str, Any]) -> ContractFields:
    values: dict[str, Any] = {}
    for name, field in extracted.items():
        if name not in ContractFields.model_fields or not isinstance(field, dict):
            continue
        found = [item.get("value") for item in field.get("items", []) if item.get("value") is not None]
        if name in _LIST_FIELDS:
            values[name] = [value for value in found if _valid(name, [value])]
        elif found and _valid(name, found[0]):
            values[name] = found[0]
    return ContractFields.model_validate(values)
