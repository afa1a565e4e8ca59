"""The index stage's work for one document: its pages as points (vectors + payload), and where they go.

The indexer is handed what the pipeline already holds (the pages' OCR words, the merged fields, a way to
the page images) instead of reading back from the database what was just written.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PIL import Image

from retrieval.encoder import PageEncoder
from retrieval.index import PagePoint, page_point_id
from retrieval.index.base import PAGE, PASSAGE, passage_point_id
from retrieval.index.payload import LEAD, page_payload
from retrieval.passages import page_passages
from retrieval.terms import contract_terms
from retrieval.updates import IndexUpdates
from schemas.contract import ContractFields
from schemas.ocr import PageOcr


@dataclass(frozen=True)
class IndexablePage:
    number: int
    ocr: PageOcr


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
        """A passage point for every passage of words; with ColPali, a page point for every page."""
        pages = sorted(document.pages, key=lambda page: page.number)
        terms = contract_terms(document.fields) if document.fields is not None else None
        points = self._passage_points(document, pages, terms)
        if self.encoder.visual:
            points = self._page_points(document, pages, terms) + points
        if points:  # facets count documents by the one point that leads each
            points[0].payload["lead"] = LEAD
        return points

    def _passage_points(
        self, document: IndexableDocument, pages: list[IndexablePage], terms: ContractFields | None
    ) -> list[PagePoint]:
        config = self.encoder.config
        found = [
            (page.number, n, passage)
            for page in pages
            for n, passage in enumerate(
                page_passages(page.ocr, config.passage_min_words, config.passage_max_words)
            )
        ]
        vectors = self.encoder.passages([passage.text for _, _, passage in found])
        return [
            PagePoint(
                id=passage_point_id(document.matter, document.sha256, number, n),
                dense_text=v.dense,
                sparse_text=v.sparse,
                payload={
                    **page_payload(str(document.id), number, document.matter, terms),
                    "kind": PASSAGE,
                    "passage": n,
                    "text": passage.text,
                    "boxes": [list(box) for box in passage.boxes],
                },
            )
            for (number, n, passage), v in zip(found, vectors, strict=True)
        ]

    def _page_points(
        self, document: IndexableDocument, pages: list[IndexablePage], terms: ContractFields | None
    ) -> list[PagePoint]:
        images = [Image.open(io.BytesIO(document.image_jpeg(p.number))).convert("RGB") for p in pages]
        return [
            PagePoint(
                id=page_point_id(document.matter, document.sha256, page.number),
                multivector=v.multivector,
                pooled=v.pooled,
                payload={**page_payload(str(document.id), page.number, document.matter, terms), "kind": PAGE},
            )
            for page, v in zip(pages, self.encoder.pages(images), strict=True)
        ]

    def publish(self) -> None:
        self.updates.publish()

    def close(self) -> None:
        self.updates.close()
