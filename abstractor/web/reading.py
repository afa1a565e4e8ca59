"""Reading one document through the caller's matters, audited: the one check of the API and the pages.

A document the caller may not read answers 404 exactly like one that does not exist, so ids reveal nothing.
"""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException, Request, status

from abstractor.search_service import SearchServices
from abstractor.web.auth import client_address
from storage.db.access import Principal, ReadableDocument, readable_document
from storage.db.audit import record


def audit_client(request: Request, who: Principal) -> str:
    return f"{client_address(request)} ({who.via})"


def open_document(
    request: Request,
    services: SearchServices,
    who: Principal,
    document_id: int,
    action: str,
    page: int | None = None,
    extra: dict[str, Any] | None = None,
) -> ReadableDocument:
    """The readable document, audited as `action`; `extra` goes into the audit detail (e.g. a query)."""
    found = readable_document(services.db, who, document_id)
    detail = {**({"page": page} if page is not None else {}), **(extra or {})}
    if found is None:
        record(
            services.db,
            actor=who.name,
            action=action,
            client=audit_client(request, who),
            outcome="denied",
            document_id=document_id,
            detail=detail,
        )
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such document")
    # A page the document does not have is a request that read nothing: not an "ok" in the audit log.
    missing_page = page is not None and (found.page_count is None or page > found.page_count)
    record(
        services.db,
        actor=who.name,
        action=action,
        client=audit_client(request, who),
        outcome="not_found" if missing_page else "ok",
        document_id=document_id,
        matter=found.matter,
        detail=detail,
    )
    if missing_page:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such page")
    return found
