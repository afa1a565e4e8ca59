"""The FastAPI app: `create_app(settings)`. It owns the embedded index while it runs.

At start it takes the index (or keeps trying, if an ingest run holds it for a moment) and, every
`server.outbox_interval_s`, applies what ingest runs and purges left in the outbox.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from fastapi import FastAPI

from abstractor.search_service import SearchServices
from abstractor.settings import Settings
from abstractor.web.api import router

log = logging.getLogger(__name__)


async def _apply_outbox(services: SearchServices, interval_s: float) -> None:
    while True:
        try:
            if not await asyncio.to_thread(services.owner.try_take):
                log.info("the index is held by another process; retrying in %s s", interval_s)
        except Exception:  # a bad row or a full disk must not stop the loop: log it, retry next time
            log.exception("applying the index outbox failed")
        await asyncio.sleep(interval_s)


def create_app(settings: Settings, services: SearchServices | None = None) -> FastAPI:
    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.services = services or SearchServices(settings)
        await asyncio.to_thread(app.state.services.encoder.warm)
        task = asyncio.create_task(_apply_outbox(app.state.services, settings.server.outbox_interval_s))
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            app.state.services.close()

    # No interactive docs: they load scripts from a CDN. The schema stays at /openapi.json.
    app = FastAPI(title="Abstractor", lifespan=lifespan, docs_url=None, redoc_url=None)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    app.include_router(router)
    return app
