"""The contract table: every document of the reader's matters with its key terms, status and confidences.

Its filters are the search page's: the same form fields and `where` clauses, read by the search page's
`filters_from_query` and parsed by `parse_where`. The search applies them inside the vector index; here
there is no index query, so each document's merged extraction is turned into the very payload the indexer
stores (`page_payload` of `contract_terms`) and the index's own neutral conditions (`conditions`) are
checked on it: a filter cannot mean one thing here and another in search.

Sorting is server-side (`sort`, `order`), 50 rows a page; `/contracts.csv` and `/contracts.xlsx` export
every row the same filters and order admit, each value with its confidence. Views and exports are audited
as searches and downloads are.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from fastapi.responses import Response
from openpyxl import Workbook

from abstractor.web.auth import Services, area_user
from abstractor.web.clauses import clause_name
from abstractor.web.evidence import format_value
from abstractor.web.links import query_string
from abstractor.web.pages.search import Filters, filters_from_query
from abstractor.web.reading import audit_client
from abstractor.web.templating import render
from retrieval.index.base import IndexFilter
from retrieval.index.payload import Condition, conditions, page_payload
from retrieval.search import BadQueryError, Where, parse_where
from retrieval.terms import contract_terms
from schemas.clauses import ClauseCategory
from schemas.contract import ContractFields, ContractType
from storage.db.access import Principal, visible_matters
from storage.db.audit import record
from storage.db.contracts import ContractRecord, contract_records
from storage.db.queries import filter_values

router = APIRouter()
PER_PAGE = 50
Order = Literal["asc", "desc"]
# The extracted columns: field name -> header. Each has a value and the merged field's confidence.
TERMS = {
    "contract_type": "Contract type",
    "title": "Title",
    "parties": "Parties",
    "effective_date": "Effective date",
    "expiration_date": "Expiration date",
    "governing_law": "Governing law",
    "contract_value": "Contract value",
}
# Every sortable column: the document's own facts around the extracted terms.
COLUMNS = {"file": "File", "matter": "Matter", **TERMS, "status": "Status"}
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet would run as a formula


@dataclass(frozen=True)
class Cell:
    text: str | None  # None: not found in the contract
    key: Any  # what the column sorts by (a date, an amount, folded text); None sorts last
    confidence: float | None = None


@dataclass(frozen=True)
class ContractRow:
    document: int
    cells: dict[str, Cell]  # column -> cell
    payload: dict[str, Any]  # what the index would hold for its pages: the filters are checked on it


def _term(terms: ContractFields, name: str) -> tuple[str | None, Any]:
    """A term's shown text and sort key, from the typed (validated) values search filters on too."""
    value = getattr(terms, name)
    if name == "parties":
        names = [party.name for party in value]
        return ("; ".join(names), names[0].casefold()) if names else (None, None)
    if value is None:
        return None, None
    if name == "contract_value":
        return format_value(value.model_dump()), value.amount
    if isinstance(value, dt.date):
        return value.isoformat(), value
    return str(value), str(value).casefold()


def _row(found: ContractRecord) -> ContractRow:
    fields = found.fields or {}
    terms = contract_terms(fields) if found.fields is not None else ContractFields()
    cells = {
        "file": Cell(found.filename, found.filename.casefold()),
        "matter": Cell(found.matter, found.matter.casefold()),
        "status": Cell(found.status, found.status),
    }
    for name in TERMS:
        text, key = _term(terms, name)
        # A value not found has no confidence to show: the field's confidence would read as a value's.
        confidence = (fields.get(name) or {}).get("confidence") if text is not None else None
        cells[name] = Cell(text, key, confidence)
    payload = page_payload(str(found.id), 1, found.matter, terms if found.fields is not None else None)
    return ContractRow(found.id, cells, payload)


def _holds(condition: Condition, payload: Mapping[str, Any]) -> bool:
    """One index condition checked on a payload, with the index's meaning: a missing value never holds,
    a keyword condition holds when a list holds the keyword, ranges are inclusive."""
    found = payload.get(condition.key)
    if found is None:
        return False
    if condition.kind == "any":
        return found in condition.value
    if condition.kind == "value":
        return condition.value in found if isinstance(found, list) else found == condition.value
    low, high = condition.value
    if condition.kind == "datetime":  # the bounds are RFC 3339 midnights, the payload ISO days
        low, high = (None if bound is None else bound[:10] for bound in (low, high))
    return (low is None or low <= found) and (high is None or found <= high)


