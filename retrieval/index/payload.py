"""What each point carries beside its vectors, and the filter conditions over it, for both backends.

Conditions are produced here once in a neutral form and translated by each backend into its own classes,
so the two twins cannot drift apart on what a filter means.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal, NamedTuple

from retrieval.index.base import IndexFilter
from schemas.contract import ContractFields

IndexKind = Literal["keyword", "integer", "float", "datetime", "text"]
# Every field a filter or a delete touches gets a payload index.
PAYLOAD_INDEXES: dict[str, IndexKind] = {
    "matter": "keyword",
    "document_id": "keyword",
    "page": "integer",
    "kind": "keyword",  # page (visual vectors) or passage (text vectors): each channel asks for its own
    # 1 on exactly one point per document: facets count documents, not pages. An integer, not a bool:
    # qdrant-edge's Python MatchValue(True) matches no point at all.
    "lead": "integer",
    "text": "text",  # a passage's words, for phrase search (a full-text index with phrase matching)
    "contract_type": "keyword",
    "parties": "keyword",
    "governing_law": "keyword",
    "effective_date": "datetime",
    "expiration_date": "datetime",
    "contract_value": "float",
    # A clause filter matches a slug in one of these keyword lists, as a party filter matches `parties`;
    # a clause in neither was not read, so it satisfies neither `=true` nor `=false`.
    "clauses_present": "keyword",
    "clauses_absent": "keyword",
}


LEAD = 1  # the `lead` value of a document's leading point


class Condition(NamedTuple):
    key: str
    kind: Literal["any", "value", "datetime", "float", "phrase"]
    value: Any  # list of keywords, one keyword or integer, a phrase, or a (gte, lte) pair (None: open end)


def page_payload(
    document_id: str, page: int, matter: str, fields: ContractFields | None = None
) -> dict[str, Any]:
    """The payload of one page: its identity, plus the document's extracted terms for filtering."""
    payload: dict[str, Any] = {"document_id": document_id, "page": page, "matter": matter}
    if fields is None:
        return payload
    if fields.contract_type is not None:
        payload["contract_type"] = fields.contract_type.value
    payload["parties"] = [party.name for party in fields.parties]
    if fields.governing_law is not None:
        payload["governing_law"] = fields.governing_law
    for name in ("effective_date", "expiration_date"):
        value: dt.date | None = getattr(fields, name)
        if value is not None:
            payload[name] = value.isoformat()
    if fields.contract_value is not None:
        payload["contract_value"] = fields.contract_value.amount
        payload["currency"] = fields.contract_value.currency
    answers = fields.clauses.model_dump()
    payload["clauses_present"] = [slug for slug, present in answers.items() if present is True]
    payload["clauses_absent"] = [slug for slug, present in answers.items() if present is False]
    return payload


def _rfc3339(day: dt.date | None) -> str | None:
    return None if day is None else f"{day.isoformat()}T00:00:00Z"


def conditions(flt: IndexFilter, *, kind: str | None = None, lead: bool = False) -> list[Condition]:
    """All conditions of a filter; they must all hold. The matter ACL is always the first.

    `kind` narrows to page or passage points (a channel's own), `lead` to one point per document.
    """
    found = [Condition("matter", "any", list(flt.matters))]
    if kind is not None:
        found.append(Condition("kind", "value", kind))
    if lead:
        found.append(Condition("lead", "value", LEAD))
    for key, value in (
        ("contract_type", flt.contract_type),
        ("parties", flt.party),
        ("governing_law", flt.governing_law),
    ):
        if value is not None:
            found.append(Condition(key, "value", value))
    for key, low, high in (
        ("effective_date", flt.effective_from, flt.effective_to),
        ("expiration_date", flt.expires_from, flt.expires_to),
    ):
        if low is not None or high is not None:
            found.append(Condition(key, "datetime", (_rfc3339(low), _rfc3339(high))))
    found += [Condition("clauses_present", "value", slug) for slug in flt.clauses_present]
    found += [Condition("clauses_absent", "value", slug) for slug in flt.clauses_absent]
    if flt.value_min is not None or flt.value_max is not None:
        found.append(Condition("contract_value", "float", (flt.value_min, flt.value_max)))
    found += [Condition("text", "phrase", phrase) for phrase in flt.phrases]
    return found
