"""`abstractor purge` and `abstractor hold`: removing client documents for good, and legal holds."""

from __future__ import annotations

import getpass
from typing import Annotated

import typer

from abstractor.cli.common import fail, load_settings, print_json
from pipeline.purge import PurgeRefusedError, purge, set_hold
from retrieval.updates import open_updates
from storage.blobs import open_blob_store
from storage.db import open_database
from storage.db.audit import record


def purge_command(
    document: Annotated[int | None, typer.Option(help="Document id.")] = None,
    matter: Annotated[str | None, typer.Option(help="A whole matter.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Remove a document or a whole matter from the database, the index and the blob store.

    Blobs another document still uses (the same file in another matter) are kept. Exit status: 0 done;
    2 bad usage, nothing by that id or name, a matter under legal hold, or a document being ingested.
    """
    if (document is None) == (matter is None):
        fail("give exactly one of --document or --matter")
    settings = load_settings()
    db = open_database(settings.resolved_database_url)
    blobs = open_blob_store(
        settings.resolved_blobs_url,
        s3_endpoint_url=settings.blobs.s3_endpoint_url,
        s3_region=settings.blobs.s3_region,
    )
    updates = open_updates(db, settings.resolved_index)
    actor = f"cli:{getpass.getuser()}"
    try:
        report = purge(
            db, blobs, updates, document_id=document, matter=matter, ocr_cache=settings.resolved_ocr_cache_dir
        )
    except PurgeRefusedError as error:
        record(
            db,
            actor=actor,
            action="purge",
            client="cli",
            outcome="denied",
            document_id=document,
            matter=matter,
            detail={"reason": str(error)},
        )
        fail(str(error))
    finally:
        updates.close()
    record(
        db,
        actor=actor,
        action="purge",
        client="cli",
        document_id=document,
        matter=report.matter,
        detail={"documents": report.documents, "blobs_deleted": report.blobs_deleted},
    )
    summary = {
        "documents": report.documents,
        "matter": report.matter,
        "blobs_deleted": report.blobs_deleted,
        "shared_kept": report.shared_kept,
    }
    if as_json:
        print_json(summary)
    else:
        typer.echo(
            f"purged {len(report.documents)} documents, {report.blobs_deleted} blobs "
            f"({report.shared_kept} files kept: still used by another matter)"
        )


def hold(
    matter: Annotated[str, typer.Option(help="The matter.")],
    release: Annotated[bool, typer.Option("--release", help="Lift the hold.")] = False,
) -> None:
    """Put a matter under legal hold (it then refuses to be purged), or --release it.

    Exit status: 0 ok; 2 no such matter.
    """
    db = open_database(load_settings().resolved_database_url)
    try:
        set_hold(db, matter, not release)
    except PurgeRefusedError as error:
        fail(str(error))
    record(
        db,
        actor=f"cli:{getpass.getuser()}",
        action="release" if release else "hold",
        client="cli",
        matter=matter,
    )
    typer.echo(f"{matter}: {'released' if release else 'under legal hold'}")


def register(app: typer.Typer) -> None:
    app.command(name="purge")(purge_command)
    app.command()(hold)
