"""`abstractor documents` and `abstractor show`: what has been ingested."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from abstractor.cli.common import fail, load_settings, print_json
from storage.db import open_database
from storage.db.queries import document_detail, list_documents

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]


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
    """Show one document: sources, stage versions, pages and extracted fields."""
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
            items = field["items"]
            value = "; ".join(str(item["value"]) for item in items) or "-"
            page = ", ".join(str(item["evidence"]["page"]) for item in items if item.get("evidence"))
            table.add_row(name, value, f"{field['confidence']:.2f}", page)
        console.print(table)


def register(app: typer.Typer) -> None:
    app.command()(documents)
    app.command()(show)
