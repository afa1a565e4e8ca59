"""The lawyers' search page: a question, filters built from the extracted terms, documents of results.

It calls the same `search_pages` as the CLI and the API (through `SearchServices.search`) and reads its
answer in the API's JSON shape, so access, filters, order and the audit log are the ones they use.

A result is a document: its file name links to the viewer at its best page, whose thumbnail carries the
matched passage's boxes, and its snippet marks the question's words; its other matching pages follow as
links. The search has no offset, so page N asks for the first N pages' worth of documents and shows the
last slice; MAX_LIMIT documents is as deep as it goes.

What a search is lives in its address as `q` and `where` clauses (the CLI's --where syntax): the form's
fields turn into clauses, and a clause the form has a field for fills that field again. Every link the
page makes (the pager, the clause facets, a filter's removal, a hit opened in the viewer and the viewer's
way back) carries that same `q` and `where`.

A page the visual channel found carries a ColPali heat-map: an overlay image the thumbnail draws on top,
loaded from the checked `/api/.../heatmap` route (which re-embeds that one page when the browser asks).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, status
from fastapi.responses import Response
from markupsafe import Markup, escape
from sqlalchemy import select

from abstractor.results import (
    NO_ANSWER,
    PHRASE_HELP,
    RELEVANCE_HELP,
    pieces,
    ranked_facets,
    relevance_percent,
)
from abstractor.web.auth import Services, area_user
from abstractor.web.clauses import clause_answers, clause_name
from abstractor.web.evidence import FieldRow, clause_rows, field_rows, format_value, on_page
from abstractor.web.heatmap import heatmap_url
from abstractor.web.links import rects, search_url, viewer_url
from abstractor.web.params import MAX_QUERY_CHARS
from abstractor.web.reading import audit_client
from abstractor.web.templating import render
from retrieval.index import IndexBusy
from retrieval.index.base import VISUAL
from retrieval.search import CLAUSE_PREFIX, MAX_LIMIT, BadQueryError
from schemas.clauses import ClauseCategory
from schemas.contract import ContractType
from storage.db import Database, Page
from storage.db.access import Principal, visible_matters
from storage.db.queries import filter_values, merged_fields

router = APIRouter()
PER_PAGE = 10  # documents
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
_CLAUSE_WHERE = re.compile(rf"^{re.escape(CLAUSE_PREFIX)}([a-z_]+)=(true|false)$")
_SHOWN_TERMS = ("contract_type", "parties", "governing_law", "effective_date", "expiration_date")


def marked(text: str, highlights: Sequence[Sequence[int]]) -> Markup:
    """The snippet as HTML: every piece escaped, the highlighted ones inside <mark>."""
    return Markup("").join(
        Markup("<mark>{}</mark>").format(piece) if hit else escape(piece)
        for piece, hit in pieces(text, highlights)
    )


_PREFIXES = {name: clause.removesuffix("{}") for name, clause in _CLAUSES.items()}  # "party="


@dataclass(frozen=True)
class Filters:
    """What the search is narrowed by: the form's fields as chosen, and the clauses the form has no
    field for (a second clause, say, added from the facets)."""

    chosen: dict[str, str]
    extra: list[str]

    @property
    def form(self) -> list[str]:
        """The clauses the form's fields make."""
        found = [clause.format(self.chosen[name]) for name, clause in _CLAUSES.items() if self.chosen[name]]
        if self.chosen["clause"]:  # a made-up category or state reaches parse_where as it is, refused there
            state = _CLAUSE_STATES.get(self.chosen["clause_is"], self.chosen["clause_is"])
            found.append(f"{CLAUSE_PREFIX}{self.chosen['clause']}={state}")
        return found

    @property
    def where(self) -> list[str]:
        return [*self.form, *self.extra]


