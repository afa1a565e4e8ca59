"""`abstractor goldset add-reviewed`: reviewers' corrections as golden-set labels, a dev split to learn from.

Each document with at least one confirmed or corrected field becomes one label line: the reviewed fields
hold the reviewers' values; every field nobody reviewed is `unlabelled` ("not reviewed"), so scoring never
takes the engine's unreviewed output for the truth. The original file is copied beside the labels, so the
folder is a golden set `abstractor eval --goldset DIR --split dev` and `abstractor calibrate` can read.
"""

from __future__ import annotations

import getpass
import json
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from sqlalchemy import select

from abstractor.cli.common import examples, fail, load_settings
from goldset.labels import DOCUMENTS_DIR, LABELS_FILE, GoldDocument, write_labels
from schemas.contract import SCHEMA_VERSION, ContractFields
from schemas.introspect import field_paths, nested_fields
from storage.blobs import BlobNotFound, BlobStore, open_blob_store
from storage.db import Database, Document, Matter, open_database
from storage.db.audit import record
from storage.db.corrections import Correction, corrected_documents, corrections_by_document

NOT_REVIEWED = "not reviewed"
NOT_VALID = "reviewed, but the value does not fit the schema"
app = typer.Typer(help="Golden-set material made from the results database.", no_args_is_help=True)


def reviewed_label(name: str, corrections: dict[str, Correction]) -> GoldDocument:
    """One dev-split label: the reviewed fields' values, every other field unlabelled."""
    values: dict[str, Any] = {}
    unlabelled: dict[str, str] = {}
    for path, correction in corrections.items():
        group, _, question = path.rpartition(".")
        if correction.value is None:  # "nothing is there", which a label says by leaving the field out
            continue
        one = {group: {question: correction.value}} if group else {question: correction.value}
        try:  # a confirmed engine value was never parsed by the review form: it may not fit
            ContractFields.model_validate(one)
        except ValidationError:
            unlabelled[path] = NOT_VALID
            continue
        (values.setdefault(group, {}) if group else values)[question] = correction.value
    for group in nested_fields(ContractFields):  # a group nobody reviewed is unlabelled as a whole
        if not any(path.startswith(f"{group}.") for path in corrections):
            unlabelled[group] = NOT_REVIEWED
    for path in field_paths(ContractFields):
        if path not in corrections and path.partition(".")[0] not in unlabelled:
            unlabelled[path] = NOT_REVIEWED
    return GoldDocument(
        document=name,
        split="dev",
        schema_version=SCHEMA_VERSION,
        fields=ContractFields.model_validate(values),
        unlabelled=unlabelled,
    )


def _existing(out: Path) -> list[GoldDocument]:
    """The lines already in `out`, so running again per matter adds to the set instead of replacing it."""
    labels = out / LABELS_FILE
    if not labels.is_file():
        return []
    lines = labels.read_text(encoding="utf-8").splitlines()
    return [
        GoldDocument.model_validate(json.loads(line))
        for line in lines
        if line.strip() and not line.lstrip().startswith("#")
    ]


def add_reviewed_labels(db: Database, blobs: BlobStore, out: Path, matters: list[str] | None) -> list[str]:
    """Write the reviewed documents of `matters` (all when None) into the golden set at `out`; their names.

    A document is named `<id>-<file name>`: the same file name in two matters must not share a stem.
    """
    ids = corrected_documents(db, matters)
    if not ids:
        return []
    corrections = corrections_by_document(db, ids)
    with db.session() as session:
        rows = session.execute(
            select(Document.id, Document.filename, Document.original_key, Matter.name)
            .join(Matter)
            .where(Document.id.in_(ids))
        )
        documents = {row[0]: row[1:] for row in rows}
    (out / DOCUMENTS_DIR).mkdir(parents=True, exist_ok=True)
    written: dict[str, GoldDocument] = {}
    actor = f"cli:{getpass.getuser()}"
    for document_id in ids:
        filename, original_key, matter = documents[document_id]
        name = f"{document_id}-{filename}"
        try:
            (out / DOCUMENTS_DIR / name).write_bytes(blobs.get(original_key))
        except BlobNotFound:
            fail(f"document {document_id}'s original {original_key} is missing from the blob store")
        written[name] = reviewed_label(name, corrections[document_id])
        record(db, actor=actor, action="goldset_add", client="cli", document_id=document_id, matter=matter,
               detail={"out": str(out)})  # fmt: skip
    kept = [doc for doc in _existing(out) if doc.document not in written]
    write_labels(out, [*kept, *written.values()])
    return list(written)


@app.command("add-reviewed")
def add_reviewed(
    out: Annotated[Path, typer.Option(help="The golden-set folder to write (labels.jsonl + documents/).")],
    matter: Annotated[
        list[str] | None, typer.Option(help="Only this matter's documents (repeatable); default all.")
    ] = None,
) -> None:
    """Write every document with a reviewed field as a dev-split golden-set label, with its original file."""
    settings = load_settings()
    db = open_database(settings.resolved_database_url)
    blobs = open_blob_store(
        settings.resolved_blobs_url,
        s3_endpoint_url=settings.blobs.s3_endpoint_url,
        s3_region=settings.blobs.s3_region,
    )
    try:
        names = add_reviewed_labels(db, blobs, out, matter or None)
    finally:
        db.dispose()
    if not names:
        fail("no reviewed documents" + (f" in {', '.join(matter)}" if matter else ""))
    typer.echo(f"{len(names)} reviewed documents written to {out / LABELS_FILE} (split dev)")


def register(root: typer.Typer) -> None:
    root.add_typer(
        app,
        name="goldset",
        epilog=examples(
            ("abstractor goldset add-reviewed --out reviewed/", "every reviewed document, as dev labels"),
            ("abstractor eval --goldset reviewed/ --split dev", "score the engine on the reviewed values"),
        ),
    )
