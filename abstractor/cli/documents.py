"""`abstractor documents` and `abstractor show`: what has been ingested."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from abstractor.cli.common import examples, fail, load_settings, print_json
from abstractor.web.clauses import clause_answers, clause_name, is_clause_path
from storage.db import open_database
from storage.db.queries import document_detail, list_documents

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
EVIDENCE_CHARS = 100  # of a clause's or a field's text: enough to recognise it, one line in a terminal


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
    console.print(_document_table(detail))
    if detail["stages"]:
        console.print(_stages_table(detail["stages"]))
    if detail["page_list"]:
        console.print(_pages_table(detail["page_list"]))
    extraction = detail["extraction"]
    if extraction:
        console.print(_fields_table(extraction["fields"]))
        _print_clauses(console, extraction["fields"])


def _document_table(detail: dict[str, Any]) -> Table:
    table = Table(title=f"document {detail['id']}", show_header=False)
    table.add_column(style="bold")
    table.add_column()
    rows = [
        ("file", detail["filename"]),
        ("matter", detail["matter"]),
        ("sha256", detail["sha256"]),
        ("status", detail["status"]),
        ("pages", str(detail["pages"] or "")),
        ("sources", "\n".join(detail["sources"]) or "-"),
    ]
    if detail["error"]:
        rows.append(("error", detail["error"]))
    if detail["failed_pages"]:
        rows.append(("failed pages", ", ".join(map(str, detail["failed_pages"]))))
    for name, value in rows:
        table.add_row(name, Text(value))  # Text: a file name's "[draft]" is not a Rich style tag
    return table


def _stages_table(stages: dict[str, Any]) -> Table:
    table = Table("stage", "version", "status", title="stages")
    for stage, state in stages.items():
        status = f"{state['status']} ({state['failure']})" if state["failure"] else state["status"]
        table.add_row(stage, Text(state["version"]), status)
    return table


def _pages_table(pages: list[dict[str, Any]]) -> Table:
    table = Table("page", "size", "OCR", "words", "extraction", "escalated", "confidence", title="pages")
    for page in pages:
        outcome = page["extraction"] or {}  # none: the page was never extracted
        status = outcome.get("status", "")
        if outcome.get("failure"):
            status = f"{status} ({outcome['failure']})"
        escalated = {True: "yes", False: "no"}.get(outcome.get("escalated"), "")
        table.add_row(
            str(page["number"]),
            f"{page['width']}×{page['height']}",
            Text(page["ocr_version"] or ""),
            str(page["words"]),
            status,
            escalated,
            _confidence(outcome["confidence"]) if outcome else "",
        )
    return table


def _fields_table(fields: dict[str, Any]) -> Table:
    """One row per field (clauses have a table of their own). A field nothing was found for reads "not
    found", its confidence (that nothing is there) apart and muted, never where a found value's is."""
    table = Table("field", "value", "confidence", "page", "evidence", title="fields")
    table.add_column("not-found confidence", style="dim")
    for name, field in fields.items():
        if is_clause_path(name):
            continue
        items = [item for item in field["items"] if item["value"] is not None]
        confidence = _confidence(field["confidence"])
        if not items:
            table.add_row(name, Text("not found", style="dim italic"), "", "", "", confidence)
            continue
        evidence = [item["evidence"] for item in items if item.get("evidence")]
        pages = sorted({found["page"] for found in evidence})
        texts = " | ".join(_one_line(found["text"]) for found in evidence)
        value = "; ".join(_value(item["value"]) for item in items)
        table.add_row(name, Text(value), confidence, ", ".join(map(str, pages)), Text(_clip(texts)), "")
    return table


def _value(value: Any) -> str:
    """A party {"name": ..., "role": ...} as "Acme Ltd, landlord"; dates are ISO strings already."""
    if isinstance(value, dict):
        return ", ".join(str(part) for part in value.values() if part is not None)
    return str(value)


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split())  # OCR line breaks would break the row


def _clip(text: str) -> str:
    return text if len(text) <= EVIDENCE_CHARS else text[: EVIDENCE_CHARS - 1] + "…"


def _confidence(value: float | None) -> str:
    return "?" if value is None else f"{value:.2f}"  # None: unknown, the model gave no logprobs


def _print_clauses(console: Console, fields: dict[str, Any]) -> None:
    """Present clauses one per row with their page and words; absent ones in a line; unknown counted."""
    answers = clause_answers(fields)
    table = Table("clause", "confidence", "page", "evidence", title="clauses present")
    for found in answers.present:
        evidence = found.item.get("evidence") or {}
        text = _clip(_one_line(evidence.get("text")))
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
    app.command(
        epilog=examples(
            ("abstractor documents", "every document, newest first"),
            ("abstractor documents --json", "the same as JSON, for scripts"),
        )
    )(documents)
    app.command(
        epilog=examples(
            ("abstractor show 12", "document 12: its stages, pages, fields with evidence, and clauses"),
            ("abstractor show 12 --json", "the same as one JSON object, for scripts"),
        )
    )(show)
