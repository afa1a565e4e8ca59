"""`abstractor audit export`: the audit log for admins, as JSON lines or CSV."""

from __future__ import annotations

import csv
import getpass
import json
import sys
from pathlib import Path
from typing import Annotated, TextIO

import typer

from abstractor.cli.common import fail, load_settings
from storage.db import open_database
from storage.db.audit import EXPORT_FIELDS, entries, record

audit_app = typer.Typer(help="The audit log of searches, document views and downloads.")


def _write(out: TextIO, fmt: str, rows) -> int:
    count = 0
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS)
        writer.writeheader()
    for row in rows:
        if fmt == "csv":
            writer.writerow({**row, "detail": json.dumps(row["detail"], sort_keys=True)})
        else:
            out.write(json.dumps(row, sort_keys=True, default=str) + "\n")
        count += 1
    return count


@audit_app.command("export")
def export(
    fmt: Annotated[str, typer.Option("--format", help="jsonl or csv.")] = "jsonl",
    out: Annotated[Path | None, typer.Option(help="File to write; default standard output.")] = None,
) -> None:
    """Export every audit entry (who, when, action, client, outcome, document, matter, detail), oldest first.

    The export itself is recorded. Exit status: 0 ok; 2 bad usage.
    """
    if fmt not in ("jsonl", "csv"):
        fail(f"--format must be jsonl or csv, not {fmt!r}")
    db = open_database(load_settings().resolved_database_url)
    record(db, actor=f"cli:{getpass.getuser()}", action="audit_export", client="cli")
    if out is None:
        _write(sys.stdout, fmt, entries(db))
        return
    with out.open("w", newline="") as handle:
        count = _write(handle, fmt, entries(db))
    typer.echo(f"{count} entries written to {out}", err=True)


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")
