"""The one search: a lawyer's question -> the best pages of the matters they may see, narrowed by terms.

The CLI, the HTTP API and the web pages all call `search_pages`. Access is enforced twice: the matter
filter goes into the index query (pages of other matters are never even candidates), and every hit is
checked again against the database (a page whose document was purged or moved is dropped). Every search
is written to the audit log, refused ones included.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from retrieval.encoder import PageEncoder
from retrieval.index import IndexFilter
from retrieval.index.base import VISUAL
from retrieval.owner import IndexOwner
from schemas.clauses import ClauseCategory
from schemas.contract import ContractType
from storage.db import Database, Document, Matter
from storage.db.access import Principal, visible_matters
from storage.db.audit import record

MAX_LIMIT = 100
_CLAUSE = re.compile(r"^\s*([a-z_]+(?:\.[a-z_]+)?)\s*(>=|<=|=)\s*(.+?)\s*$")
CLAUSE_PREFIX = "clause."  # `clause.<slug>=true|false`: whether the contract has that clause
_TEXT_FIELDS = {"contract_type": "contract_type", "party": "party", "governing_law": "governing_law"}
_RANGES = {
    "effective_date": ("effective_from", "effective_to"),
    "expiration_date": ("expires_from", "expires_to"),
    "contract_value": ("value_min", "value_max"),
}
WHERE_FIELDS = (*_TEXT_FIELDS, *_RANGES, "matter")
_PRESENCE = {"true": "clauses_present", "false": "clauses_absent"}  # --where value -> IndexFilter list
_PAYLOAD_FIELDS = (
    "contract_type",
    "parties",
    "governing_law",
    "effective_date",
    "expiration_date",
    "contract_value",
    "currency",
)


class BadQueryError(ValueError):
    """The question or a --where clause cannot be understood (the faces answer 2 / HTTP 400)."""


class NotAllowedError(PermissionError):
    """The caller's role may not search client documents at all (analysts)."""


@dataclass(frozen=True)
class Where:
    terms: dict[str, Any] = field(default_factory=dict)  # IndexFilter keyword arguments
    matters: frozenset[str] | None = None  # `matter=` clauses: narrow the visible matters, never widen


def _value(name: str, raw: str) -> Any:
    try:
        if name == "contract_value":
            return float(raw.replace(",", "").lstrip("$"))
        return dt.date.fromisoformat(raw)
    except ValueError:
        kind = "an amount" if name == "contract_value" else "a date (YYYY-MM-DD)"
        raise BadQueryError(f"{name}: {raw!r} is not {kind}") from None


def _presence(terms: dict[str, Any], name: str, op: str, raw: str) -> None:
    """Adds a `clause.<slug>=true|false` clause to the IndexFilter terms."""
    slug = name.removeprefix(CLAUSE_PREFIX)
    if slug not in set(ClauseCategory):
        raise BadQueryError(f"{name}: no such clause; the categories are {', '.join(ClauseCategory)}")
    if op != "=" or raw.lower() not in _PRESENCE:
        raise BadQueryError(f"{name} takes only '=true' (present) or '=false' (absent), not {op + raw!r}")
    terms.setdefault(_PRESENCE[raw.lower()], []).append(slug)


