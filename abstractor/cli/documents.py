"""`abstractor documents` and `abstractor show`: what has been ingested."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from abstractor.cli.common import fail, load_settings, print_json
from abstractor.web.clauses import clause_answers, clause_name, is_clause_path
from storage.db import open_database
from storage.db.queries import document_detail, list_documents

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
EVIDENCE_CHARS = 100  # of a clause's text: enough to recognise it, one line in a terminal


def documents(as_json: JsonOption = False) -> None:
    """List ingested documents with their matter, status and page count."""
    db = open_database(load_settings().resolved_database_url)
    rows = list_documents(db)
    if as_json:
        print_json(rows)
        return
    table = Table("id", "matter", "file", "status", "pages", "error")
    for row in rows:
        table.add_row(
            str(row["id"]),
            row["matter"],
            row["filename"],
            row["status"],
            str(row["pages"] or ""),
            row["error"] or "",
        )
    Console().print(table)


def show(document: Annotated[int, typer.Argument(help="Document id.")], as_json: JsonOption = False) -> None:
    """Show one document: sources, stage versions, pages, extracted fields and clauses."""
    db = open_database(load_settings().resolved_database_url)
    detail = document_detail(db, document)
    if detail is None:
        fail(f"no document {document}")
    if as_json:
        print_json(detail)
        return
    console = Console()
    console.print(f"[bold]{detail['filename']}[/bold]  (document {detail['id']}, matter {detail['matter']})")
    console.print(f"status: {detail['status']}  pages: {detail['pages']}  sha256: {detail['sha256']}")
    if detail["error"]:
        console.print(f"error: {detail['error']}")
    if detail["failed_pages"]:
        console.print(f"failed pages: {', '.join(map(str, detail['failed_pages']))}")
    for uri in detail["sources"]:
        console.print(f"source: {uri}")
    for stage, state in detail["stages"].items():
        failure = f", {state['failure']}" if state["failure"] else ""
        console.print(f"stage {stage}: {state['status']}{failure} ({state['version']})")
    extraction = detail["extraction"]
    if extraction:
        table = Table("field", "value", "confidence", "page")
        for name, field in extraction["fields"].items():
            if is_clause_path(name):
                continue
            items = field["items"]
            value = "; ".join(str(item["value"]) for item in items) or "-"
            page = ", ".join(str(item["evidence"]["page"]) for item in items if item.get("evidence"))
            table.add_row(name, value, _confidence(field["confidence"]), page)
        console.print(table)
        _print_clauses(console, extraction["fields"])


def _confidence(value: float | None) -> str:
    return "?" if value is None else f"{value:.2f}"  # None: unknown, the model gave no logprobs


def _print_clauses(console: Console, fields: dict[str, Any]) -> None:
    """Present clauses one per row with their page and words; absent ones in a line; unknown counted."""
    answers = clause_answers(fields)
    table = Table("clause", "confidence", "page", "evidence", title="clauses present")
    for found in answers.present:
        evidence = found.item.get("evidence") or {}
        text = " ".join((evidence.get("text") or "").split())  # OCR line breaks would break the row
        if len(text) > EVIDENCE_CHARS:
            text = text[: EVIDENCE_CHARS - 1] + "…"
        page = str(evidence.get("page") or "")
        # Text, not markup: a contract's "[Company]" is words, not a Rich style tag.
        confidence = _confidence(found.item["confidence"])
        table.add_row(clause_name(found.category), confidence, page, Text(text or "-"))
    if answers.present:
        console.print(table)
    else:
        console.print("clauses present: none")
    absent = ", ".join(clause_name(category) for category in answers.absent) or "none"
    console.print(f"clauses absent ({len(answers.absent)}): {absent}", highlight=False)
    console.print(f"clauses not read: {len(answers.unknown)}")


def register(app: typer.Typer) -> None:
    app.command()(documents)
    app.command()(show)
