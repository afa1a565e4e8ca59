"""One document: the page viewer, every extracted field and present clause with a link to its box, the
clauses found absent or not read, the source and matter.

Opened from a search result, the address also carries the search (`q`, `where`) and the matched
passage's boxes on that page (`box=left,top,right,bottom`, pixels of the stored page image): the viewer
draws them over the page and links back to the same results; turning the page keeps the way back.

The document is opened through `open_document` (the caller's matters, audited, 404 otherwise); the page
images and the original are loaded from the API's checked routes by document id and page number.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request, status
from fastapi.responses import Response

from abstractor.web.auth import PageUser, Services, may_open
from abstractor.web.clauses import clause_answers, clause_name
from abstractor.web.evidence import clause_rows, edit_text, field_rows, format_value, on_page
from abstractor.web.links import parse_boxes, query_string, rects, search_pairs, search_url
from abstractor.web.params import MAX_PAGE, MAX_QUERY_CHARS, RowId
from abstractor.web.reading import open_document
from abstractor.web.templating import render
from schemas.introspect import list_fields, load_schema
from storage.db.corrections import apply_corrections, corrections_for, engine_value
from storage.db.queries import document_detail, page_extractions

router = APIRouter()


@router.get("/documents/{document_id}")
def document_page(
    request: Request,
    services: Services,
    who: PageUser,
    document_id: RowId,
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
    q: Annotated[str, Query(max_length=MAX_QUERY_CHARS)] = "",
    where: Annotated[list[str] | None, Query()] = None,
    box: Annotated[list[str] | None, Query()] = None,
) -> Response:
    open_document(request, services, who, document_id, "view", page, {"q": q} if q else None)
    detail = document_detail(services.db, document_id)
    if detail is None:  # purged between the check and the read
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such document")
    pages = {p["number"]: p for p in detail["page_list"]}
    if pages and page not in pages:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such page")
    per_page = page_extractions(services.db, document_id)
    escalated = frozenset(number for number, row in per_page.items() if row["escalated"])
    extraction = detail["extraction"]
    # A reviewer's answer wins over the engine's: the rows show it, with who gave it and what was there.
    corrections = corrections_for(services.db, document_id)
    fields = apply_corrections(extraction["fields"] if extraction else {}, corrections)
    lists = list_fields(load_schema(services.settings.extraction.schema_name))
    rows = field_rows(fields, escalated)
    clauses = clause_answers(fields)
    present = clause_rows(clauses, escalated)
    current = pages.get(page)
    return render(
        request,
        "document.html",
        who,
        doc=detail,
        page=page,
        page_count=len(pages),
        page_size=(current["width"], current["height"]) if current else None,
        rows=rows,
        present=present,
        absent=[clause_name(category) for category in clauses.absent],
        unknown=[clause_name(category) for category in clauses.unknown],
        boxes=on_page(rows + present, page),
        may_review=may_open(who, "review"),
        reviews={
            path: {"actor": c.actor, "confirmed": c.confirmed, "was": format_value(c.old_value)}
            for path, c in corrections.items()
        },
        # The correction input starts from the value shown, so sending it back unchanged changes nothing.
        edits={path: edit_text(engine_value(field, path in lists)) for path, field in fields.items()},
        extraction=extraction,
        passage=rects(parse_boxes(box or [])),
        q=q,
        # The search this page was opened from: its results, and what page turns keep (`&q=…&where=…`).
        back_url=search_url(q, where or []) if q else None,
        keep="&" + query_string(search_pairs(q, where or [])) if q else "",
    )