def _admitted(rows: Iterable[ContractRow], where: Where, matters: list[str]) -> list[ContractRow]:
    """The rows every filter admits; `matter=` clauses narrow the visible matters, never widen them."""
    allowed = set(matters) if where.matters is None else set(matters) & where.matters
    checks = conditions(IndexFilter(matters=sorted(allowed), **where.terms))
    return [row for row in rows if all(_holds(check, row.payload) for check in checks)]


def _sorted(rows: list[ContractRow], column: str, order: Order) -> list[ContractRow]:
    """By the column, ties by document; a missing value last in either order (it is not a small one)."""
    by_document = sorted(rows, key=lambda row: row.document)
    known = [row for row in by_document if row.cells[column].key is not None]
    missing = [row for row in by_document if row.cells[column].key is None]
    return sorted(known, key=lambda row: row.cells[column].key, reverse=order == "desc") + missing


@dataclass(frozen=True)
class Table:
    filters: Filters
    clauses: list[str]
    rows: list[ContractRow]  # admitted and sorted: all of them, not one page


def _table(
    request: Request, services: Services, who: Principal, column: str, order: Order, where: list[str]
) -> Table:
    """The admitted rows in order; BadQueryError for a filter that cannot be understood."""
    if column not in COLUMNS:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, f"sort by one of {', '.join(COLUMNS)}")
    filters = filters_from_query(request.query_params, where)
    clauses = filters.where
    matters = visible_matters(services.db, who)
    rows = [_row(found) for found in contract_records(services.db, matters)]
    return Table(filters, clauses, _sorted(_admitted(rows, parse_where(clauses), matters), column, order))


def _audit(
    request: Request, services: Services, who: Principal, action: str, outcome: str = "ok", **detail: Any
) -> None:
    """Like a search: who listed which contracts (the filters, order and how many rows), from where."""
    client = audit_client(request, who)
    record(services.db, actor=who.name, action=action, client=client, outcome=outcome, detail=detail)


def _address(path: str, clauses: list[str], column: str, order: Order, page: int = 1) -> str:
    """A table address: the filters as `where` clauses (the search page's canonical form), then order."""
    pairs: list[tuple[str, str | int]] = [("where", clause) for clause in clauses]
    pairs += [("sort", column), ("order", order), *([("page", page)] if page > 1 else [])]
    return f"{path}?{query_string(pairs)}"


def _headers(clauses: list[str], column: str, order: Order) -> list[dict[str, Any]]:
    """Each column's header link: the other order for the sorted column, ascending for the rest."""
    headers = []
    for name, label in COLUMNS.items():
        active = name == column
        next_order: Order = "desc" if active and order == "asc" else "asc"
        sort = ("ascending" if order == "asc" else "descending") if active else None
        url = _address("/contracts", clauses, name, next_order)
        headers.append({"name": name, "label": label, "url": url, "sort": sort})
    return headers


Column = Annotated[str, Query(max_length=40)]
Sort = Annotated[Order, Query()]
WhereQuery = Annotated[list[str] | None, Query()]
Reader = Annotated[Principal, Depends(area_user("search"))]  # client documents: lawyers and admins


