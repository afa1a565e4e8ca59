"""The interface every extraction engine implements.

An engine reads the pages of one document and answers per page; merging the pages into one record is done
elsewhere, the same way for every engine. Engines are asynchronous because the model-served ones spend their
time waiting on the network; CPU-only engines simply do their work inside the coroutine.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass

from pydantic import BaseModel

from schemas.ocr import PageOcr
from schemas.results import PageExtraction


@dataclass(frozen=True)
class PageInput:
    """One upright page image with its OCR, as the engines see it."""

    number: int  # 1-based
    image_jpeg: bytes
    ocr: PageOcr

    @property
    def width(self) -> int:
        return self.ocr.width

    @property
    def height(self) -> int:
        return self.ocr.height


class ExtractionEngine(ABC):
    """Reads pages into the fields of `schema` (a pydantic model such as ContractFields)."""

    def __init__(self, schema: type[BaseModel]) -> None:
        self.schema = schema

    @property
    @abstractmethod
    def name(self) -> str:
        """Short engine name, e.g. 'rules' or 'vlm'."""

    @property
    @abstractmethod
    def version(self) -> str:
        """Everything that changes the output: engine, model, prompt and schema versions.

        The extract stage records it; a different version re-extracts the document on the next run.
        """

    @abstractmethod
    async def extract_pages(self, pages: Sequence[PageInput]) -> list[PageExtraction]:
        """One result per page, in page order. Failures are results with a status, never exceptions."""

    async def aclose(self) -> None:  # noqa: B027 - optional hook, most engines hold nothing
        """Release clients and connections."""
