"""A golden set's split ingested the production way into a data home of its own, for an eval run.

Golden documents never enter the lawyers' database or index: every run gets a fresh work folder (its
database, blobs and, for search, its index), made empty at the start. Only the OCR cache is shared.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from goldset.labels import GoldDocument, load_goldset
from goldset.scan import build_scans
from goldset.sets import Variant
from pipeline.context import IngestContext
from pipeline.discovery import DiscoveredDocument
from pipeline.document import DocumentOutcome
from pipeline.ingest import DocumentMapper, handle_document
from pipeline.ingest_setup import IngestJob
from storage.db.models import Stage

GOLDEN_MATTER = "goldset"


def golden_split(
    goldset_dir: Path, variant: Variant, split: str | None, scans_cache_dir: Path, scan_seed: int
) -> list[GoldDocument]:
    """The split's labelled documents, as scans (goldset.scan) for the scanned variant."""
    source = (
        build_scans(goldset_dir, scans_cache_dir, scan_seed, split=split)  # type: ignore[arg-type]
        if variant == "scanned"
        else goldset_dir
    )
    gold = load_goldset(source, split=split)  # type: ignore[arg-type]
    if not gold:
        raise ValueError(f"the golden set at {goldset_dir} has no documents in split {split!r}")
    return gold


def golden_ingest_job(ingest: IngestJob, gold: list[GoldDocument], work_dir: Path) -> IngestJob:
    """`ingest` pointed at the split's documents and at a fresh data home in `work_dir`."""
    shutil.rmtree(work_dir, ignore_errors=True)
    return ingest.model_copy(
        update={
            "sources": [str(documents_folder(gold, work_dir / "documents"))],
            "matter": GOLDEN_MATTER,
            "database_url": f"sqlite:///{(work_dir / 'eval.db').resolve()}",
            "blobs_url": str((work_dir / "blobs").resolve()),
        }
    )


def documents_folder(gold: list[GoldDocument], folder: Path) -> Path:
    """A folder holding just the split's documents, so the ingest run reads nothing else.

    Hard links (copies across filesystems), not symbolic links: ingestion refuses links that lead out
    of a source (`storage.sources`), and the golden set lies outside this folder.
    """
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for document in gold:
        assert document.path is not None  # load_goldset resolves every path or raises
        source, target = document.path.resolve(), folder / document.document
        try:
            os.link(source, target)
        except OSError:  # another filesystem, or a file the kernel will not let us link (not ours)
            shutil.copyfile(source, target)
    return folder


def in_flight(ctx: IngestContext, limit: int) -> DocumentMapper:
    """Documents `limit` at a time on threads sharing the context, as the Prefect thread runner does."""

    def map_documents(
        run_id: int, versions: dict[Stage, str], items: Sequence[DiscoveredDocument]
    ) -> list[DocumentOutcome]:
        with ThreadPoolExecutor(max_workers=limit, thread_name_prefix="eval-document") as documents:
            return list(documents.map(lambda item: handle_document(ctx, run_id, versions, item), items))

    return map_documents
