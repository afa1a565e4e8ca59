"""The one search: a lawyer's question -> the best documents of the matters they may see, narrowed by
terms and clauses, each with its best pages, snippets and highlights.

The CLI, the HTTP API and the web pages all call `search_pages`. Access is enforced twice: the matter
filter goes into the index query (pages of other matters are never even candidates), and every hit is
checked again against the database (a page whose document was purged or moved is dropped). Every search
is written to the audit log, refused ones included.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from retrieval.encoder import PageEncoder
from retrieval.fusion import PageMatch, fuse
from retrieval.index import IndexFilter, PageQuery
from retrieval.index.base import CHANNELS, DENSE, SPARSE, VISUAL
from retrieval.owner import IndexOwner
from retrieval.relevance import RelevanceCalibration
from retrieval.snippets import ParsedQuery, parse_query, snippet
from schemas.clauses import ClauseCategory
from schemas.contract import ContractType
from storage.db import Database, Document, Matter
from storage.db.access import Principal, visible_matters
from storage.db.audit import record

MAX_LIMIT = 100  # documents
CANDIDATES = 200  # the least each channel returns before fusion and grouping
PAGES_PER_DOCUMENT = 5  # the matching pages shown under a document, best first
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
            amount = float(raw.replace(",", "").lstrip("$"))
            # float() takes "nan" and "inf": no amount, and the index's range filter panics on them.
            if not math.isfinite(amount):
                raise ValueError(raw)
            return amount
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
    documents: list[dict[str, Any]]  # best first, each with its matching pages best first
    # False: the best document is under the calibrated floor (no page answers this well; these are the
    # closest); None: no calibration for this encoder, so no floor was applied.
    answered: bool | None
    visual: bool  # False: no ColPali model is configured, the pages were found by their text alone
    facets: dict[str, int]  # clause slug -> documents the filters admit that have the clause
    # Each document's best passage cosine, in `documents` order: what the relevance calibration is fitted
    # on (goldset search eval). Never shown: a raw cosine means nothing to a reader.
    cosines: list[float | None] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """What the API answers and `abstractor search --json` prints."""
        return {
            "documents": self.documents,
            "answered": self.answered,
            "visual": "on" if self.visual else "off",
            "facets": self.facets,
        }


def _documents(db: Database, ids: set[int]) -> dict[int, tuple[str, str, list[int], str]]:
    """Each document's matter, status, failed pages and file name as the database has them now."""
    with db.session() as session:
        rows = session.execute(
            select(Document.id, Matter.name, Document.status, Document.failed_pages, Document.filename)
            .join(Matter)
            .where(Document.id.in_(ids))
        ).all()
    return {
        document_id: (matter, status, list(failed or []), filename)
        for document_id, matter, status, failed, filename in rows
    }


def _page(match: PageMatch, query: ParsedQuery) -> dict[str, Any]:
    document_id = match.document_id
    found: dict[str, Any] = {
        "page": match.page,
        "channels": match.channels,
        "thumbnail": f"/api/documents/{document_id}/pages/{match.page}/thumbnail",
        "snippet": None,
        "highlights": [],
        "boxes": [],
    }
    if match.passage is not None:
        cut = snippet(str(match.passage.payload.get("text", "")), query)
        found.update(
            snippet=cut.text,
            highlights=[list(span) for span in cut.highlights],
            boxes=match.passage.payload.get("boxes", []),
        )
    return found


def _restricted(query: PageQuery, channels: Collection[str] | None) -> PageQuery:
    if channels is None:
        return query
    unknown = set(channels) - set(CHANNELS)
    if unknown:
        raise ValueError(f"unknown channels {sorted(unknown)}: the channels are {', '.join(CHANNELS)}")
    given = {VISUAL: "multivector", DENSE: "dense_text", SPARSE: "sparse_text"}
    return query.model_copy(update={given[c]: None for c in CHANNELS if c not in channels})


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
    channels: Collection[str] | None = None,
    calibration: RelevanceCalibration | None = None,
) -> SearchResult:
    """The best documents for `text` that `who` may see, each with its best pages; BadQueryError or
    NotAllowedError, both audited. `channels` narrows the search to some channels (the search eval
    scores each alone); `"quoted phrases"` in `text` must stand in a matching passage. `calibration`
    (fitted for `encoder.text_version`) turns cosines into the relevance shown and sets the floor;
    without it no relevance is shown and no floor applied."""
    detail: dict[str, Any] = {"q": text, "where": list(where or []), "limit": limit, "via": who.via}
    if not who.reads_client_documents:
        record(db, actor=who.name, action="search", client=client, outcome="denied", detail=detail)
        raise NotAllowedError(f"{who.name} is {who.role}: analysts do not search client documents")
    try:
        parsed_query = parse_query(text)
        if not parsed_query.text:
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
    terms = IndexFilter(matters=sorted(matters), **parsed.terms)
    query = _restricted(encoder.query(parsed_query.text), channels)
    if parsed_query.phrases:  # only a passage's words can hold a phrase: a page's image cannot
        query = query.model_copy(update={"multivector": None})
    if not query.channels():
        raise ValueError("a phrase search needs a text channel")
    depth = max(CANDIDATES, limit * 20)  # passages per channel: enough to fill `limit` documents
    with owner.use() as index:
        ranked = index.search(query, depth, terms.model_copy(update={"phrases": parsed_query.phrases}))
        facets = index.facet("clauses_present", terms, limit=len(ClauseCategory))
    found = fuse(ranked, owner.config.rrf_k)
    # The second check: the database, not the index payload, says which matter a document is in now.
    current = _documents(db, {int(m.document_id) for m in found if m.document_id.isdigit()})
    if calibration is not None and calibration.encoder != encoder.text_version:
        raise ValueError(
            f"the relevance calibration is for {calibration.encoder}, not {encoder.text_version}"
        )
    documents, cosines = [], []
    for match in found:
        document_id = int(match.document_id) if match.document_id.isdigit() else None
        known = current.get(document_id) if document_id is not None else None
        payload = match.pages[0].payload
        if known is None or known[0] != payload.get("matter") or not who.may_see(known[0]):
            continue
        matter, status, failed_pages, filename = known
        relevance = None
        if calibration is not None and match.dense is not None:
            relevance = round(calibration.probability(match.dense), 3)
        documents.append(
            {
                "document": document_id,
                "file": filename,
                "matter": matter,
                "relevance": relevance,  # calibrated probability that the document answers; None: unknown
                # A partial document's terms come from the pages that were read: the hit says so.
                "status": status,
                "failed_pages": failed_pages,
                "fields": {k: payload[k] for k in _PAYLOAD_FIELDS if k in payload},
                "pages": [_page(page, parsed_query) for page in match.pages[:PAGES_PER_DOCUMENT]],
            }
        )
        cosines.append(match.dense)
        if len(documents) == limit:
            break
    answered = None
    if calibration is not None and documents:
        answered = (documents[0]["relevance"] or 0.0) >= calibration.floor
    record(db, actor=who.name, action="search", client=client, detail={**detail, "results": len(documents)})
    return SearchResult(documents, answered, VISUAL in query.channels(), facets, cosines)
