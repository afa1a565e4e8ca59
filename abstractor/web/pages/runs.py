"""The admins' runs page: nightly runs with status, counts and duration; the accuracy runs (extraction and
search, each with its headline figure and report); failed documents and their reasons.

A failed document can be marked for the next run (`retry_requested`, which the ingest stages honour);
the form carries the session's CSRF secret and the mark is written to the audit log.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.responses import RedirectResponse, Response

from abstractor.web.auth import FormUser, Services, area_user
from abstractor.web.params import RowId
from abstractor.web.reading import audit_client
from abstractor.web.templating import render
from schemas.status import Status
from storage.db import Database, Document
from storage.db.access import Principal
from storage.db.audit import record
from storage.db.queries import accuracy_runs, failed_documents, runs

router = APIRouter(prefix="/runs")
Admin = Annotated[Principal, Depends(area_user("runs"))]


def request_retry(db: Database, document_id: int) -> str | None:
    """Mark a failed or partial document for the next run; its matter, or None when there is none such."""
    with db.session() as session:
        document = session.get(Document, document_id)
        if document is None or document.status not in (Status.failed, Status.partial):
            return None
        document.retry_requested = True
        return document.matter.name


@router.get("")
def runs_page(request: Request, services: Services, who: Admin) -> Response:
    db = services.db
    return render(
        request, "runs.html", who, runs=runs(db), accuracy=accuracy_runs(db), failed=failed_documents(db)
    )


@router.post("/documents/{document_id}/retry")
def retry(request: Request, services: Services, who: Admin, _form: FormUser, document_id: RowId) -> Response:
    matter = request_retry(services.db, document_id)
    if matter is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such failed document")
    record(
        services.db,
        actor=who.name,
        action="retry_request",
        client=audit_client(request, who),
        document_id=document_id,
        matter=matter,
    )
    return RedirectResponse(f"/runs#document-{document_id}", status.HTTP_303_SEE_OTHER)
