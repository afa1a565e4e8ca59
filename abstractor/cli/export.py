"""`abstractor export`: every document's extracted fields, as JSON lines or CSV."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer

from abstractor.cli.common import fail, load_settings
from schemas.introspect import list_fields, load_schema
from storage.db import open_database
from storage.db.export import export_records

FIXED_COLUMNS = ("document", "source", "sha256", "matter", "status", "failed_pages")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):
        return ", ".join(f"{key}: {item}" for key, item in value.items() if item is not None)
    if isinstance(value, list):
        return "; ".join(_cell(item) for item in value)
    return str(value)


def _write_csv(records: Iterable[dict[str, Any]], names: list[str], out: TextIO) -> None:
    """One row per document: the value, confidence and page of each field side by side."""
    columns = [*FIXED_COLUMNS]
    for name in names:
        columns += [name, f"{name}_confidence", f"{name}_page"]
    writer = csv.writer(out)
    writer.writerow(columns)
    for record in records:
        row = [_cell(record[column]) for column in FIXED_COLUMNS]
        for name in names:
            field = record["fields"].get(name, {})
            pages = (
                field.get("page")
                if "items" not in field
                else sorted({item["page"] for item in field["items"] if item["page"] is not None})
            )
            row += [_cell(field.get("value")), _cell(field.get("confidence")), _cell(pages)]
        writer.writerow(row)


def export(
    output_format: Annotated[str, typer.Option("--format", help="jsonl or csv.")] = "jsonl",
    out: Annotated[Path | None, typer.Option(help="Output file; default standard output.")] = None,
) -> None:
    """Export every document with its extracted fields, confidence and evidence (page, text, box, model)."""
    if output_format not in ("jsonl", "csv"):
        fail(f"--format must be jsonl or csv, not {output_format!r}")
    settings = load_settings()
    schema = load_schema(settings.extraction.schema_name)
    db = open_database(settings.resolved_database_url)
    records = export_records(db, list_fields(schema))
    with out.open("w", newline="") if out else nullcontext(sys.stdout) as stream:
        if output_format == "csv":
            _write_csv(records, list(schema.model_fields), stream)
        else:
            for record in records:
                stream.write(json.dumps(record) + "\n")
    db.dispose()


def register(app: typer.Typer) -> None:
    app.command()(export)
