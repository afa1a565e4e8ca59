"""Settings -> the objects a search face needs (database, blobs, index owner, encoder), built once.

The CLI (when no server runs) and the web app both search through this, so they hold the index, load the
models and audit the same way.
"""

from __future__ import annotations

from abstractor.settings import Settings
from retrieval.encoder import PageEncoder
from retrieval.owner import IndexOwner
from retrieval.relevance import load_calibration
from retrieval.search import SearchResult, search_pages
from storage.blobs import BlobStore, open_blob_store
from storage.db import Database, open_database
from storage.db.access import Principal


class SearchServices:
    def __init__(self, settings: Settings, db: Database | None = None) -> None:
        self.settings = settings
        self.db = db or open_database(settings.resolved_database_url)
        self.blobs: BlobStore = open_blob_store(
            settings.resolved_blobs_url,
            s3_endpoint_url=settings.blobs.s3_endpoint_url,
            s3_region=settings.blobs.s3_region,
        )
        self.owner = IndexOwner(self.db, settings.resolved_index)
        self.encoder = PageEncoder(settings.embedders)
        # The packaged relevance calibration, when it was fitted for this text encoder (else None).
        self.calibration = load_calibration(self.encoder.text_version)

    def search(self, who: Principal, text: str, *, where: list[str], limit: int, client: str) -> SearchResult:
        return search_pages(
            self.db,
            self.owner,
            self.encoder,
            who,
            text,
            where=where,
            limit=limit,
            client=client,
            calibration=self.calibration,
        )

    def close(self) -> None:
        self.owner.close()
        self.db.dispose()