def parse_where(clauses: list[str]) -> Where:
    """`FIELD=VALUE`, `FIELD>=VALUE`, `FIELD<=VALUE` clauses, all of which must hold."""
    terms: dict[str, Any] = {}
    matters: set[str] | None = None
    for clause in clauses:
        match = _CLAUSE.match(clause)
        known = match is not None and (
            match.group(1) in WHERE_FIELDS or match.group(1).startswith(CLAUSE_PREFIX)
        )
        if match is None or not known:
            raise BadQueryError(
                f"bad --where {clause!r}: use FIELD=VALUE, FIELD>=VALUE or FIELD<=VALUE with "
                f"FIELD one of {', '.join(WHERE_FIELDS)} or {CLAUSE_PREFIX}<category>"
            )
        name, op, raw = match.groups()
        if name.startswith(CLAUSE_PREFIX):
            _presence(terms, name, op, raw)
            continue
        if name == "matter" or name in _TEXT_FIELDS:
            if op != "=":
                raise BadQueryError(f"{name} takes only '=', not {op!r}")
            if name == "matter":
                matters = {raw} if matters is None else matters & {raw}
                continue
            if name == "contract_type" and raw not in set(ContractType):
                raise BadQueryError(f"contract_type must be one of {', '.join(ContractType)}, not {raw!r}")
            terms[_TEXT_FIELDS[name]] = raw
            continue
        low, high = _RANGES[name]
        value = _value(name, raw)
        if op in (">=", "="):
            terms[low] = value
        if op in ("<=", "="):
            terms[high] = value
    return Where(terms, frozenset(matters) if matters is not None else None)


@dataclass(frozen=True)
class SearchResult:
    hits: list[dict[str, Any]]
    visual: bool  # False: no ColPali model is configured, the pages were found by their text alone


def _documents(db: Database, ids: set[int]) -> dict[int, tuple[str, str, list[int]]]:
    """Each document's matter, status and failed pages as the database has them now."""
    with db.session() as session:
        rows = session.execute(
            select(Document.id, Matter.name, Document.status, Document.failed_pages)
            .join(Matter)
            .where(Document.id.in_(ids))
        ).all()
    return {document_id: (matter, status, list(failed or [])) for document_id, matter, status, failed in rows}


def search_pages(
    db: Database,
    owner: IndexOwner,
    encoder: PageEncoder,
    who: Principal,
    text: str,
    *,
    where: list[str] | None = None,
    limit: int = 10,
    client: str,
) -> SearchResult:
    """The best pages for `text` that `who` may see; BadQueryError or NotAllowedError, both audited."""
    detail: dict[str, Any] = {"q": text, "where": list(where or []), "limit": limit, "via": who.via}
    if not who.reads_client_documents:
        record(db, actor=who.name, action="search", client=client, outcome="denied", detail=detail)
        raise NotAllowedError(f"{who.name} is {who.role}: analysts do not search client documents")
    try:
        if not text.strip():
            raise BadQueryError("the search text is empty")
        if not 1 <= limit <= MAX_LIMIT:
            raise BadQueryError(f"limit must be between 1 and {MAX_LIMIT}")
        parsed = parse_where(list(where or []))
    except BadQueryError as error:
        record(
            db,
            actor=who.name,
            action="search",
            client=client,
            outcome="bad_query",
            detail={**detail, "error": str(error)},
        )
        raise
    matters = set(visible_matters(db, who))
    if parsed.matters is not None:
        matters &= parsed.matters
    flt = IndexFilter(matters=sorted(matters), **parsed.terms)
    query = encoder.query(text)
    with owner.use() as index:
        found = index.search(query, limit, flt)
    # The second check: the database, not the index payload, says which matter a document is in now.
    current = _documents(db, {int(hit.document_id) for hit in found if hit.document_id.isdigit()})
    hits = []
    for hit in found:
        document_id = int(hit.document_id) if hit.document_id.isdigit() else None
        known = current.get(document_id) if document_id is not None else None
        if known is None or known[0] != hit.payload.get("matter") or not who.may_see(known[0]):
            continue
        matter, status, failed_pages = known
        hits.append(
            {
                "document": document_id,
                "page": hit.page,
                "score": hit.score,
                "channels": hit.channels,
                "matter": matter,
                # A partial document's terms come from the pages that were read: the hit says so.
                "status": status,
                "failed_pages": failed_pages,
                "fields": {k: hit.payload[k] for k in _PAYLOAD_FIELDS if k in hit.payload},
                "thumbnail": f"/api/documents/{document_id}/pages/{hit.page}/thumbnail",
            }
        )
    record(db, actor=who.name, action="search", client=client, detail={**detail, "results": len(hits)})
    return SearchResult(hits, visual=VISUAL in query.channels())
