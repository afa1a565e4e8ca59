"""The `abstractor` command line. Each verb lives in a module of its own and registers itself here."""

from __future__ import annotations

from importlib.metadata import version
from typing import Annotated

import typer

from abstractor.cli import (
    audit,
    calibrate,
    deploy,
    doctor,
    documents,
    evaluate,
    export,
    goldset_cli,
    ingest,
    purge,
    reindex,
    search,
    serve,
    users,
)
from abstractor.cli.common import Group, examples

DISTRIBUTION = "abstractor"  # [project] name in pyproject.toml: what importlib.metadata knows it by

app = typer.Typer(
    help="Abstractor: scanned contracts in, structured, searchable, measured data out.",
    epilog=examples(
        ("abstractor ingest ~/inbox", "render, OCR and extract what is new or out of date"),
        ("abstractor documents", "what has been ingested"),
        ("abstractor show 12", "one document: its pages, fields and evidence"),
        ("abstractor export --format csv --out terms.csv", "the extracted terms, for a spreadsheet"),
        ("abstractor COMMAND --help", "a command's options and examples"),
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=Group,
)
for module in (
    ingest,
    documents,
    export,
    search,
    evaluate,
    calibrate,
    goldset_cli,
    serve,
    users,
    audit,
    purge,
    reindex,
    deploy,
    doctor,
):
    module.register(app)


def _print_version(wanted: bool) -> None:
    if wanted:
        typer.echo(f"abstractor {version(DISTRIBUTION)}")
        raise typer.Exit()


@app.callback()
def _root(
    _version: Annotated[
        bool,
        # Eager: answered before any command is parsed or settings are loaded.
        typer.Option("--version", callback=_print_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    """The root's own options; the app's help text is the Typer(help=...) above."""


def main() -> None:
    app()
