"""The index stage's work for one document: its pages as points (vectors + payload), and where they go."""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image
from sqlalchemy import select

from retrieval.encoder import PageEncoder
from retrieval.index import PagePoint, page_point_id
from retrieval.index.payload import page_payload
from retrieval.terms import contract_terms
from retrieval.updates import IndexUpdates
from storage.blobs import BlobStore
from storage.db import Database, Document, Extraction, Page


@dataclass
class Indexer:
    encoder: PageEncoder
    updates: IndexUpdates

    @property
    def version(self) -> str:
        return self.encoder.version

    def points(self, db: Database, blobs: BlobStore, document_id: int) -> list[PagePoint]:
        """Every page of the document that has something to search by (words, or an image with ColPali)."""
        with db.session() as session:
            document = session.get_one(Document, document_id)
            matter, sha256 = document.matter.name, document.sha256
            pages = list(session.scalars(select(Page).where(Page.document_id == document_id)))
            merged = session.scalar(
                select(Extraction).where(
                    Extraction.document_id == document_id, Extraction.page_number.is_(None)
                )
            )
            terms = contract_terms(merged.fields) if merged is not None else None
            texts = [page.ocr_text or "" for page in sorted(pages, key=lambda p: p.number)]
            numbered = [(page.number, page.image_key) for page in sorted(pages, key=lambda p: p.number)]

        def images() -> list[Image.Image]:
            return [Image.open(io.BytesIO(blobs.get(key))).convert("RGB") for _, key in numbered]

        vectors = self.encoder.pages(texts, images)
        return [
            PagePoint(
                id=page_point_id(matter, sha256, number),
                multivector=v.multivector,
                pooled=v.pooled,
                dense_text=v.dense,
                sparse_text=v.sparse,
                payload=page_payload(str(document_id), number, matter, terms),
            )
            for (number, _), v in zip(numbered, vectors, strict=True)
            if not v.empty
        ]

    def publish(self) -> None:
        self.updates.publish()

    def close(self) -> None:
        self.updates.close()