def filters_from_query(params: Mapping[str, str], where: list[str]) -> Filters:
    """The form's fields, then each `where` clause: into the form's field for it while that is empty,
    else kept apart (a clause the form already makes is not kept twice)."""
    chosen = {name: params.get(name, "").strip() for name in _CLAUSES}
    chosen["clause"] = params.get("clause", "").strip()
    chosen["clause_is"] = params.get("clause_is", "present")
    extra: list[str] = []
    for raw in (clause.strip() for clause in where):
        if not raw or raw in extra or raw in Filters(chosen, []).form:
            continue
        field = next((n for n, p in _PREFIXES.items() if raw.startswith(p) and len(raw) > len(p)), None)
        clause = _CLAUSE_WHERE.match(raw)
        if field is not None and not chosen[field]:
            chosen[field] = raw.removeprefix(_PREFIXES[field])
        elif clause is not None and not chosen["clause"]:
            chosen["clause"] = clause.group(1)
            chosen["clause_is"] = "present" if clause.group(2) == "true" else "absent"
        else:
            extra.append(raw)
    return Filters(chosen, extra)


@dataclass(frozen=True)
class PageHit:
    page: int
    url: str  # the viewer at this page with the passage boxed and the way back
    snippet: Markup | None  # None: no text passage matched (a page the visual channel alone found)
    channels: list[str]


@dataclass(frozen=True)
class Hit:
    document: int
    name: str
    matter: str
    relevance: str | None  # "83%"; None: no calibration, so no number is shown
    status: str
    failed_pages: list[int]
    terms: list[tuple[str, str]]  # the document's terms the filters work on
    best: PageHit
    more: list[PageHit]  # its other matching pages, best first
    thumbnail: str
    page_size: tuple[int, int] | None  # the best page's image in pixels: the boxes' viewBox
    passage: list[tuple[int, int, int, int]]  # the matched passage's boxes on the best page: x, y, w, h
    boxes: list[FieldRow]  # extracted values whose evidence is on the best page
    matched: frozenset[str]  # anchors of the boxes whose value shares a word with the question
    heatmap: str | None = None  # the overlay's address, for a best page the visual channel found


def _words(text: str) -> set[str]:
    return {word for word in re.findall(r"\w+", text.lower()) if len(word) > 2}


def _page_sizes(db: Database, ids: set[int]) -> dict[tuple[int, int], tuple[int, int]]:
    """(document, page) -> the stored page image's width and height: the passage boxes' pixel space."""
    if not ids:
        return {}
    with db.session() as session:
        rows = session.execute(
            select(Page.document_id, Page.number, Page.width, Page.height).where(Page.document_id.in_(ids))
        ).all()
    return {(document, number): (width, height) for document, number, width, height in rows}


def _terms(fields: Mapping[str, Any]) -> list[tuple[str, str]]:
    terms = [(k, format_value(fields[k])) for k in _SHOWN_TERMS if fields.get(k)]
    if fields.get("contract_value") is not None:
        money = {"amount": fields["contract_value"], "currency": fields.get("currency", "")}
        terms.append(("contract_value", format_value(money)))
    return terms


def _page_hit(document: int, found: Mapping[str, Any], q: str, where: list[str]) -> PageHit:
    snippet = marked(found["snippet"], found["highlights"]) if found["snippet"] else None
    url = viewer_url(document, found["page"], q, where, found["boxes"])
    return PageHit(found["page"], url, snippet, found["channels"])


