"""The admins' audit page: the log filtered by user, action and dates, and its export (CSV or JSON lines).

Rows have the shape of storage.db.audit's export (EXPORT_FIELDS), the same as `abstractor audit export`.
The export is streamed and is itself recorded in the log.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.responses import Response, StreamingResponse

from abstractor.web.auth import Services, area_user
from abstractor.web.reading import audit_client
from abstractor.web.templating import render
from storage.db.access import Principal
from storage.db.audit import EXPORT_FIELDS, record
from storage.db.queries import AuditFilter, audit_actions, audit_entries

router = APIRouter(prefix="/audit")
Admin = Annotated[Principal, Depends(area_user("audit"))]
SHOWN = 200  # rows on the page; the export has them all


def _filter(request: Request) -> AuditFilter:
    params = request.query_params

    def day(name: str) -> dt.date | None:
        raw = params.get(name, "").strip()
        try:
            return dt.date.fromisoformat(raw) if raw else None
        except ValueError:
            raise HTTPException(status.HTTP_400_BAD_REQUEST, f"{name}: {raw!r} is not a date") from None

    return AuditFilter(
        actor=params.get("actor", "").strip() or None,
        action=params.get("action", "").strip() or None,
        since=day("since"),
        until=day("until"),
    )


@router.get("")
def audit_page(request: Request, services: Services, who: Admin) -> Response:
    flt = _filter(request)
    rows = list(itertools.islice(audit_entries(services.db, flt), SHOWN + 1))
    return render(
        request,
        "audit.html",
        who,
        flt=flt,
        rows=rows[:SHOWN],
        more=len(rows) > SHOWN,
        actions=audit_actions(services.db),
        query=request.url.query,
    )


def _csv(rows: Iterator[dict[str, Any]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=EXPORT_FIELDS)
    writer.writeheader()
    for row in rows:
        writer.writerow({**row, "detail": json.dumps(row["detail"], sort_keys=True)})
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def _jsonl(rows: Iterator[dict[str, Any]]) -> Iterator[str]:
    for row in rows:
        yield json.dumps(row, sort_keys=True, default=str) + "\n"


@router.get("/export")
def export(
    request: Request, services: Services, who: Admin, format: Literal["csv", "jsonl"] = "jsonl"
) -> Response:
    flt = _filter(request)
    record(
        services.db,
        actor=who.name,
        action="audit_export",
        client=audit_client(request, who),
        detail={"format": format, **{k: str(v) for k, v in vars(flt).items() if v is not None}},
    )
    rows = audit_entries(services.db, flt, newest_first=False)  # oldest first, like the CLI's export
    body = _csv(rows) if format == "csv" else _jsonl(rows)
    media = "text/csv" if format == "csv" else "application/x-ndjson"
    return StreamingResponse(
        body,
        media_type=f"{media}; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="audit.{format}"'},
    )