@router.get("/contracts")
def contracts_page(
    request: Request,
    services: Services,
    who: Reader,
    sort: Column = "file",
    order: Sort = "asc",
    where: WhereQuery = None,
    page: Annotated[int, Query(ge=1)] = 1,
) -> Response:
    context: dict[str, Any] = {
        "columns": COLUMNS,
        "terms": TERMS,
        "contract_types": list(ContractType),
        "clause_choices": sorted(((c.value, clause_name(c)) for c in ClauseCategory), key=lambda c: c[1]),
        "choices": filter_values(services.db, visible_matters(services.db, who)),
        "sort": sort,
        "order": order,
        "page": page,
    }
    try:
        table = _table(request, services, who, sort, order, where or [])
    except BadQueryError as error:
        chosen = filters_from_query(request.query_params, where or [])
        _audit(request, services, who, "contracts", outcome="bad_query", where=chosen.where, error=str(error))
        context.update(chosen=chosen.chosen, extra=chosen.extra, error=str(error), rows=[], headers=[])
        return render(request, "contracts.html", who, status.HTTP_400_BAD_REQUEST, **context)
    shown = table.rows[(page - 1) * PER_PAGE : page * PER_PAGE]
    more = len(table.rows) > page * PER_PAGE
    detail: dict[str, Any] = {
        "where": table.clauses,
        "sort": sort,
        "order": order,
        "page": page,
        "rows": len(shown),
    }
    _audit(request, services, who, "contracts", **detail)
    context.update(
        chosen=table.filters.chosen,
        extra=table.filters.extra,
        error=None,
        rows=shown,
        total=len(table.rows),
        first=(page - 1) * PER_PAGE + 1,
        headers=_headers(table.clauses, sort, order),
        prev_url=_address("/contracts", table.clauses, sort, order, page - 1) if page > 1 else None,
        next_url=_address("/contracts", table.clauses, sort, order, page + 1) if more else None,
        csv_url=_address("/contracts.csv", table.clauses, sort, order),
        xlsx_url=_address("/contracts.xlsx", table.clauses, sort, order),
    )
    return render(request, "contracts.html", who, **context)


def _safe(text: str) -> str:
    """Text a spreadsheet shows as text: a leading quote keeps `=…` from a scan from running as a formula."""
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def _export_header() -> list[str]:
    header = ["document", "file", "matter", "status"]
    for name in TERMS:
        header += [name, f"{name}_confidence"]
    return header


def _export_row(row: ContractRow) -> list[Any]:
    """The row's values (empty: not found) and confidences, in `_export_header`'s order."""
    cells = row.cells
    values: list[Any] = [row.document, *(_safe(cells[name].text or "") for name in ("file", "matter"))]
    values.append(cells["status"].text)
    for name in TERMS:
        cell = cells[name]
        values += [_safe(cell.text or ""), None if cell.confidence is None else round(cell.confidence, 3)]
    return values


def _csv(rows: list[ContractRow]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(_export_header())
    writer.writerows(_export_row(row) for row in rows)
    return out.getvalue().encode("utf-8-sig")  # the BOM: Excel reads the file as UTF-8, not a code page


def _xlsx(rows: list[ContractRow]) -> bytes:
    book = Workbook(write_only=True)  # rows stream to the file: a big export does not sit as cell objects
    sheet = book.create_sheet("Contracts")
    sheet.append(_export_header())
    for row in rows:
        sheet.append(_export_row(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


_EXPORTS: dict[str, tuple[str, Callable[[list[ContractRow]], bytes]]] = {
    "csv": ("text/csv; charset=utf-8", _csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _xlsx),
}


def _export(
    request: Request, services: Services, who: Principal, kind: str, sort: str, order: Order, where: list[str]
) -> Response:
    try:
        table = _table(request, services, who, sort, order, where)
    except BadQueryError as error:
        _audit(
            request, services, who, "export", outcome="bad_query", format=kind, where=where, error=str(error)
        )
        raise HTTPException(status.HTTP_400_BAD_REQUEST, str(error)) from None
    media_type, write = _EXPORTS[kind]
    detail: dict[str, Any] = {
        "format": kind,
        "where": table.clauses,
        "sort": sort,
        "order": order,
        "rows": len(table.rows),
    }
    _audit(request, services, who, "export", **detail)
    disposition = f'attachment; filename="contracts.{kind}"'
    return Response(write(table.rows), media_type=media_type, headers={"Content-Disposition": disposition})


@router.get("/contracts.csv")
def contracts_csv(
    request: Request,
    services: Services,
    who: Reader,
    sort: Column = "file",
    order: Sort = "asc",
    where: WhereQuery = None,
) -> Response:
    return _export(request, services, who, "csv", sort, order, where or [])


@router.get("/contracts.xlsx")
def contracts_xlsx(
    request: Request,
    services: Services,
    who: Reader,
    sort: Column = "file",
    order: Sort = "asc",
    where: WhereQuery = None,
) -> Response:
    return _export(request, services, who, "xlsx", sort, order, where or [])
