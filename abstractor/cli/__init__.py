"""The `abstractor` command line. Each verb lives in a module of its own and registers itself here."""

from __future__ import annotations

import typer

from abstractor.cli import (
    audit,
    calibrate,
    deploy,
    doctor,
    documents,
    evaluate,
    export,
    ingest,
    purge,
    reindex,
    search,
    serve,
    users,
)

app = typer.Typer(
    help="Abstractor: scanned contracts in, structured, searchable, measured data out.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
for module in (
    ingest,
    documents,
    export,
    search,
    evaluate,
    calibrate,
    serve,
    users,
    audit,
    purge,
    reindex,
    deploy,
    doctor,
):
    module.register(app)


def main() -> None:
    app()