def _hits(services: Services, documents: list[dict[str, Any]], q: str, where: list[str]) -> list[Hit]:
    asked = _words(q)
    ids = {document["document"] for document in documents}
    fields, sizes = merged_fields(services.db, ids), _page_sizes(services.db, ids)
    hits = []
    for document in documents:
        number = document["document"]
        best, *rest = document["pages"]
        found_fields = fields.get(number, {})
        rows = on_page(field_rows(found_fields) + clause_rows(clause_answers(found_fields)), best["page"])
        hits.append(
            Hit(
                document=number,
                name=document["file"],
                matter=document["matter"],
                relevance=relevance_percent(document["relevance"]),
                status=document["status"],
                failed_pages=document["failed_pages"],
                terms=_terms(document["fields"]),
                best=_page_hit(number, best, q, where),
                more=[_page_hit(number, found, q, where) for found in rest],
                thumbnail=best["thumbnail"],
                page_size=sizes.get((number, best["page"])),
                passage=rects(best["boxes"]),
                boxes=rows,
                matched=frozenset(row.anchor for row in rows if asked & _words(row.value)),
                # Text-only pages get none: ColPali did not find them, so its map would explain nothing.
                heatmap=heatmap_url(number, best["page"], q) if VISUAL in best["channels"] else None,
            )
        )
    return hits


def _facets(facets: Mapping[str, int], q: str, where: list[str]) -> list[dict[str, Any]]:
    """Per clause some admitted document has: its name, count, and the link that adds (or, when it is
    already a filter, removes) `clause.<slug>=true`."""
    shown = []
    for slug, count in ranked_facets(facets):
        clause = f"{CLAUSE_PREFIX}{slug}=true"
        active = clause in where
        narrowed = [c for c in where if c != clause] if active else [*where, clause]
        name = clause_name(ClauseCategory(slug)) if slug in set(ClauseCategory) else slug
        shown.append({"name": name, "count": count, "active": active, "url": search_url(q, narrowed)})
    return shown


@router.get("/search")
def search_page(
    request: Request,
    services: Services,
    who: Annotated[Principal, Depends(area_user("search"))],
    q: Annotated[str, Query(max_length=MAX_QUERY_CHARS)] = "",
    where: Annotated[list[str] | None, Query()] = None,
    page: Annotated[int, Query(ge=1, le=LAST_PAGE)] = 1,
) -> Response:
    filters = filters_from_query(request.query_params, where or [])
    clauses = filters.where
    context: dict[str, Any] = {
        "q": q,
        "chosen": filters.chosen,
        "extra": [{"clause": c, "url": search_url(q, [o for o in clauses if o != c])} for c in filters.extra],
        "contract_types": list(ContractType),
        "clause_choices": sorted(((c.value, clause_name(c)) for c in ClauseCategory), key=lambda c: c[1]),
        "choices": filter_values(services.db, visible_matters(services.db, who)),
        "page": page,
        "per_page": PER_PAGE,
        "hits": [],
        "answered": None,
        "facets": [],
        "visual": None,
        "error": None,
        "prev_url": None,
        "next_url": None,
        "phrase_help": PHRASE_HELP,
        "no_answer": NO_ANSWER,
        "relevance_help": RELEVANCE_HELP,
    }
    if not q.strip():
        return render(request, "search.html", who, **context)
    limit = min(MAX_LIMIT, page * PER_PAGE + 1)  # one more than shown: is there a next page?
    try:
        result = services.search(who, q, where=clauses, limit=limit, client=audit_client(request, who))
    except BadQueryError as error:
        return render(
            request, "search.html", who, status.HTTP_400_BAD_REQUEST, **{**context, "error": str(error)}
        )
    except IndexBusy:
        busy = "The index is busy; try again in a moment."
        return render(
            request, "search.html", who, status.HTTP_503_SERVICE_UNAVAILABLE, **{**context, "error": busy}
        )
    found = result.to_json()  # the API's shape: what the CLI prints too
    shown = found["documents"][(page - 1) * PER_PAGE : page * PER_PAGE]
    more = len(found["documents"]) > page * PER_PAGE and page < LAST_PAGE
    context.update(
        hits=_hits(services, shown, q, clauses),
        answered=found["answered"],
        facets=_facets(found["facets"], q, clauses),
        visual=result.visual,
        prev_url=search_url(q, clauses, page - 1) if page > 1 else None,
        next_url=search_url(q, clauses, page + 1) if more else None,
    )
    return render(request, "search.html", who, **context)
