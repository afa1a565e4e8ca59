"""The review loop: the queue of what a person should look at, and the form that confirms or corrects a field.

The queue lists, over the caller's matters, the documents the pipeline marked `needs_review`, the fields
whose confidence is under a threshold or unknown, and the fields where the merge kept conflicting values;
each row links to the field's box in the document viewer. A field is answered on the document page
(POST /documents/{id}/fields/{path}/review, CSRF-checked); the correction is stored with who, when and
what the engine said, and written to the audit log. A corrected field leaves the queue: it is sure now.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request, status
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ValidationError

from abstractor.web.auth import FormUser, Services, area_user
from abstractor.web.clauses import clause_name, is_clause_path
from abstractor.web.evidence import format_value
from abstractor.web.params import MAX_PAGE, RowId
from abstractor.web.reading import audit_client
from abstractor.web.templating import render
from schemas.clauses import ClauseCategory
from schemas.introspect import field_paths, list_fields, load_schema
from schemas.status import Status
from storage.db.access import Principal, readable_document, visible_matters
from storage.db.audit import record
from storage.db.corrections import corrections_for, engine_value, record_correction, review_documents
from storage.db.queries import merged_fields

router = APIRouter()
Reviewer = Annotated[Principal, Depends(area_user("review"))]
DEFAULT_THRESHOLD = 0.7


def field_label(path: str) -> str:
    if is_clause_path(path):
        return clause_name(ClauseCategory(path.partition(".")[2]))
    return path.replace("_", " ")


@dataclass(frozen=True)
class QueueRow:
    document_id: int
    filename: str
    matter: str
    field: str | None  # None: the document as a whole
    label: str
    value: str
    confidence: float | None
    reason: str
    alternatives: list[str]
    href: str  # the document page at the field's page and box


def _field_href(document_id: int, path: str, field: dict[str, Any]) -> str:
    for index, item in enumerate(field.get("items") or []):
        evidence = item.get("evidence") or {}
        if evidence.get("page") and evidence.get("bbox"):
            return f"/documents/{document_id}?page={evidence['page']}#box-{path}-{index}"
    return f"/documents/{document_id}#field-{path}"


def _reason(field: dict[str, Any], threshold: float) -> str | None:
    """Why a field needs a person, or None. A question nobody read (no item, nothing measured) is not
    asked: the queue would drown in unread clauses."""
    confidence, items = field.get("confidence"), field.get("items") or []
    if field.get("conflicts"):
        return "conflicting values"
    if confidence is None:
        return "confidence unknown" if items else None
    return "low confidence" if confidence < threshold else None


def review_queue(services: Services, who: Principal, threshold: float) -> list[QueueRow]:
    rows: list[QueueRow] = []
    for document in review_documents(services.db, visible_matters(services.db, who)):
        base = {"document_id": document.id, "filename": document.filename, "matter": document.matter}
        if document.status == Status.needs_review:
            rows.append(
                QueueRow(**base, field=None, label="the document", value="", confidence=None,
                         reason="document needs review", alternatives=[], href=f"/documents/{document.id}")
            )  # fmt: skip
        for path, field in document.fields.items():
            reason = _reason(field, threshold)
            if reason is None:
                continue
            items = field.get("items") or []
            rows.append(
                QueueRow(
                    **base,
                    field=path,
                    label=field_label(path),
                    value="; ".join(format_value(item.get("value")) for item in items) or "not found",
                    confidence=field.get("confidence"),
                    reason=reason,
                    alternatives=[format_value(other.get("value")) for other in field.get("conflicts") or []],
                    href=_field_href(document.id, path, field),
                )
            )
    return rows


@router.get("/review")
def review_page(
    request: Request,
    services: Services,
    who: Reviewer,
    threshold: Annotated[float, Query(ge=0.0, le=1.0)] = DEFAULT_THRESHOLD,
) -> Response:
    rows = review_queue(services, who, threshold)
    # Like the contracts list: the queue shows client values, so who listed it, and how much, is audited.
    record(services.db, actor=who.name, action="review_queue", client=audit_client(request, who),
           detail={"threshold": threshold, "rows": len(rows)})  # fmt: skip
    return render(request, "review.html", who, rows=rows, threshold=threshold)


def parse_value(schema: type[BaseModel], path: str, text: str) -> Any:
    """A reviewer's text as the field's value in the schema's JSON form; ValueError saying what is wrong.

    Empty text means "nothing is there". The text is tried as written (a name, a date, "30", "yes"), then
    as JSON (a party, an amount, a list), and the schema validates it.
    """
    text = text.strip()
    if not text:
        return [] if path in list_fields(schema) else None
    candidates: list[Any] = [text]
    with contextlib.suppress(ValueError):  # not JSON: the text as written is the only candidate
        candidates.append(json.loads(text))
    group, _, name = path.rpartition(".")
    problem = ""
    for candidate in candidates:
        try:
            parsed = schema.model_validate({group: {name: candidate}} if group else {name: candidate})
        except ValidationError as error:
            problem = error.errors()[0]["msg"]
            continue
        dumped = parsed.model_dump(mode="json")
        return dumped[group][name] if group else dumped[name]
    raise ValueError(f"{field_label(path)}: {text!r} is not a valid value ({problem})")


@router.post("/documents/{document_id}/fields/{path}/review")
def review_field(
    request: Request,
    services: Services,
    who: Reviewer,
    _form: FormUser,
    document_id: RowId,
    path: str,
    action: Annotated[str, Form(pattern="^(confirm|correct)$")],
    value: Annotated[str, Form(max_length=2000)] = "",
    page: Annotated[int, Form(ge=1, le=MAX_PAGE)] = 1,
) -> Response:
    schema = load_schema(services.settings.extraction.schema_name)
    if path not in field_paths(schema):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such field")
    found = readable_document(services.db, who, document_id)
    if found is None:  # like the viewer: a document one may not read looks like none at all
        record(services.db, actor=who.name, action=action, client=audit_client(request, who),
               outcome="denied", document_id=document_id, detail={"field": path})  # fmt: skip
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such document")
    engine_field = merged_fields(services.db, [document_id]).get(document_id, {}).get(path)
    is_list = path in list_fields(schema)
    old = engine_value(engine_field, is_list)
    if action == "confirm":  # what the page shows: an earlier correction, else the engine's value
        earlier = corrections_for(services.db, document_id).get(path)
        new = earlier.value if earlier is not None else old
    else:
        try:
            new = parse_value(schema, path, value)
        except ValueError as error:
            raise HTTPException(status.HTTP_400_BAD_REQUEST, str(error)) from None
    record_correction(
        services.db,
        document_id=document_id,
        field=path,
        value=new,
        confirmed=new == old,
        old_value=old,
        old_confidence=(engine_field or {}).get("confidence"),
        actor=who.name,
    )
    record(
        services.db,
        actor=who.name,
        action="confirm" if new == old else "correct",
        client=audit_client(request, who),
        document_id=document_id,
        matter=found.matter,
        detail={"field": path, "value": new, "old_value": old},
    )
    return RedirectResponse(f"/documents/{document_id}?page={page}#field-{path}", status.HTTP_303_SEE_OTHER)
