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
from pydantic import BaseModel

from abstractor.cli.common import examples, fail, load_settings
from schemas.introspect import field_paths, list_fields, load_schema, nested_fields, presence_fields
from storage.db import open_database
from storage.db.export import export_records

FIXED_COLUMNS = ("document", "source", "sha256", "matter", "status", "failed_pages")
# A question no page answered: the shape of an empty field, with no confidence since nothing measured it.
_UNANSWERED = {"value": None, "confidence": None, "page": None, "evidence": None, "bbox": None, "model": None}


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):
        return ", ".join(f"{key}: {item}" for key, item in value.items() if item is not None)
    if isinstance(value, list):
        return "; ".join(_cell(item) for item in value)
    return str(value)


def _presence_cell(field: dict[str, Any]) -> str:
    value = field.get("value")
    return "" if value is None else str(bool(value)).lower()


def _presence_column(path: str) -> str:
    """`clauses.<slug>` -> `clause.<slug>`: one question, in the singular, as the search filter names it."""
    group, _, question = path.partition(".")
    return f"{group.removesuffix('s')}.{question}"


def _write_csv(records: Iterable[dict[str, Any]], schema: type[BaseModel], out: TextIO) -> None:
    """One row per document: the value, confidence, page and evidence text of each field side by side
    (a list field's pages and texts, one per element, joined), and one true/false/empty (unknown) column
    per yes/no question (a clause's presence)."""
    paths, presence = field_paths(schema), presence_fields(schema)
    columns = [*FIXED_COLUMNS]
    for name in paths:
        if name in presence:
            columns.append(_presence_column(name))
        else:
            columns += [name, f"{name}_confidence", f"{name}_page", f"{name}_evidence"]
    writer = csv.writer(out)
    writer.writerow(columns)
    for record in records:
        row = [_cell(record[column]) for column in FIXED_COLUMNS]
        for name in paths:
            field = record["fields"].get(name, {})
            if name in presence:
                row.append(_presence_cell(field))
                continue
            if "items" in field:  # a list field: each element has its own page and words
                pages = sorted({item["page"] for item in field["items"] if item["page"] is not None})
                evidence = [item["evidence"] for item in field["items"] if item["evidence"]]
            else:
                pages, evidence = field.get("page"), field.get("evidence")
            row += [_cell(field.get("value")), _cell(field.get("confidence")), _cell(pages), _cell(evidence)]
        writer.writerow(row)


def _nested(fields: dict[str, Any], schema: type[BaseModel]) -> dict[str, Any]:
    """The flat `<group>.<question>` fields of a record nested like the schema, every question listed
    (unanswered ones empty) so a reader finds each clause in the same place in every record."""
    if not fields:  # never extracted: no answers, not 33 unknown ones
        return fields
    groups = nested_fields(schema)
    nested = {name: field for name, field in fields.items() if name.partition(".")[0] not in groups}
    for group, model in groups.items():
        nested[group] = {q: fields.get(f"{group}.{q}", _UNANSWERED) for q in model.model_fields}
    return nested


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
            _write_csv(records, schema, stream)
        else:
            for record in records:
                record["fields"] = _nested(record["fields"], schema)
                stream.write(json.dumps(record) + "\n")
    db.dispose()


def register(app: typer.Typer) -> None:
    app.command(
        epilog=examples(
            ("abstractor export > documents.jsonl", "every document, one JSON object a line"),
            ("abstractor export --format csv --out terms.csv", "one row a document, for a spreadsheet"),
        )
    )(export)
