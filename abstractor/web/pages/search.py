"""The lawyers' search page: a question, filters built from the extracted terms, pages of results.

It calls the same `search_pages` as the CLI and the API (through `SearchServices.search`), so access,
filters and the audit log are the ones they use. The search has no offset, so page N asks for the first
N pages' worth of hits and shows the last slice; MAX_LIMIT hits is as deep as it goes.
A hit the visual channel found carries a ColPali heat-map: an overlay image the thumbnail draws on top,
loaded from the checked `/api/.../heatmap` route (which re-embeds that one page when the browser asks).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, status
from fastapi.responses import Response

from abstractor.web.auth import Services, area_user
from abstractor.web.clauses import clause_answers, clause_name
from abstractor.web.evidence import FieldRow, clause_rows, field_rows, format_value, on_page
from abstractor.web.heatmap import heatmap_url
from abstractor.web.reading import audit_client
from abstractor.web.templating import render
from retrieval.index import IndexBusy
from retrieval.index.base import VISUAL
from retrieval.search import CLAUSE_PREFIX, MAX_LIMIT, BadQueryError
from schemas.clauses import ClauseCategory
from schemas.contract import ContractType
from storage.db.access import Principal, visible_matters
from storage.db.queries import document_names, filter_values, merged_fields

router = APIRouter()
PER_PAGE = 10
LAST_PAGE = MAX_LIMIT // PER_PAGE
# Form field -> the `where` clause it becomes (the CLI's --where syntax, parsed by parse_where).
_CLAUSES = {
    "contract_type": "contract_type={}",
    "party": "party={}",
    "governing_law": "governing_law={}",
    "effective_from": "effective_date>={}",
    "effective_to": "effective_date<={}",
    "expires_from": "expiration_date>={}",
    "expires_to": "expiration_date<={}",
    "value_min": "contract_value>={}",
    "value_max": "contract_value<={}",
}
# One clause filter: a select of the categories, and whether the clause must be present or absent.
_CLAUSE_STATES = {"present": "true", "absent": "false"}
_SHOWN_TERMS = ("contract_type", "parties", "governing_law", "effective_date", "expiration_date")


@dataclass(frozen=True)
class Hit:
    document: int
    name: str
    page: int
    matter: str
    score: float
    status: str
    failed_pages: list[int]
    thumbnail: str
    terms: list[tuple[str, str]]  # the document's terms the filters work on
    boxes: list[FieldRow]  # extracted values whose evidence is on this page
    matched: frozenset[str]  # anchors of the boxes whose value shares a word with the question
    page_size: tuple[int, int] | None
    heatmap: str | None = None  # the overlay's address, for hits the visual channel found


def _words(text: str) -> set[str]:
    return {word for word in re.findall(r"\w+", text.lower()) if len(word) > 2}


def _hits(services: Services, found: list[dict[str, Any]], q: str) -> list[Hit]:
    asked = _words(q)
    ids = {hit["document"] for hit in found}
    names, fields = document_names(services.db, ids), merged_fields(services.db, ids)
    hits = []
    for hit in found:
        found_fields = fields.get(hit["document"], {})
        rows = field_rows(found_fields) + clause_rows(clause_answers(found_fields))
        boxes = on_page(rows, hit["page"])
        terms = [(k, format_value(hit["fields"][k])) for k in _SHOWN_TERMS if hit["fields"].get(k)]
        if hit["fields"].get("contract_value") is not None:
            money = {"amount": hit["fields"]["contract_value"], "currency": hit["fields"].get("currency", "")}
            terms.append(("contract_value", format_value(money)))
        hits.append(
            Hit(
                document=hit["document"],
                name=names.get(hit["document"], "?"),
                page=hit["page"],
                matter=hit["matter"],
                score=hit["score"],
                status=hit["status"],
                failed_pages=hit["failed_pages"],
                thumbnail=hit["thumbnail"],
                terms=terms,
                boxes=boxes,
                matched=frozenset(row.anchor for row in boxes if asked & _words(row.value)),
                page_size=boxes[0].page_size if boxes else None,
                # Text-only hits get none: ColPali did not find them, so its map would explain nothing.
                heatmap=heatmap_url(hit["document"], hit["page"], q) if VISUAL in hit["channels"] else None,
            )
        )
    return hits


@router.get("/search")
def search_page(
    request: Request,
    services: Services,
    who: Annotated[Principal, Depends(area_user("search"))],
    q: Annotated[str, Query(max_length=500)] = "",
    page: Annotated[int, Query(ge=1, le=LAST_PAGE)] = 1,
) -> Response:
    chosen = {name: request.query_params.get(name, "").strip() for name in _CLAUSES}
    where = [clause.format(chosen[name]) for name, clause in _CLAUSES.items() if chosen[name]]
    clause = request.query_params.get("clause", "").strip()
    clause_is = request.query_params.get("clause_is", "present")
    if clause:  # a made-up category or state reaches parse_where as it is, and is refused there (400)
        where.append(f"{CLAUSE_PREFIX}{clause}={_CLAUSE_STATES.get(clause_is, clause_is)}")
    context: dict[str, Any] = {
        "q": q,
        "chosen": {**chosen, "clause": clause, "clause_is": clause_is},
        "contract_types": list(ContractType),
        "clause_choices": sorted(((c.value, clause_name(c)) for c in ClauseCategory), key=lambda c: c[1]),
        "choices": filter_values(services.db, visible_matters(services.db, who)),
        "page": page,
        "hits": [],
        "more": False,
        "visual": None,
        "error": None,
        "prev_url": None,
        "next_url": None,
    }
    if not q.strip():
        return render(request, "search.html", who, **context)
    limit = min(MAX_LIMIT, page * PER_PAGE + 1)  # one more than shown: is there a next page?
    try:
        result = services.search(who, q, where=where, limit=limit, client=audit_client(request, who))
    except BadQueryError as error:
        return render(
            request, "search.html", who, status.HTTP_400_BAD_REQUEST, **{**context, "error": str(error)}
        )
    except IndexBusy:
        busy = "The index is busy; try again in a moment."
        return render(
            request, "search.html", who, status.HTTP_503_SERVICE_UNAVAILABLE, **{**context, "error": busy}
        )

    def page_url(number: int) -> str:
        url = request.url.include_query_params(page=number)  # keeps q and the filters
        return f"{url.path}?{url.query}"

    shown = result.hits[(page - 1) * PER_PAGE : page * PER_PAGE]
    context.update(
        hits=_hits(services, shown, q),
        more=len(result.hits) > page * PER_PAGE and page < LAST_PAGE,
        visual=result.visual,
        prev_url=page_url(page - 1) if page > 1 else None,
    )
    if context["more"]:
        context["next_url"] = page_url(page + 1)
    return render(request, "search.html", who, **context)
