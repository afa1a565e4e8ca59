"""`abstractor reindex`: rebuild the page index from the database and the blobs."""

from __future__ import annotations

from typing import Annotated

import typer

from abstractor.cli.common import Exit, load_settings, print_json
from abstractor.jobs import ingest_job
from pipeline.ingest_setup import build_context
from pipeline.reindex import reindex as reindex_documents


def reindex(
    matter: Annotated[str | None, typer.Option(help="Only this matter's documents.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Embed every OCR'd document's pages again and replace its points (after a model change or a lost index).

    Exit status: 0 ok; 3 some documents failed (the others were indexed); 2 bad configuration.
    """
    settings = load_settings()
    context = build_context(ingest_job(settings, [], None))
    try:
        tally = reindex_documents(context, matter)
    finally:
        context.close()
        context.db.dispose()
    if as_json:
        print_json({**tally.as_dict(), "failures": tally.failures})
    else:
        counts = tally.documents
        typer.echo(
            f"Reindex run {tally.run_id}: {counts['updated']} documents indexed, "
            f"{counts['skipped']} skipped (being ingested), {counts['failed']} failed."
        )
    if tally.documents["failed"]:
        raise typer.Exit(int(Exit.documents_failed))


def register(app: typer.Typer) -> None:
    app.command()(reindex)
