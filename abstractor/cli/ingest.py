"""`abstractor ingest`: bring new and changed contracts in."""

from __future__ import annotations

from typing import Annotated

import typer

from abstractor.cli.common import Exit, fail, load_settings, print_json
from abstractor.cli.progress import RunProgress
from abstractor.jobs import ingest_job
from abstractor.prefect_env import configure_prefect
from storage.db import open_database
from storage.db.documents import request_retries


def ingest(
    sources: Annotated[
        list[str] | None,
        typer.Argument(help="Folders, files, globs or s3://bucket/prefix. Default: the configured sources."),
    ] = None,
    matter: Annotated[
        str | None,
        typer.Option(help="Matter of every document; default: the first folder level under the source."),
    ] = None,
    retry: Annotated[
        bool,
        typer.Option(
            "--retry",
            help="Also redo documents that failed or came through in part for a reason a re-run alone "
            "does not cure (a broken file, a refused request). Transient failures are redone anyway.",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Ingest scanned contracts: render, OCR and extract every new or out-of-date document.

    Pages that failed for a transient reason (the model endpoint down, a timeout) are redone by the next
    run without being asked, and only those pages.

    Exit status: 0 every document ok; 3 some document or page ended failed or partial (the others were
    processed; each has its reason); 2 bad usage.
    """
    settings = load_settings()
    sources = sources or settings.ingest.sources
    if not sources:
        fail("no sources: give SOURCE arguments or set ABSTRACTOR_INGEST__SOURCES")
    configure_prefect(settings)
    job = ingest_job(settings, sources, matter)
    from flows.ingest_flow import ingest as ingest_flow  # Prefect reads its environment on import

    if retry:
        db = open_database(job.database_url)
        try:
            request_retries(db)
        finally:
            db.dispose()
    with RunProgress("ingest"):
        result = ingest_flow(job)
    if as_json:
        print_json(result)
    else:
        counts = result["documents"]
        typer.echo(
            f"Run {result['run']}: {counts['new']} new, {counts['updated']} updated, "
            f"{counts['skipped']} skipped, {counts['partial']} partial, {counts['failed']} failed; "
            f"{result['pages']} pages processed."
        )
        for failure in result["failures"]:
            pages = failure.get("pages")
            where = f" (pages {', '.join(map(str, pages))})" if pages else ""
            typer.echo(f"  {failure.get('status', 'failed')}: {failure['source']}{where}: {failure['error']}")
    if result["documents"]["failed"] or result["documents"]["partial"]:
        raise typer.Exit(int(Exit.documents_failed))


def register(app: typer.Typer) -> None:
    app.command()(ingest)
