"""The JSON API: search, and documents and their pages, always through the caller's matters, audited.

A document or page the caller may not read answers 404 exactly like one that does not exist, so ids
reveal nothing. Pages are reached by document id and page number only, never by blob key or path.
The web pages load their page images and originals through these same routes (with the session cookie).
"""

from __future__ import annotations

import io
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request, Response, status
from PIL import Image
from sqlalchemy import select

from abstractor.web.auth import CurrentUser, Services
from abstractor.web.heatmap import overlay_png
from abstractor.web.params import MAX_QUERY_CHARS, PageNumber, RowId
from abstractor.web.reading import audit_client, open_document
from retrieval.embedders.heatmap import HeatmapUnavailableError
from retrieval.index import IndexBusy
from retrieval.search import MAX_LIMIT, BadQueryError, NotAllowedError
from storage.blobs import BlobNotFound
from storage.db import Page
from storage.db.corrections import apply_corrections, corrections_for
from storage.db.queries import document_detail

router = APIRouter(prefix="/api")


@router.get("/search")
def search(
    request: Request,
    services: Services,
    who: CurrentUser,
    q: Annotated[str, Query(max_length=MAX_QUERY_CHARS, description="What to look for, in words.")],
    where: Annotated[
        list[str] | None,
        Query(description="FIELD=VALUE, FIELD>=VALUE, FIELD<=VALUE or clause.<category>=true|false."),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Documents to return.")] = 10,
) -> dict[str, Any]:
    """The best documents for `q` in the caller's matters, each with its best pages (snippet, highlights
    as character spans into it, the passage's boxes on the page image); `"quoted words"` must stand as a
    phrase. `relevance` is a calibrated probability or null (unknown); `answered` false means the best
    document is under the calibrated floor (these are only the closest); `facets` counts, per clause,
    the documents the filters admit that have it; `visual` says whether ColPali took part."""
    try:
        result = services.search(who, q, where=where or [], limit=limit, client=audit_client(request, who))
    except BadQueryError as error:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, str(error)) from None
    except NotAllowedError as error:
        raise HTTPException(status.HTTP_403_FORBIDDEN, str(error)) from None
    except IndexBusy:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "the index is busy; try again") from None
    return result.to_json()


@router.get("/documents/{document_id}")
def document(request: Request, services: Services, who: CurrentUser, document_id: RowId) -> dict[str, Any]:
    open_document(request, services, who, document_id, "view", None)
    detail = document_detail(services.db, document_id)
    if detail is None:  # purged between the check and the read
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such document")
    if detail["extraction"] is not None:  # a reviewer's answer wins over the engine's, as in the viewer
        corrections = corrections_for(services.db, document_id)
        detail["extraction"]["fields"] = apply_corrections(detail["extraction"]["fields"], corrections)
    return detail


def _page_blob(services: Services, document_id: int, number: int, thumbnail: bool) -> bytes:
    with services.db.session() as session:
        page = session.scalar(select(Page).where(Page.document_id == document_id, Page.number == number))
        key = None if page is None else (page.thumbnail_key if thumbnail else page.image_key)
    try:
        if key is None:
            raise BlobNotFound(f"page {number}")
        return services.blobs.get(key)
    except BlobNotFound:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such page") from None


def _page_image(services: Services, document_id: int, number: int, thumbnail: bool) -> Response:
    return Response(_page_blob(services, document_id, number, thumbnail), media_type="image/jpeg")


@router.get("/documents/{document_id}/pages/{number}/thumbnail", response_class=Response)
def thumbnail(
    request: Request, services: Services, who: CurrentUser, document_id: RowId, number: PageNumber
) -> Response:
    open_document(request, services, who, document_id, "thumbnail", number)
    return _page_image(services, document_id, number, thumbnail=True)


@router.get("/documents/{document_id}/pages/{number}/image", response_class=Response)
def page_image(
    request: Request, services: Services, who: CurrentUser, document_id: RowId, number: PageNumber
) -> Response:
    open_document(request, services, who, document_id, "page", number)
    return _page_image(services, document_id, number, thumbnail=False)


@router.get("/documents/{document_id}/pages/{number}/heatmap", response_class=Response)
def heatmap(
    request: Request,
    services: Services,
    who: CurrentUser,
    document_id: RowId,
    number: PageNumber,
    q: Annotated[str, Query(min_length=1, max_length=MAX_QUERY_CHARS, description="The question, in words.")],
) -> Response:
    """Where the page answers `q` for ColPali: a red RGBA PNG the size of the page's thumbnail.

    409 when no ColPali model is loaded. The page is embedded again with the loaded model (the index keeps
    no patch grid), so this costs one page's forward pass.
    """
    # The access check (and its audit row) comes first: a probe of another matter's ids is logged as
    # denied whether or not a model is loaded.
    open_document(request, services, who, document_id, "heatmap", number, {"q": q})
    if not services.encoder.visual:
        raise HTTPException(
            status.HTTP_409_CONFLICT, "no ColPali model is loaded: heat-maps need embedders.colpali_model"
        )
    size = Image.open(io.BytesIO(_page_blob(services, document_id, number, thumbnail=True))).size
    page = Image.open(io.BytesIO(_page_blob(services, document_id, number, thumbnail=False))).convert("RGB")
    try:
        heat = services.encoder.heatmap(q, page)  # (rows, cols)
    except HeatmapUnavailableError as error:
        raise HTTPException(status.HTTP_409_CONFLICT, str(error)) from None
    return Response(overlay_png(heat, size), media_type="image/png")


@router.get("/documents/{document_id}/original", response_class=Response)
def original(request: Request, services: Services, who: CurrentUser, document_id: RowId) -> Response:
    found = open_document(request, services, who, document_id, "download", None)
    try:
        data = services.blobs.get(found.original_key)
    except BlobNotFound:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "the original is missing") from None
    safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in found.filename) or "document"
    return Response(
        data,
        media_type="application/octet-stream",
        headers={"Content-Disposition": f'attachment; filename="{safe}"'},
    )
