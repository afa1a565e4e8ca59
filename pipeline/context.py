"""Everything the ingest functions need, built once per run by a face and passed down."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel

from extractors.engines.base import ExtractionEngine
from extractors.merge import DEFAULT_MAX_FAILED_SHARE
from extractors.ocr import OcrCache, OcrConfig
from extractors.render import RenderConfig
from retrieval.indexer import Indexer
from storage.blobs import BlobStore
from storage.db import Database

T = TypeVar("T")
ProgressCallback = Callable[[str, int], None]  # (event, amount): "pages" as they finish, "documents"


def _no_progress(_event: str, _amount: int) -> None:
    pass


class EventLoopThread:
    """One asyncio loop in a background thread, shared by all documents of a run.

    Model clients keep connection pools and an in-flight bound that belong to one event loop; running
    every engine call on this loop keeps a single bound per process, whichever thread asks.
    """

    def __init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="engine-loop", daemon=True)
        self._thread.start()

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result()

    def close(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()


@dataclass
class IngestContext:
    db: Database
    blobs: BlobStore
    render: RenderConfig
    ocr: OcrConfig
    ocr_cache: OcrCache
    # The one owner of CPU-stage concurrency in this process. Its threads drive tesseract and poppler
    # subprocesses and numpy/PIL code that releases the GIL, so threads give process-level parallelism
    # without pickling page images between processes.
    pool: ThreadPoolExecutor
    schema: type[BaseModel]
    engine: ExtractionEngine | None = None
    indexer: Indexer | None = None  # None: no index stage (e.g. the eval run's golden documents)
    lease: dt.timedelta = dt.timedelta(minutes=15)
    max_failed_page_share: float = DEFAULT_MAX_FAILED_SHARE  # the error budget (see extractors.merge)
    s3_endpoint_url: str | None = None
    s3_region: str | None = None
    progress: ProgressCallback = field(default=_no_progress)
    # Held while a document is extracted: the flow sets it to a slot of each model endpoint's global limit.
    extract_slot: Callable[[], AbstractContextManager[object]] = field(default=nullcontext)
    loop: EventLoopThread = field(default_factory=EventLoopThread)

    def run_async(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return self.loop.run(coroutine)

    def close(self) -> None:
        if self.engine is not None:
            self.run_async(self.engine.aclose())
        self.loop.close()
        self.pool.shutdown(wait=True)
        if self.indexer is not None:
            self.indexer.close()
