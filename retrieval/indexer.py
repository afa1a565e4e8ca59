"""The index stage's work for one document: its pages as points (vectors + payload), and where they go.

The indexer is handed what the pipeline already holds (page texts, the merged fields, a way to the page
images) instead of reading back from the database what was just written.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PIL import Image

from retrieval.encoder import PageEncoder
from retrieval.index import PagePoint, page_point_id
from retrieval.index.payload import page_payload
from retrieval.terms import contract_terms
from retrieval.updates import IndexUpdates


@dataclass(frozen=True)
class IndexablePage:
    number: int
    text: str


@dataclass(frozen=True)
class IndexableDocument:
    id: int
    matter: str
    sha256: str
    pages: list[IndexablePage]
    fields: dict[str, Any] | None  # the merged {field: ExtractedField JSON}, None before extraction
    image_jpeg: Callable[[int], bytes]  # page number -> its stored JPEG; called only for visual models


@dataclass
class Indexer:
    encoder: PageEncoder
    updates: IndexUpdates

    @property
    def version(self) -> str:
        return self.encoder.version

    def points(self, document: IndexableDocument) -> list[PagePoint]:
        """Every page of the document that has something to search by (words, or an image with ColPali)."""
        pages = sorted(document.pages, key=lambda page: page.number)
        terms = contract_terms(document.fields) if document.fields is not None else None

        def images() -> list[Image.Image]:
            return [Image.open(io.BytesIO(document.image_jpeg(page.number))).convert("RGB") for page in pages]

        vectors = self.encoder.pages([page.text for page in pages], images)
        return [
            PagePoint(
                id=page_point_id(document.matter, document.sha256, page.number),
                multivector=v.multivector,
                pooled=v.pooled,
                dense_text=v.dense,
                sparse_text=v.sparse,
                payload=page_payload(str(document.id), page.number, document.matter, terms),
            )
            for page, v in zip(pages, vectors, strict=True)
            if not v.empty
        ]

    def publish(self) -> None:
        self.updates.publish()

    def close(self) -> None:
        self.updates.close()
