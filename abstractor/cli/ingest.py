"""`abstractor ingest`: bring new and changed contracts in."""

from __future__ import annotations

from typing import Annotated

import typer

from abstractor.cli.common import Exit, fail, load_settings, print_json
from abstractor.cli.progress import RunProgress
from abstractor.jobs import ingest_job
from abstractor.prefect_env import configure_prefect
from storage.db import open_database


def ingest(
    sources: Annotated[
        list[str] | None,
        typer.Argument(help="Folders, files, globs or s3://bucket/prefix. Default: the configured sources."),
    ] = None,
    matter: Annotated[
        str | None,
        typer.Option(help="Matter of every document; default: the first folder level under the source."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Ingest scanned contracts: render, OCR and extract every new or out-of-date document.

    Exit status: 0 all documents succeeded; 3 some failed (the others were processed); 2 bad usage.
    """
    settings = load_settings()
    sources = sources or settings.ingest.sources
    if not sources:
        fail("no sources: give SOURCE arguments or set ABSTRACTOR_INGEST__SOURCES")
    configure_prefect(settings)
    job = ingest_job(settings, sources, matter)
    from flows.ingest_flow import ingest as ingest_flow  # Prefect reads its environment on import

    db = open_database(job.database_url)
    try:
        with RunProgress(db):
            result = ingest_flow(job)
    finally:
        db.dispose()
    if as_json:
        print_json(result)
    else:
        counts = result["documents"]
        typer.echo(
            f"Run {result['run']}: {counts['new']} new, {counts['updated']} updated, "
            f"{counts['skipped']} skipped, {counts['failed']} failed; {result['pages']} pages processed."
        )
        for failure in result["failures"]:
            typer.echo(f"  failed: {failure['source']}: {failure['error']}")
    if result["documents"]["failed"]:
        raise typer.Exit(int(Exit.documents_failed))


def register(app: typer.Typer) -> None:
    app.command()(ingest)
